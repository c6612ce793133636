import datetime
from decimal import Decimal
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase

from klearmind.accounts.tests.factories import staff
from klearmind.audit.models import AuditEvent
from klearmind.booking import clearance, services
from klearmind.booking.availability import Place
from klearmind.booking.links import appointment_token
from klearmind.booking.models import (
    Appointment,
    AppointmentStatus,
    BookingRequest,
    DepositRule,
    Invitation,
    OnlineBooking,
    Service,
    ServiceKind,
)
from klearmind.booking.models.appointments import BookingRequestQuerySet
from klearmind.booking.models.setup import TREATMENT_OPEN_TO_ANYONE
from klearmind.booking.services import SlotUnavailable
from klearmind.outbox.models import OutgoingMessage

from .factories import PATIENT, book, make_clinic, make_location, make_service

NOW = datetime.datetime(2026, 12, 1, 16, tzinfo=datetime.UTC)  # Tuesday 8:00 in Sacramento
DAY = datetime.date(2026, 12, 3)


def atomic_depth() -> int:
    """How many atomic blocks are open (a TestCase itself opens some)."""
    return len(transaction.get_connection().atomic_blocks)


def refusal_code(call) -> str:
    with pytest.raises(SlotUnavailable) as caught:
        call()
    return caught.value.code


