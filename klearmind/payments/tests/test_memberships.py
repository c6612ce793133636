"""Memberships against the fake Stripe: joining charges the first month, renewals charge each
month once on its day (calendar months from the day it began), declines lead to past due, an
e-mail and after the third a pause; cancelling stops renewals while the paid month runs on."""

import datetime
from unittest import mock

import pytest
import stripe
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import SimpleTestCase, TestCase

from klearmind.accounts.tests.factories import staff
from klearmind.audit.models import AuditEvent
from klearmind.audit.services import PATIENT_ITSELF
from klearmind.booking.models import AppointmentStatus
from klearmind.booking.tests.factories import make_clinic
from klearmind.outbox.models import OutgoingMessage
from klearmind.payments import gateway, memberships
from klearmind.payments.membership_emails import membership_message
from klearmind.payments.membership_tasks import renew_memberships
from klearmind.payments.models import (
    ChargeState,
    EntryKind,
    LedgerEntry,
    Membership,
    MembershipCharge,
    MembershipStatus,
    Method,
    Purpose,
)

from .plan_factories import (
    DECLINED_WHEN_CHARGED,
    DECLINED_WHEN_SAVED,
    PAYER_EMAIL,
    card,
    membership_plan,
    payer_hash,
    saved_card,
    visits,
)

pytestmark = pytest.mark.clock

CLINIC_ZONE = datetime.timezone(datetime.timedelta(hours=-8))  # Pacific Standard Time
JOINED = datetime.datetime(2027, 1, 31, 10, tzinfo=CLINIC_ZONE)  # a Sunday
FEB_28, MAR_31 = datetime.date(2027, 2, 28), datetime.date(2027, 3, 31)


def day(month: int, number: int) -> datetime.date:
    return datetime.date(2027, month, number)


class MonthTests(SimpleTestCase):
    def test_a_month_on_keeps_the_day_or_takes_the_months_last(self):
        jan_31 = datetime.date(2027, 1, 31)
        assert [memberships.month_after(jan_31, n) for n in range(4)] == [
            jan_31,
            FEB_28,
            MAR_31,
            datetime.date(2027, 4, 30),
        ]
        assert memberships.month_after(datetime.date(2028, 1, 31), 1) == datetime.date(2028, 2, 29)
        assert memberships.month_after(datetime.date(2026, 12, 31), 2) == FEB_28
        assert memberships.month_after(datetime.date(2027, 3, 15), 10) == datetime.date(2028, 1, 15)


@pytest.mark.usefixtures("stripe_on")
@time_machine.travel(JOINED, tick=False)
class MembershipTestCase(TestCase):
    def setUp(self):
        self.clinic = make_clinic(chairs=1)
        self.plan = membership_plan(self.clinic.service, price="129.00", drips=1)
        self.payer = payer_hash()

    def join(self, method=None, **options) -> Membership:
        method = method or saved_card(self.payer)
        values = {"email_hash": self.payer, "email": PAYER_EMAIL, "payment_method_id": method}
        return memberships.join(self.plan, **{**values, **options})

    def renew(self, today: datetime.date) -> memberships.RenewalSummary:
        with self.captureOnCommitCallbacks(execute=True):
            return memberships.renew_due(today)

    def payments(self) -> list[int]:
        entries = LedgerEntry.objects.of(self.payer).filter(
            purpose=Purpose.MEMBERSHIP, kind=EntryKind.PAYMENT
        )
        return list(entries.values_list("amount_cents", flat=True))

    def refresh(self, membership) -> Membership:
        membership.refresh_from_db()
        return membership


