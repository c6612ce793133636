import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase

from klearmind.accounts.tests.factories import staff
from klearmind.booking import clearance, services
from klearmind.booking.availability import Place
from klearmind.booking.links import appointment_token
from klearmind.booking.models import (
    Appointment,
    AppointmentStatus,
    BookingRequest,
    Invitation,
    OnlineBooking,
    Service,
    ServiceKind,
)
from klearmind.booking.models.setup import TREATMENT_OPEN_TO_ANYONE
from klearmind.booking.services import SlotUnavailable
from klearmind.outbox.models import OutgoingMessage

from .factories import PATIENT, book, make_clinic, make_location, make_service

NOW = datetime.datetime(2026, 12, 1, 16, tzinfo=datetime.UTC)  # Tuesday 8:00 in Sacramento
DAY = datetime.date(2026, 12, 3)


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
        assert code == "needs_invitation"


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
        assert mail.outbox[0].attachments[0][1].count("BEGIN:VEVENT") == 6

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