@time_machine.travel(NOW, tick=False)
class BookAppointmentTests(TestCase):
    def setUp(self):
        self.clinic = make_clinic(
            chairs=1, fasting_hours=6, driver_required=True, buffer_after_minutes=15
        )

    def book_online(self, starts_at, **kwargs):
        return services.book_appointment(
            service=self.clinic.service,
            place=self.clinic.place,
            starts_at=starts_at,
            patient=PATIENT,
            **kwargs,
        )

    def test_books_a_free_slot_with_a_chair_a_provider_and_its_buffers(self):
        with self.captureOnCommitCallbacks(execute=True):
            appointment = self.book_online(self.clinic.at(DAY, 10))
        assert appointment.chair == 1
        assert appointment.provider == self.clinic.providers[0]
        assert appointment.ends_at - appointment.starts_at == datetime.timedelta(minutes=60)
        assert appointment.occupied_until - appointment.ends_at == datetime.timedelta(minutes=15)
        stored = Appointment.objects.get()
        assert (stored.patient_name, stored.patient_email) == ("Dana Reyes", "dana@example.org")

    def test_refuses_a_service_that_is_inactive_or_not_given_at_that_place(self):
        other = make_location("roseville-test", zips="95661")
        slot = self.clinic.at(DAY, 10)
        assert (
            refusal_code(
                lambda: services.book_appointment(
                    service=self.clinic.service,
                    place=Place(other),
                    starts_at=slot,
                    patient=PATIENT,
                )
            )
            == "not_here"
        )
        self.clinic.service.active = False
        self.clinic.service.save(update_fields=["active"])
        assert refusal_code(lambda: self.book_online(slot)) == "inactive"
        assert not Appointment.objects.exists()

    def test_the_confirmation_has_the_rules_the_place_a_calendar_file_and_the_link(self):
        with self.captureOnCommitCallbacks(execute=True):
            appointment = self.book_online(self.clinic.at(DAY, 10))
        message = mail.outbox[0]
        assert message.to == ["dana@example.org"]
        assert "Thursday 3 December 2026, 10:00 AM (PST)" in message.subject
        assert "No solid food for 6 hours before your visit." in message.body
        assert "Bring a responsible adult who will drive you home" in message.body
        assert "1 Test Street, Sacramento" in message.body
        assert f"/book/visit/{appointment_token(appointment)}/" in message.body
        name, content, mimetype = message.attachments[0]
        assert name.endswith(".ics") and mimetype.startswith("text/calendar")
        assert "DTSTART:20261203T180000Z" in content
        assert "UID:appointment-" in content
        assert appointment_token(appointment) not in content  # calendars are shared
        assert "/book/" not in content
        assert OutgoingMessage.objects.about("booking.appointment", appointment.pk).get().sent_at

    def test_refuses_a_slot_already_taken_and_stores_nothing(self):
        book(self.clinic, self.clinic.at(DAY, 10))
        code = refusal_code(lambda: self.book_online(self.clinic.at(DAY, 10, 30)))
        assert code == "taken"
        assert Appointment.objects.count() == 1

    def test_refuses_past_times_times_outside_hours_and_too_far_ahead(self):
        assert refusal_code(lambda: self.book_online(self.clinic.at(NOW.date(), 7))) == "past"
        assert refusal_code(lambda: self.book_online(self.clinic.at(DAY, 19))) == "outside_hours"
        assert refusal_code(lambda: self.book_online(self.clinic.at(DAY, 10, 5))) == (
            "outside_hours"  # not on the quarter-hour grid
        )
        far = DAY + datetime.timedelta(days=services.BOOKING_HORIZON_DAYS + 1)
        assert refusal_code(lambda: self.book_online(self.clinic.at(far, 10))) == "too_far"
        assert not Appointment.objects.exists()

    def test_refuses_a_service_where_it_is_not_given(self):
        home = Place(self.clinic.location, at_home=True)
        code = refusal_code(
            lambda: services.book_appointment(
                service=self.clinic.service,
                place=home,
                starts_at=self.clinic.at(DAY, 10),
                patient=PATIENT,
            )
        )
        assert code == "not_here"

    def test_patients_cannot_book_staff_only_services_but_the_front_desk_can(self):
        self.clinic.service.online_booking = OnlineBooking.STAFF
        self.clinic.service.save()
        assert refusal_code(lambda: self.book_online(self.clinic.at(DAY, 10))) == "staff_only"
        appointment = self.book_online(self.clinic.at(DAY, 10), by=staff("Front desk"))
        assert appointment.booked_by is not None

    def test_the_same_form_token_twice_books_once(self):
        first = self.book_online(self.clinic.at(DAY, 10), token="abc")
        second = self.book_online(self.clinic.at(DAY, 10), token="abc")
        assert not BookingRequest.objects.filter(token_hash="abc").exists()
        assert BookingRequest.objects.for_token("abc").get().appointment == first
        assert first == second
        assert Appointment.objects.count() == 1

    def test_an_invitation_unlocks_a_treatment_once(self):
        self.clinic.service.online_booking = OnlineBooking.INVITED
        self.clinic.service.save()
        assert refusal_code(lambda: self.book_online(self.clinic.at(DAY, 10))) == (
            "needs_invitation"
        )
        invitation = services.issue_invitation(
            name="Alex", email="alex@example.org", by=staff("Clinician")
        )
        appointment = self.book_online(self.clinic.at(DAY, 10), invitation=invitation)
        assert appointment.invitation == invitation
        invitation.refresh_from_db()
        assert invitation.used_at is not None
        code = refusal_code(
            lambda: self.book_online(self.clinic.at(DAY, 14), invitation=invitation)
        )
        assert code == "invitation_used"