class JoinTests(MembershipTestCase):
    def test_joining_charges_the_first_month_and_starts_it_today(self):
        member = self.join()
        assert member.status == MembershipStatus.ACTIVE
        assert (member.current_period_start, member.current_period_end) == (day(1, 31), FEB_28)
        assert (member.payer_email_hash, member.email, member.price_cents) == (
            self.payer,
            PAYER_EMAIL,
            12900,
        )
        [charge] = member.charges.all()
        assert (charge.state, charge.attempts, charge.period_start) == (
            ChargeState.SUCCEEDED,
            1,
            day(1, 31),
        )
        intent = gateway.client().v1.payment_intents.retrieve(charge.stripe_id)
        assert (intent.status, intent.amount, intent.customer) == (
            "succeeded",
            12900,
            member.stripe_customer,
        )
        entries = LedgerEntry.objects.of(self.payer).filter(purpose=Purpose.MEMBERSHIP)
        assert [(e.kind, e.method, e.amount_cents) for e in entries] == [
            (EntryKind.CHARGE, "", 12900),
            (EntryKind.PAYMENT, Method.CARD_ON_FILE, -12900),
        ]
        assert entries[1].stripe_id == intent.id
        event = AuditEvent.objects.about(member).get()
        assert (event.actor_label, event.detail) == (PATIENT_ITSELF, "joined at $129.00")

    def test_a_card_typed_now_is_saved_to_the_member(self):
        member = self.join(card())
        assert member.stripe_payment_method.startswith("pm_")
        assert gateway.client().v1.payment_methods.retrieve(
            member.stripe_payment_method
        ).customer == (member.stripe_customer)

    def test_a_declined_card_makes_no_member(self):
        for method in (saved_card(self.payer, DECLINED_WHEN_CHARGED), card(DECLINED_WHEN_SAVED)):
            with self.subTest(method=method), pytest.raises(ValidationError) as declined:
                self.join(method)
            assert declined.value.code == "card_declined"
            assert "Your card was declined." in declined.value.messages[0]
            assert "Nothing was charged" in declined.value.messages[0]
        assert not Membership.objects.exists()
        assert not MembershipCharge.objects.exists()
        assert not LedgerEntry.objects.exists()

    def test_joining_twice_is_one_membership_and_one_payment(self):
        method = saved_card(self.payer)
        assert self.join(method) == self.join(method)
        assert Membership.objects.count() == 1
        assert self.payments() == [-12900]

    def test_a_member_of_one_plan_cannot_join_another(self):
        self.join()
        other = membership_plan(self.clinic.service, price="199.00", drips=2)
        with pytest.raises(ValidationError) as refused:
            memberships.join(
                other,
                email_hash=self.payer,
                email=PAYER_EMAIL,
                payment_method_id=saved_card(self.payer),
            )
        assert refused.value.code == "already_member"

    def test_refuses_what_cannot_make_a_member(self):
        method = saved_card(self.payer)
        cases = [
            ({"email": "someone.else@example.org"}, "no_payer"),
            ({"email": ""}, "no_payer"),
            ({"email": "dana@example.org\x00"}, "no_payer"),
            ({"email": "d" * 300 + "@example.org"}, "no_payer"),
            ({"payment_method_id": "<script>"}, "no_card"),
            ({"payment_method_id": "pm_" + "x" * 300}, "no_card"),
            ({"payment_method_id": "pm_nonexistent"}, "no_card"),
            ({"payment_method_id": "pm_\x00"}, "no_card"),
            ({"payment_method_id": "pm_../../customers"}, "no_card"),
        ]
        for options, code in cases:
            with self.subTest(options=options), pytest.raises(ValidationError) as refused:
                self.join(method, **options)
            assert refused.value.code == code
        self.plan.active = False
        self.plan.save()
        with pytest.raises(ValidationError) as closed:
            self.join(method)
        assert closed.value.code == "plan_inactive"
        assert not Membership.objects.exists()