@time_machine.travel(NOW, tick=False)
class ChangeAppointmentTests(TestCase):
    def setUp(self):
        self.clinic = make_clinic(chairs=1)
        self.visit = book(self.clinic, self.clinic.at(DAY, 10))

    def test_the_patient_moves_a_visit_outside_the_notice_window(self):
        with self.captureOnCommitCallbacks(execute=True):
            moved = services.move_appointment(
                appointment=self.visit, starts_at=self.clinic.at(DAY, 14)
            )
        assert moved.local_start.hour == 14
        assert moved.chair == 1
        assert "has moved" in mail.outbox[0].subject

    def test_a_visit_can_move_over_its_own_old_time(self):
        moved = services.move_appointment(
            appointment=self.visit, starts_at=self.clinic.at(DAY, 10, 30)
        )
        assert moved.local_start.minute == 30

    def test_inside_the_notice_window_the_patient_must_call_but_staff_can_move(self):
        with time_machine.travel(self.visit.starts_at - datetime.timedelta(hours=23)):
            code = refusal_code(
                lambda: services.move_appointment(
                    appointment=self.visit, starts_at=self.clinic.at(DAY, 14)
                )
            )
            assert code == "inside_notice"
            with pytest.raises(ValidationError) as caught:
                services.cancel_appointment(appointment=self.visit)
            assert caught.value.code == "inside_notice"
            services.cancel_appointment(appointment=self.visit, by=staff("Front desk"))
        self.visit.refresh_from_db()
        assert self.visit.status == AppointmentStatus.CANCELLED

    def test_a_cancelled_visit_frees_its_chair(self):
        services.cancel_appointment(appointment=self.visit)
        again = book(self.clinic, self.clinic.at(DAY, 10))
        assert again.chair == 1

    def test_the_front_desk_marks_arrived_then_completed_and_not_back(self):
        desk = staff("Front desk")
        with time_machine.travel(self.visit.starts_at):
            services.change_status(appointment=self.visit, action="arrived", by=desk)
            services.change_status(appointment=self.visit, action="completed", by=desk)
            with pytest.raises(ValidationError) as caught:
                services.change_status(appointment=self.visit, action="no_show", by=desk)
        assert caught.value.code == "wrong_status"
        self.visit.refresh_from_db()
        assert (self.visit.status, self.visit.status_changed_by) == ("completed", desk)

    def test_a_visit_that_has_not_started_cannot_be_a_no_show(self):
        with pytest.raises(ValidationError) as caught:
            self.visit.mark_no_show(by=None)
        assert caught.value.code == "not_started"


@time_machine.travel(NOW, tick=False)
class SeriesBookingTests(TestCase):
    def setUp(self):
        self.clinic = make_clinic(chairs=1)
        self.starts = [self.clinic.at(DAY + datetime.timedelta(days=2 * n), 10) for n in range(6)]

    def test_books_all_six_in_one_series(self):
        with self.captureOnCommitCallbacks(execute=True):
            series = services.book_series(
                service=self.clinic.service,
                place=self.clinic.place,
                starts=self.starts,
                patient=PATIENT,
            )
        assert series.appointments.count() == 6
        assert len(mail.outbox) == 1  # one confirmation for the plan
        body = mail.outbox[0].body
        assert "Your induction series, 6 visits:" in body
        assert "- Sunday 13 December 2026, 10:00 AM (PST)" in body
        files = [content for _, content, _ in mail.outbox[0].attachments]
        assert len(files) == 6  # one calendar file, one event, for each visit
        assert all(content.count("BEGIN:VEVENT") == 1 for content in files)

    def test_one_slot_taken_meanwhile_books_none_and_names_it(self):
        book(self.clinic, self.starts[3])
        with pytest.raises(SlotUnavailable) as caught:
            services.book_series(
                service=self.clinic.service,
                place=self.clinic.place,
                starts=self.starts,
                patient=PATIENT,
            )
        assert (caught.value.code, caught.value.number) == ("taken", 4)
        assert Appointment.objects.count() == 1


class InvitationTests(TestCase):
    def test_issuing_e_mails_a_link_that_names_the_invitation(self):
        clinician = staff("Clinician")
        treatment = make_service(slug="infusion", online_booking=OnlineBooking.INVITED)
        with self.captureOnCommitCallbacks(execute=True):
            invitation = services.issue_invitation(
                name="Alex", email="Alex@Example.org", by=clinician, services=[treatment]
            )
        assert invitation.get_url() in mail.outbox[0].body
        assert mail.outbox[0].to == ["Alex@Example.org"]
        assert invitation.unlocks(treatment)
        assert not invitation.unlocks(make_service(slug="drip"))  # needs no invitation anyway
        assert Invitation.objects.usable().get() == invitation


class ServiceSetupTests(TestCase):
    def test_a_service_cannot_take_an_address_the_booking_pages_use(self):
        service = make_service(slug="drip")
        service.slug = "visit"
        with pytest.raises(ValidationError) as caught:
            service.full_clean()
        assert "reserved" in str(caught.value)

    def test_preparation_rules_read_as_sentences(self):
        service = make_service(
            slug="infusion",
            fasting_hours=6,
            clear_liquids_hours=2,
            driver_required=True,
            no_driving_until_next_day=True,
            preparation_notes="Wear comfortable clothes.\n\n",
        )
        assert service.preparation() == [
            "No solid food for 6 hours before your visit.",
            "Clear liquids (water, clear juice, black coffee or tea) are fine until 2 hours "
            "before.",
            "Bring a responsible adult who will drive you home; you cannot drive.",
            "Do not drive or operate machinery until the next day.",
            "Wear comfortable clothes.",
        ]


class DepositRuleTests(TestCase):
    def test_each_rule_gives_its_deposit(self):
        service = make_service(slug="infusion", price=Decimal("450"))
        assert service.deposit is None
        service.deposit_rule, service.deposit_amount = DepositRule.FIXED, Decimal("100")
        assert service.deposit == Decimal("100")
        service.deposit_rule = DepositRule.FULL
        assert service.deposit == Decimal("450")
        service.deposit_rule, service.deposit_percent = DepositRule.PERCENT, 25
        assert service.deposit == Decimal("112.50")

    def test_a_percentage_is_of_the_price_booked_rounded_half_up_to_the_cent(self):
        service = make_service(
            slug="drip", price=Decimal("149"), deposit_rule=DepositRule.PERCENT, deposit_percent=33
        )
        assert service.deposit == Decimal("49.17")  # 49.17 exactly
        assert service.deposit_for(Decimal("149.99")) == Decimal("49.50")  # 49.4967
        assert service.deposit_for(Decimal("0.05")) == Decimal("0.02")  # 0.0165
        assert service.deposit_for(Decimal("399")) == Decimal("131.67")
        service.deposit_percent = 100
        assert service.deposit_for(Decimal("399")) == Decimal("399.00")

    def test_the_full_price_and_a_fixed_amount_follow_their_rules_for_a_drip(self):
        service = make_service(slug="drip", price=Decimal("149"), deposit_rule=DepositRule.FULL)
        assert service.deposit_for(Decimal("249")) == Decimal("249")
        service.deposit_rule, service.deposit_amount = DepositRule.FIXED, Decimal("50")
        assert service.deposit_for(Decimal("249")) == Decimal("50")

    def test_a_percentage_deposit_needs_a_percentage_from_1_to_100(self):
        service = make_service(slug="drip")
        service.deposit_rule = DepositRule.PERCENT
        for percent in (None, 0, 101, 1000):
            service.deposit_percent = percent
            with pytest.raises(ValidationError) as caught:
                service.full_clean()
            assert "deposit_percent" in caught.value.message_dict, percent
        for percent in (1, 50, 100):
            service.deposit_percent = percent
            service.full_clean()

    def test_the_database_refuses_a_percentage_out_of_range_or_missing(self):
        service = make_service(slug="drip")
        for rule, percent in ((DepositRule.PERCENT, None), (DepositRule.NONE, 0), ("fixed", 101)):
            with pytest.raises(IntegrityError), transaction.atomic():
                Service.objects.filter(pk=service.pk).update(
                    deposit_rule=rule, deposit_percent=percent
                )

    def test_a_percentage_deposit_is_an_unconfirmed_visit_for_the_desk(self):
        clinic = make_clinic(deposit_rule=DepositRule.PERCENT, deposit_percent=20)
        with time_machine.travel(NOW, tick=False):
            visit = book(clinic, clinic.at(DAY, 10))
            assert list(Appointment.objects.unconfirmed()) == [visit]