class RenewalTests(MembershipTestCase):
    def test_renews_on_the_day_the_paid_month_ends_and_counts_months_from_the_first_day(self):
        member = self.join()
        assert self.renew(day(2, 27)).renewed == []
        assert self.renew(FEB_28).renewed == [member.pk]
        member = self.refresh(member)
        assert (member.current_period_start, member.current_period_end) == (FEB_28, MAR_31)
        assert self.renew(MAR_31).renewed == [member.pk]
        member = self.refresh(member)
        assert (member.current_period_start, member.current_period_end) == (MAR_31, day(4, 30))
        assert self.payments() == [-12900, -12900, -12900]
        assert LedgerEntry.objects.of(self.payer).balance() == 0
        assert list(member.charges.values_list("period_start", flat=True)) == [
            day(1, 31),
            FEB_28,
            MAR_31,
        ]

    def test_running_twice_charges_a_month_once(self):
        member = self.join()
        first = self.renew(FEB_28)
        second = self.renew(FEB_28)
        assert (first.renewed, second.renewed) == ([member.pk], [])
        assert member.charges.get(period_start=FEB_28).attempts == 1
        assert self.payments() == [-12900, -12900]

    def test_renew_one_refuses_a_month_already_renewed(self):
        member = self.join()
        self.renew(FEB_28)
        assert memberships.renew(member.pk, FEB_28) == ""
        assert self.payments() == [-12900, -12900]

    def test_a_member_is_charged_the_price_they_joined_at(self):
        member = self.join()
        self.plan.monthly_price = "149.00"
        self.plan.save()
        self.renew(FEB_28)
        assert member.charges.get(period_start=FEB_28).amount_cents == 12900

    def test_declines_make_it_past_due_then_paused_with_an_email_each_time(self):
        member = self.join()
        memberships.change_card(
            member, payment_method_id=saved_card(self.payer, DECLINED_WHEN_CHARGED)
        )
        assert self.renew(FEB_28).failed == [member.pk]
        member = self.refresh(member)
        assert (member.status, member.failed_attempts, member.next_attempt_on) == (
            MembershipStatus.PAST_DUE,
            1,
            day(3, 3),
        )
        [email] = mail.outbox
        assert email.to == [PAYER_EMAIL]
        assert email.subject == "Your membership payment did not go through"
        assert "$129.00" in email.body
        assert "We will try again on Wednesday, March 3." in email.body
        assert "Your card was declined." in email.body
        assert "/my/" in email.body
        for private in ("Drip club", "hydration", "drip", "Dana"):
            assert private not in email.body

        assert self.renew(day(3, 2)).failed == []
        assert self.renew(day(3, 3)).failed == [member.pk]
        assert self.refresh(member).next_attempt_on == day(3, 6)
        assert self.renew(day(3, 6)).paused == [member.pk]
        member = self.refresh(member)
        assert (member.status, member.failed_attempts, member.next_attempt_on) == (
            MembershipStatus.PAUSED,
            3,
            None,
        )
        assert [m.subject for m in mail.outbox] == [
            "Your membership payment did not go through",
            "Your membership payment did not go through",
            "Your membership is paused",
        ]
        assert "We tried 3 times" in mail.outbox[2].body
        assert self.renew(day(3, 9)) == memberships.RenewalSummary()
        charge = member.charges.get(period_start=FEB_28)
        assert (charge.state, charge.attempts) == (ChargeState.FAILED, 3)
        assert self.payments() == [-12900]  # a declined month is not owed
        assert LedgerEntry.objects.of(self.payer).balance() == 0

    def test_a_new_card_after_a_decline_is_tried_the_next_morning(self):
        member = self.join()
        memberships.change_card(
            member, payment_method_id=saved_card(self.payer, DECLINED_WHEN_CHARGED)
        )
        self.renew(FEB_28)
        with time_machine.travel(datetime.datetime(2027, 3, 1, 12, tzinfo=CLINIC_ZONE)):
            memberships.change_card(member, payment_method_id=saved_card(self.payer))
        assert self.refresh(member).next_attempt_on == day(3, 1)
        assert self.renew(day(3, 1)).renewed == [member.pk]
        member = self.refresh(member)
        assert (member.status, member.failed_attempts, member.next_attempt_on) == (
            MembershipStatus.ACTIVE,
            0,
            None,
        )
        # The month keeps its first day: paid late, it still runs from February 28.
        assert (member.current_period_start, member.current_period_end) == (FEB_28, MAR_31)
        charge = member.charges.get(period_start=FEB_28)
        assert (charge.state, charge.attempts) == (ChargeState.SUCCEEDED, 2)

    def test_the_email_of_a_decline_is_dropped_when_the_card_was_changed_and_paid(self):
        member = self.join()
        memberships.change_card(
            member, payment_method_id=saved_card(self.payer, DECLINED_WHEN_CHARGED)
        )
        memberships.renew_due(FEB_28)  # the e-mail waits for the commit that never comes here
        memberships.change_card(member, payment_method_id=saved_card(self.payer))
        memberships.renew_due(day(3, 1))
        message = OutgoingMessage.objects.get()
        assert membership_message(message) is None

    def test_a_membership_without_a_saved_card_is_declined(self):
        member = self.join()
        Membership.objects.filter(pk=member.pk).update(stripe_payment_method="")
        assert self.renew(FEB_28).failed == [member.pk]
        assert member.charges.get(period_start=FEB_28).failure == memberships.NO_CARD

    def test_stripe_out_of_reach_changes_nothing_and_is_tried_again(self):
        member = self.join()
        down = stripe.APIConnectionError("Stripe is out of reach.")
        with mock.patch.object(memberships.off_session, "charge", side_effect=down):
            summary = self.renew(FEB_28)
        assert summary.errors == [member.pk]
        member = self.refresh(member)
        assert (member.status, member.failed_attempts) == (MembershipStatus.ACTIVE, 0)
        assert not member.charges.filter(period_start=FEB_28).exists()
        assert mail.outbox == []
        assert self.renew(FEB_28).renewed == [member.pk]

    def test_with_card_payments_off_nothing_is_renewed(self):
        member = self.join()
        with self.settings(STRIPE_SECRET_KEY=""):
            summary = self.renew(FEB_28)
        assert summary.card_payments_off
        assert str(summary) == "Memberships: card payments are off, nothing renewed."
        assert self.refresh(member).current_period_end == FEB_28

    def test_the_daily_task_renews_on_the_clinics_date(self):
        member = self.join()
        with time_machine.travel(datetime.datetime(2027, 2, 28, 5, 37, tzinfo=CLINIC_ZONE)):
            result = renew_memberships.call()
        assert result["renewed"] == [member.pk]
        assert self.refresh(member).current_period_end == MAR_31