@time_machine.travel(NOW, tick=False)
class TreatmentGateTests(TestCase):
    """CLINICAL.md: IV ketamine, boosters and Spravato are booked only for someone a clinician
    has accepted; never "anyone may book online"."""

    def setUp(self):
        self.clinic = make_clinic(chairs=1, kind=ServiceKind.KETAMINE)
        Service.objects.filter(pk=self.clinic.service.pk).update(slug="infusion")
        self.accepted = set()
        clearance.register(self.accepted.__contains__)
        self.addCleanup(clearance._checks.remove, self.accepted.__contains__)

    def book(self, *, by=None, patient=PATIENT, invitation=None):
        return services.book_appointment(
            service=self.clinic.service,
            place=self.clinic.place,
            starts_at=self.clinic.at(DAY, 10),
            patient=patient,
            by=by,
            invitation=invitation,
        )

    def test_a_treatment_cannot_be_saved_open_to_anyone(self):
        service = self.clinic.service
        service.online_booking = OnlineBooking.ANYONE
        with pytest.raises(ValidationError) as caught:
            service.full_clean()
        assert caught.value.message_dict["online_booking"] == [TREATMENT_OPEN_TO_ANYONE]

    def test_no_treatment_kind_may_be_open_to_anyone_even_past_the_form(self):
        for kind in (ServiceKind.KETAMINE, ServiceKind.BOOSTER, ServiceKind.SPRAVATO):
            with transaction.atomic(), pytest.raises(IntegrityError):
                Service.objects.filter(pk=self.clinic.service.pk).update(
                    kind=kind, online_booking=OnlineBooking.ANYONE
                )

    def test_hydration_and_consultations_may_still_be_open_to_anyone(self):
        drip = make_service(self.clinic.location, slug="open-drip")
        drip.full_clean()
        assert drip.online_booking == OnlineBooking.ANYONE
        assert not drip.needs_invitation

    def test_a_treatment_row_saying_anyone_still_needs_an_invitation_online(self):
        service = self.clinic.service
        service.online_booking = OnlineBooking.ANYONE  # in memory only: the database refuses
        assert service.needs_invitation
        code = refusal_code(
            lambda: services.check_offered(service=service, place=self.clinic.place, staff=False)
        )
        assert code == "needs_invitation"

    def test_the_front_desk_cannot_book_a_treatment_for_someone_not_accepted(self):
        with pytest.raises(SlotUnavailable) as caught:
            self.book(by=staff("Front desk"))
        assert caught.value.code == "not_accepted"
        assert "a clinician has accepted" in caught.value.message
        assert not Appointment.objects.exists()

    def test_the_front_desk_books_a_treatment_once_a_clinician_accepted_them(self):
        self.accepted.add(PATIENT.email)
        appointment = self.book(by=staff("Front desk"))
        assert appointment.service.is_treatment

    def test_the_front_desk_cannot_book_a_series_for_someone_not_accepted(self):
        code = refusal_code(
            lambda: services.book_series(
                service=self.clinic.service,
                place=self.clinic.place,
                starts=[self.clinic.at(DAY, 10), self.clinic.at(DAY + datetime.timedelta(1), 10)],
                patient=PATIENT,
                by=staff("Front desk"),
            )
        )
        assert code == "not_accepted"

    def test_the_front_desk_books_anything_else_for_anyone(self):
        drip = make_clinic(chairs=1, slug="drip-clinic")  # its service is a hydration drip
        appointment = services.book_appointment(
            service=drip.service,
            place=drip.place,
            starts_at=drip.at(DAY, 10),
            patient=PATIENT,
            by=staff("Front desk"),
        )
        assert not appointment.service.is_treatment

    def test_a_check_registered_twice_is_asked_once(self):
        before = len(clearance._checks)
        clearance.register(self.accepted.__contains__)
        assert len(clearance._checks) == before

    def test_with_no_check_registered_nobody_is_accepted(self):
        saved = list(clearance._checks)
        clearance._checks.clear()
        self.addCleanup(clearance._checks.extend, saved)
        assert clearance.is_accepted(PATIENT.email) is False
        assert clearance.is_accepted("") is False


@time_machine.travel(NOW, tick=False)
class OfferedTests(TestCase):
    """check_offered: who may book which service where, the one check for every path."""

    def setUp(self):
        self.clinic = make_clinic(chairs=1, kind=ServiceKind.KETAMINE)
        Service.objects.filter(pk=self.clinic.service.pk).update(slug="infusion")
        self.service = self.clinic.service

    def code(self, **kwargs) -> str:
        kwargs = {"service": self.service, "staff": False, **kwargs}
        return refusal_code(lambda: services.check_offered(**kwargs))

    def test_without_a_place_only_the_person_is_checked(self):
        drip = make_service(slug="drip")  # given nowhere
        services.check_offered(service=drip, staff=False)
        assert self.code(service=drip, place=self.clinic.place) == "not_here"
        drip.online_booking = OnlineBooking.STAFF
        with pytest.raises(SlotUnavailable) as caught:
            services.check_offered(service=drip, staff=False)
        assert caught.value.message == "Drip is booked by the clinic. Please call us."
        services.check_offered(service=drip, staff=True)

    def test_an_invitation_unlocks_only_while_usable_and_says_which_it_is(self):
        invitation = services.issue_invitation(name="Alex", email="alex@example.org", by=None)
        assert self.code() == "needs_invitation"
        services.check_offered(service=self.service, staff=False, invitation=invitation)
        invitation.expires_at = NOW
        assert self.code(invitation=invitation) == "invitation_used"
        invitation.expires_at = NOW + datetime.timedelta(seconds=1)
        services.check_offered(service=self.service, staff=False, invitation=invitation)
        invitation.used_at = NOW
        with pytest.raises(SlotUnavailable) as caught:
            services.check_offered(service=self.service, staff=False, invitation=invitation)
        assert caught.value.message == services.INVITATION_USED

    def test_an_invitation_for_another_service_does_not_unlock_this_one(self):
        other = make_service(slug="booster", kind=ServiceKind.BOOSTER)
        invitation = services.issue_invitation(
            name="Alex", email="alex@example.org", by=None, services=[other]
        )
        assert self.code(invitation=invitation) == "needs_invitation"

    def test_the_front_desk_is_asked_about_acceptance_not_invitations(self):
        assert self.code(staff=True, email=PATIENT.email) == "not_accepted"
        services.check_offered(service=self.service, staff=True)  # a visit being moved

    def test_a_booking_asks_once_inside_its_transaction(self):
        calls = []
        original = services.check_offered

        def counted(**kwargs):
            calls.append(atomic_depth())
            return original(**kwargs)

        drip = make_clinic(chairs=1, slug="drip-clinic")  # its service is a hydration drip
        with mock.patch.object(services, "check_offered", counted):
            services.book_appointment(
                service=drip.service, place=drip.place, starts_at=drip.at(DAY, 10), patient=PATIENT
            )
        assert calls == [atomic_depth() + 1]