class CancelTests(MembershipTestCase):
    def test_cancelling_stops_renewals_and_the_paid_month_runs_to_its_end(self):
        member = self.join()
        memberships.cancel(member)
        member = self.refresh(member)
        assert (member.status, member.cancelled_at) == (MembershipStatus.CANCELLED, JOINED)
        assert memberships.drips_left(member, day(2, 20)) == 1
        assert self.renew(FEB_28) == memberships.RenewalSummary()
        assert memberships.drips_left(member, FEB_28) == 0
        assert self.payments() == [-12900]
        event = AuditEvent.objects.about(member).filter(action=AuditEvent.Action.CHANGE).get()
        assert (event.actor_label, event.detail) == (PATIENT_ITSELF, "cancelled")

    def test_cancelling_twice_changes_nothing_more(self):
        member = self.join()
        desk = staff("Front desk")
        memberships.cancel(member, by=desk)
        with time_machine.travel(JOINED + datetime.timedelta(days=1)):
            memberships.cancel(member, by=desk)
        assert self.refresh(member).cancelled_at == JOINED
        assert AuditEvent.objects.about(member).filter(action=AuditEvent.Action.CHANGE).count() == 1

    def test_a_past_due_membership_cancelled_is_not_tried_again(self):
        member = self.join()
        memberships.change_card(
            member, payment_method_id=saved_card(self.payer, DECLINED_WHEN_CHARGED)
        )
        self.renew(FEB_28)
        memberships.cancel(member)
        assert self.renew(day(3, 3)) == memberships.RenewalSummary()
        assert self.refresh(member).next_attempt_on is None
        with pytest.raises(ValidationError) as refused:
            memberships.change_card(member, payment_method_id=saved_card(self.payer))
        assert refused.value.code == "not_running"

    def test_a_paused_member_may_join_again(self):
        member = self.join()
        Membership.objects.filter(pk=member.pk).update(status=MembershipStatus.PAUSED)
        again = self.join()
        assert again != member
        assert self.refresh(member).status == MembershipStatus.CANCELLED
        assert again.status == MembershipStatus.ACTIVE
        assert self.payments() == [-12900, -12900]


class DripTests(MembershipTestCase):
    def test_the_months_drips_less_the_visits_booked_or_done_in_it(self):
        member = self.join()
        assert memberships.drips_left(member, day(2, 1)) == 1
        [first, second] = visits(self.clinic, day(2, 10), 2)
        assert memberships.drips_left(member, day(2, 1)) == 0
        first.status = AppointmentStatus.CANCELLED
        first.save(update_fields=["status"])
        assert memberships.drips_left(member, day(2, 1)) == 0
        second.status = AppointmentStatus.CANCELLED
        second.save(update_fields=["status"])
        assert memberships.drips_left(member, day(2, 1)) == 1

    def test_a_visit_of_the_next_month_counts_in_the_next_month(self):
        member = self.join()
        [visit] = visits(self.clinic, day(3, 2), 1)
        assert memberships.drips_left(member, day(2, 1)) == 1
        self.renew(FEB_28)
        member = self.refresh(member)
        assert memberships.drips_left(member, day(3, 1)) == 0
        assert visit.service == self.clinic.service

    def test_no_drips_outside_a_month_paid_for(self):
        member = self.join()
        memberships.change_card(
            member, payment_method_id=saved_card(self.payer, DECLINED_WHEN_CHARGED)
        )
        self.renew(FEB_28)
        member = self.refresh(member)
        assert memberships.drips_left(member, day(3, 1)) == 0
        assert memberships.drips_left(member, day(1, 30)) == 0