@time_machine.travel(NOW, tick=False)
class NoticeWindowTests(TestCase):
    """Appointment.check_notice: a patient may not cancel or move inside the notice window."""

    def setUp(self):
        self.clinic = make_clinic(chairs=1)
        self.visit = book(self.clinic, self.clinic.at(DAY, 10))
        self.deadline = self.visit.starts_at - datetime.timedelta(hours=24)

    def test_the_window_opens_exactly_its_hours_before_the_visit(self):
        with time_machine.travel(self.deadline - datetime.timedelta(seconds=1), tick=False):
            self.visit.check_notice(by=None, change="cancel")
            self.visit.check_notice(by=None, change="move")
        with time_machine.travel(self.deadline, tick=False):
            for change in ("cancel", "move"):
                with pytest.raises(ValidationError) as caught:
                    self.visit.check_notice(by=None, change=change)
                assert caught.value.code == "inside_notice"
            self.visit.check_notice(by=staff("Front desk"), change="move")

    def test_cancelling_and_moving_say_it_in_their_own_words(self):
        with time_machine.travel(self.deadline, tick=False):
            with pytest.raises(ValidationError) as cancelled:
                services.cancel_appointment(appointment=self.visit)
            with pytest.raises(SlotUnavailable) as moved:
                services.move_appointment(appointment=self.visit, starts_at=self.clinic.at(DAY, 14))
        assert cancelled.value.messages == [
            "This visit is less than 24 hours away, so it can no longer be cancelled online."
        ]
        assert moved.value.message == (
            "Your visit is less than 24 hours away, so it can no longer be changed online. "
            "Please call the clinic."
        )

    def test_the_window_follows_the_services_notice(self):
        self.clinic.service.cancellation_notice_hours = 48
        self.clinic.service.save()
        self.visit.refresh_from_db()
        with time_machine.travel(self.deadline - datetime.timedelta(hours=1), tick=False):
            assert (
                refusal_code(
                    lambda: services.move_appointment(
                        appointment=self.visit, starts_at=self.clinic.at(DAY, 14)
                    )
                )
                == "inside_notice"
            )


@time_machine.travel(NOW, tick=False)
class InvitationUseTests(TestCase):
    def setUp(self):
        self.clinic = make_clinic(chairs=2, kind=ServiceKind.KETAMINE)
        self.invitation = services.issue_invitation(name="Alex", email="alex@example.org", by=None)

    def book_online(self, hour, *, invitation=None, token=""):
        return services.book_appointment(
            service=self.clinic.service,
            place=self.clinic.place,
            starts_at=self.clinic.at(DAY, hour),
            patient=PATIENT,
            invitation=invitation or self.invitation,
            token=token,
        )

    def test_an_invitation_is_used_once(self):
        self.invitation.use()
        assert self.invitation.used_at == NOW
        with pytest.raises(ValidationError) as caught:
            self.invitation.use()
        assert caught.value.code == "invitation_used"

    def test_a_copy_loaded_before_the_invitation_was_used_cannot_use_it_again(self):
        stale = Invitation.objects.get(pk=self.invitation.pk)
        self.invitation.use()
        with pytest.raises(ValidationError):
            stale.use()

    def test_a_used_invitation_cannot_book_twice(self):
        stale = Invitation.objects.get(pk=self.invitation.pk)
        first = self.book_online(10)
        assert first.invitation == self.invitation
        assert refusal_code(lambda: self.book_online(12, invitation=stale)) == "invitation_used"
        self.invitation.refresh_from_db()
        assert refusal_code(lambda: self.book_online(12)) == "invitation_used"
        assert list(Appointment.objects.all()) == [first]

    def test_the_same_form_token_returns_the_booking_its_invitation_paid_for(self):
        first = self.book_online(10, token="abc")
        self.invitation.refresh_from_db()
        assert self.book_online(10, token="abc") == first

    def test_an_expired_invitation_books_nothing(self):
        with time_machine.travel(self.invitation.expires_at, tick=False):
            assert refusal_code(lambda: self.book_online(10)) == "invitation_used"
        assert not Appointment.objects.exists()


@time_machine.travel(NOW, tick=False)
class SeriesRuleTests(TestCase):
    def setUp(self):
        self.clinic = make_clinic(chairs=1)
        self.starts = [self.clinic.at(DAY + datetime.timedelta(days=2 * n), 10) for n in range(6)]

    def book(self, starts, **kwargs):
        return services.book_series(
            service=self.clinic.service,
            place=self.clinic.place,
            starts=starts,
            patient=PATIENT,
            **kwargs,
        )

    def test_a_series_is_six_times_beginning_at_the_one_chosen(self):
        assert self.book(self.starts, first=self.starts[0]).appointments.count() == 6

    def test_any_other_plan_is_refused_and_books_nothing(self):
        for plan, first in (
            (self.starts[:5], None),
            ([*self.starts, self.starts[-1] + datetime.timedelta(days=2)], None),
            ([*self.starts[:5], None], None),
            (self.starts, self.starts[1]),
        ):
            assert refusal_code(lambda p=plan, f=first: self.book(p, first=f)) == ("series_changed")
        assert not Appointment.objects.exists()


@time_machine.travel(NOW, tick=False)
class AuditTests(TestCase):
    """The front desk's changes are written to the audit log inside the workflow's
    transaction: what fails leaves no event."""

    def setUp(self):
        self.clinic = make_clinic(chairs=1)
        self.desk = staff("Front desk")

    def book(self, hour=10, **kwargs):
        return services.book_appointment(
            service=self.clinic.service,
            place=self.clinic.place,
            starts_at=self.clinic.at(DAY, hour),
            patient=PATIENT,
            by=self.desk,
            **kwargs,
        )

    def test_a_booking_by_the_front_desk_is_audited_and_one_online_is_not(self):
        visit = self.book()
        event = AuditEvent.objects.get()
        assert (event.action, event.actor, event.target_id) == ("create", self.desk, str(visit.pk))
        services.book_appointment(
            service=self.clinic.service,
            place=self.clinic.place,
            starts_at=self.clinic.at(DAY, 12),
            patient=PATIENT,
        )
        assert AuditEvent.objects.count() == 1

    def test_a_refused_booking_leaves_no_event(self):
        book(self.clinic, self.clinic.at(DAY, 10))
        assert refusal_code(self.book) == "taken"
        assert not AuditEvent.objects.exists()

    def test_a_booking_that_fails_after_its_event_leaves_neither(self):
        with (
            mock.patch.object(BookingRequestQuerySet, "record", side_effect=IntegrityError),
            pytest.raises(IntegrityError),
        ):
            self.book(token="abc")
        assert not Appointment.objects.exists()
        assert not AuditEvent.objects.exists()

    def test_a_refused_move_or_status_change_leaves_no_event(self):
        visit = book(self.clinic, self.clinic.at(DAY, 10))
        code = refusal_code(
            lambda: services.move_appointment(
                appointment=visit, starts_at=self.clinic.at(DAY, 20), by=self.desk
            )
        )
        assert code == "outside_hours"
        with pytest.raises(ValidationError):
            services.change_status(appointment=visit, action="no_show", by=self.desk)
        assert not AuditEvent.objects.exists()
        services.change_status(appointment=visit, action="cancel", by=self.desk)
        assert AuditEvent.objects.get().detail == "cancel"

    def test_every_event_is_written_inside_the_workflows_transaction(self):
        depths = []
        original = services.record

        def recorded(**kwargs):
            depths.append(atomic_depth())
            return original(**kwargs)

        outside = atomic_depth()
        with mock.patch.object(services, "record", recorded):
            visit = self.book()
            services.move_appointment(
                appointment=visit, starts_at=self.clinic.at(DAY, 14), by=self.desk
            )
            services.change_status(appointment=visit, action="cancel", by=self.desk)
            services.issue_invitation(name="Alex", email="alex@example.org", by=self.desk)
        assert len(depths) == 4
        assert all(depth > outside for depth in depths)
        assert AuditEvent.objects.count() == 4

    def test_an_invitation_issued_by_a_clinician_is_audited(self):
        invitation = services.issue_invitation(name="Alex", email="alex@example.org", by=self.desk)
        event = AuditEvent.objects.get()
        assert (event.target_type, event.target_id) == ("booking.invitation", str(invitation.pk))
