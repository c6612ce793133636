"""Packages: sold at the desk or to a saved card, a credit used by each completed visit of its
service (once per visit, a moved visit keeping its own), and cancelled with the unused visits
refunded, to the cent and once."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase

from klearmind.accounts.tests.factories import staff
from klearmind.audit.models import AuditEvent
from klearmind.booking.models import AppointmentStatus
from klearmind.booking.services import move_appointment
from klearmind.booking.tests.factories import Patient, make_clinic, make_service
from klearmind.payments import gateway, packages
from klearmind.payments.models import (
    AppendOnlyCreditError,
    CreditReason,
    EntryKind,
    LedgerEntry,
    Method,
    Package,
    PackageCredit,
    Purpose,
)

from .plan_factories import (
    DECLINED_WHEN_CHARGED,
    DECLINED_WHEN_SAVED,
    card,
    package_plan,
    payer_hash,
    saved_card,
    visits,
)

pytestmark = pytest.mark.clock

NOW = datetime.datetime(2026, 12, 1, 16, tzinfo=datetime.UTC)  # Tuesday 8:00 in Sacramento
DAY = datetime.date(2026, 12, 3)
SOMEONE_ELSE = Patient("Lee Park", "lee@example.org", "(916) 555-0111", "")


def ledger(email_hash: str) -> list[tuple[str, str, int]]:
    return [
        (entry.kind, entry.method, entry.amount_cents)
        for entry in LedgerEntry.objects.of(email_hash).filter(purpose=Purpose.PACKAGE)
    ]


@time_machine.travel(NOW, tick=False)
class PackageTestCase(TestCase):
    def setUp(self):
        self.clinic = make_clinic(chairs=1)
        self.plan = package_plan(self.clinic.service, visits=6, price="2700.00")
        self.desk = staff("Front desk")
        self.payer = payer_hash()
        self.keys = iter(f"form-token-{n:04d}" for n in range(1000))

    def sell(self, **options) -> Package:
        values = {"email_hash": self.payer, "by": self.desk, "method": Method.CASH}
        values.setdefault("idempotency_key", next(self.keys))
        return packages.sell(self.plan, **{**values, **options})

    def complete(self, visit) -> None:
        visit.mark_completed(by=self.desk)


class SaleTests(PackageTestCase):
    def test_a_package_paid_in_the_clinic_grants_its_visits_and_balances_the_account(self):
        package = self.sell(method=Method.CARD_TERMINAL)
        assert packages.balance(package) == 6
        assert (package.visits, package.price_cents, package.sold_by) == (6, 270000, self.desk)
        assert ledger(self.payer) == [
            (EntryKind.CHARGE, "", 270000),
            (EntryKind.PAYMENT, Method.CARD_TERMINAL, -270000),
        ]
        assert LedgerEntry.objects.of(self.payer).balance() == 0
        [credit] = package.credits.all()
        assert (credit.change, credit.reason) == (6, CreditReason.BOUGHT)
        event = AuditEvent.objects.about(package).get()
        assert (event.actor, event.detail) == (self.desk, "sold for $2,700.00")

    def test_the_sale_keeps_the_plan_as_it_was_sold(self):
        package = self.sell()
        self.plan.visits, self.plan.price = 8, 3000
        self.plan.save()
        package.refresh_from_db()
        assert (package.visits, package.price_cents, packages.balance(package)) == (6, 270000, 6)

    def test_the_same_form_submitted_twice_sells_once(self):
        first = self.sell(idempotency_key="form-token-double")
        second = self.sell(idempotency_key="form-token-double")
        assert first == second
        assert Package.objects.count() == 1
        assert len(ledger(self.payer)) == 2

    def test_refuses_what_cannot_be_sold(self):
        cases = [
            ({"method": "bitcoin"}, "bad_method"),
            ({"method": Method.CARD_ONLINE}, "bad_method"),
            ({"email_hash": "dana@example.org"}, "no_payer"),
            ({"email_hash": ""}, "no_payer"),
            ({"idempotency_key": "short"}, "bad_key"),
            ({"idempotency_key": "token\x00with-a-null"}, "bad_key"),
            ({"idempotency_key": "<script>alert(1)</script>"}, "bad_key"),
            ({"idempotency_key": "token-🎉-emoji"}, "bad_key"),
            ({"idempotency_key": "x" * 5000}, "bad_key"),
            ({"method": Method.CARD_ON_FILE}, "no_card"),
        ]
        for options, code in cases:
            with self.subTest(options=options), pytest.raises(ValidationError) as refused:
                self.sell(**options)
            assert refused.value.code == code
        assert not Package.objects.exists()
        assert not LedgerEntry.objects.exists()

    def test_a_plan_no_longer_sold_is_refused(self):
        self.plan.active = False
        self.plan.save()
        with pytest.raises(ValidationError) as refused:
            self.sell()
        assert refused.value.code == "plan_inactive"

    def test_credits_cannot_be_changed_or_deleted(self):
        package = self.sell()
        credit = package.credits.get()
        with pytest.raises(AppendOnlyCreditError):
            credit.save()
        with pytest.raises(AppendOnlyCreditError):
            PackageCredit.objects.update(change=60)
        with pytest.raises(AppendOnlyCreditError):
            credit.delete()
        assert packages.balance(package) == 6


@pytest.mark.usefixtures("stripe_on")
class CardSaleTests(PackageTestCase):
    def test_a_package_charged_to_the_saved_card(self):
        method = saved_card(self.payer)
        package = self.sell(method=Method.CARD_ON_FILE, card_payment_method=method)
        intent = gateway.client().v1.payment_intents.retrieve(package.stripe_payment_intent)
        assert (intent.status, intent.amount, intent.payment_method) == (
            "succeeded",
            270000,
            method,
        )
        assert ledger(self.payer) == [
            (EntryKind.CHARGE, "", 270000),
            (EntryKind.PAYMENT, Method.CARD_ON_FILE, -270000),
        ]
        payment = LedgerEntry.objects.get(kind=EntryKind.PAYMENT)
        assert payment.stripe_id == intent.id
        assert packages.balance(package) == 6

    def test_a_new_card_is_saved_to_the_payer_then_charged(self):
        package = self.sell(method=Method.CARD_ON_FILE, card_payment_method=card())
        assert package.stripe_payment_intent.startswith("pi_")

    def test_a_card_declined_when_charged_sells_nothing(self):
        method = saved_card(self.payer, DECLINED_WHEN_CHARGED)
        with pytest.raises(ValidationError) as declined:
            self.sell(method=Method.CARD_ON_FILE, card_payment_method=method)
        assert declined.value.code == "card_declined"
        assert "Nothing was sold." in declined.value.messages[0]
        assert (Package.objects.count(), LedgerEntry.objects.count()) == (0, 0)
        assert not PackageCredit.objects.exists()

    def test_a_card_declined_when_saved_sells_nothing(self):
        with pytest.raises(ValidationError) as declined:
            self.sell(method=Method.CARD_ON_FILE, card_payment_method=card(DECLINED_WHEN_SAVED))
        assert declined.value.code == "card_declined"
        assert (Package.objects.count(), LedgerEntry.objects.count()) == (0, 0)

    def test_another_payers_card_is_refused(self):
        theirs = saved_card(payer_hash("someone.else@example.org"))
        with pytest.raises(ValidationError) as refused:
            self.sell(method=Method.CARD_ON_FILE, card_payment_method=theirs)
        assert refused.value.code == "not_their_card"
        assert not Package.objects.exists()

    def test_a_card_that_does_not_exist_is_refused(self):
        for method in ("pm_nonexistent", "pm_\x00", "pm_a/../b", "<b>pm_1</b>", "pm_" + "9" * 300):
            with self.subTest(method=method), pytest.raises(ValidationError) as refused:
                self.sell(method=Method.CARD_ON_FILE, card_payment_method=method)
            assert refused.value.code == "no_card"
        assert not Package.objects.exists()


class CreditTests(PackageTestCase):
    def test_six_completed_visits_use_six_credits_and_a_seventh_is_not_covered(self):
        package = self.sell()
        week = visits(self.clinic, DAY, 7)
        for visit in week[:6]:
            self.complete(visit)  # booking's status hook uses the credit
        assert packages.balance(package) == 0
        used = package.credits.filter(reason=CreditReason.USED)
        assert sorted(used.values_list("appointment", flat=True)) == [v.pk for v in week[:6]]
        self.complete(week[6])
        assert packages.use_credit(week[6]) is False
        assert packages.balance(package) == 0
        assert package.credits.count() == 7

    def test_a_visit_counted_twice_uses_one_credit(self):
        package = self.sell()
        [visit] = visits(self.clinic, DAY, 1)
        self.complete(visit)
        assert packages.use_credit(visit) is True
        assert packages.use_credit(visit) is True
        assert packages.balance(package) == 5
        with pytest.raises(IntegrityError), transaction.atomic():
            PackageCredit.objects.create(
                package=package,
                change=-1,
                appointment=visit,
                reason=CreditReason.USED,
                idempotency_key="a-second-use",
            )

    def test_only_a_completed_visit_uses_a_credit(self):
        package = self.sell()
        booked, no_show = visits(self.clinic, DAY, 2)
        assert packages.use_credit(booked) is False
        no_show.status = AppointmentStatus.NO_SHOW
        assert packages.use_credit(no_show) is False
        assert packages.balance(package) == 6

    def test_the_oldest_package_is_used_first(self):
        older = self.sell()
        with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
            newer = self.sell()
        for visit in visits(self.clinic, DAY, 7):
            self.complete(visit)
        assert (packages.balance(older), packages.balance(newer)) == (0, 5)

    def test_another_service_or_another_payer_uses_no_credit(self):
        package = self.sell()
        other_service = make_service(self.clinic.location, slug="nad-plus")
        [visit] = visits(self.clinic, DAY, 1, patient=SOMEONE_ELSE)
        self.complete(visit)
        assert packages.use_credit(visit) is False
        [theirs] = visits(self.clinic, DAY + datetime.timedelta(days=1), 1)
        theirs.service = other_service
        theirs.status = AppointmentStatus.COMPLETED
        assert packages.use_credit(theirs) is False
        assert packages.balance(package) == 6

    def test_a_moved_visit_keeps_its_place_and_uses_one_credit(self):
        package = self.sell()
        [visit] = visits(self.clinic, DAY, 1)
        moved = move_appointment(
            appointment=visit,
            starts_at=self.clinic.at(DAY + datetime.timedelta(days=2), 11),
            by=self.desk,
        )
        assert moved.pk == visit.pk
        self.complete(moved)
        credit = package.credits.get(reason=CreditReason.USED)
        assert credit.appointment_id == visit.pk
        assert packages.balance(package) == 5

    def test_the_package_that_pays_or_will_pay_for_a_visit(self):
        [visit, later] = visits(self.clinic, DAY, 2)
        assert packages.package_for(visit) is None
        package = self.sell()
        assert packages.package_for(visit) == package
        self.complete(visit)
        packages.cancel(package, by=self.desk, refund_to_card=False)
        assert packages.package_for(visit) == package  # it paid for this one
        assert packages.package_for(later) is None

    def test_a_cancelled_package_pays_for_no_visit(self):
        package = self.sell()
        packages.cancel(package, by=self.desk, refund_to_card=False)
        [visit] = visits(self.clinic, DAY, 1)
        self.complete(visit)
        assert packages.use_credit(visit) is False


class CancelTests(PackageTestCase):
    def use(self, package, count):
        for visit in visits(self.clinic, DAY, count):
            self.complete(visit)
        assert packages.balance(package) == package.visits - count

    def test_cancelling_after_two_visits_refunds_four_sixths_of_the_price(self):
        package = self.sell(method=Method.CASH)
        self.use(package, 2)
        packages.cancel(package, by=self.desk, refund_to_card=False)
        package.refresh_from_db()
        assert package.refunded_cents == 180000
        assert package.cancelled_at == NOW
        assert packages.balance(package) == 0
        assert ledger(self.payer)[2:] == [
            (EntryKind.CREDIT, "", -180000),
            (EntryKind.REFUND, Method.CASH, 180000),
        ]
        assert LedgerEntry.objects.of(self.payer).balance() == 0
        cancelled = package.credits.get(reason=CreditReason.CANCELLED)
        assert (cancelled.change, cancelled.recorded_by) == (-4, self.desk)

    def test_cancelling_twice_refunds_once(self):
        package = self.sell()
        self.use(package, 2)
        packages.cancel(package, by=self.desk, refund_to_card=False)
        packages.cancel(package, by=self.desk, refund_to_card=False)
        assert LedgerEntry.objects.filter(kind=EntryKind.REFUND).count() == 1
        assert package.credits.filter(reason=CreditReason.CANCELLED).count() == 1
        assert packages.balance(package) == 0

    def test_a_package_used_up_is_cancelled_without_a_refund(self):
        package = self.sell()
        self.use(package, 6)
        packages.cancel(package, by=self.desk, refund_to_card=True)
        package.refresh_from_db()
        assert (package.refunded_cents, package.is_open) == (0, False)
        assert len(ledger(self.payer)) == 2

    def test_the_cents_that_do_not_divide_belong_to_the_last_visit(self):
        self.plan.price = "1000.00"
        self.plan.save()
        package = self.sell()
        values = [package.value_of_unused(unused) for unused in range(7)]
        assert values == [0, 16670, 33336, 50002, 66668, 83334, 100000]
        self.use(package, 2)
        packages.cancel(package, by=self.desk, refund_to_card=False)
        assert Package.objects.get().refunded_cents == 66668

    def test_a_package_paid_in_the_clinic_is_not_refunded_to_a_card(self):
        package = self.sell(method=Method.HSA_FSA)
        with pytest.raises(ValidationError) as refused:
            packages.cancel(package, by=self.desk, refund_to_card=True)
        assert refused.value.code == "not_paid_by_card"
        assert Package.objects.get().is_open
        packages.cancel(package, by=self.desk, refund_to_card=False)
        assert ledger(self.payer)[-1] == (EntryKind.REFUND, Method.HSA_FSA, 270000)

    def test_the_desk_may_hand_the_money_back_another_way_but_not_by_an_online_card(self):
        package = self.sell()
        with pytest.raises(ValidationError) as refused:
            packages.cancel(package, by=self.desk, refund_to_card=False, method="card_online")
        assert refused.value.code == "bad_method"
        packages.cancel(package, by=self.desk, refund_to_card=False, method=Method.CARD_TERMINAL)
        assert ledger(self.payer)[-1] == (EntryKind.REFUND, Method.CARD_TERMINAL, 270000)

    def test_the_cancellation_is_in_the_audit_log(self):
        package = self.sell()
        self.use(package, 2)
        packages.cancel(package, by=self.desk, refund_to_card=False)
        event = AuditEvent.objects.about(package).filter(action=AuditEvent.Action.CHANGE).get()
        assert event.detail == "cancelled with 4 visits left, $1,800.00 refunded"


@pytest.mark.usefixtures("stripe_on")
class CardRefundTests(PackageTestCase):
    def test_cancelling_refunds_the_unused_visits_to_the_card(self):
        method = saved_card(self.payer)
        package = self.sell(method=Method.CARD_ON_FILE, card_payment_method=method)
        for visit in visits(self.clinic, DAY, 2):
            self.complete(visit)
        packages.cancel(package, by=self.desk, refund_to_card=True)
        refunds = gateway.client().v1.refunds.list(
            params={"payment_intent": package.stripe_payment_intent}
        )
        assert [refund.amount for refund in refunds.data] == [180000]
        refund = LedgerEntry.objects.get(kind=EntryKind.REFUND)
        assert (refund.method, refund.amount_cents) == (Method.CARD_ON_FILE, 180000)
        assert refund.stripe_id == refunds.data[0].id
        packages.cancel(package, by=self.desk, refund_to_card=True)
        again = gateway.client().v1.refunds.list(
            params={"payment_intent": package.stripe_payment_intent}
        )
        assert len(again.data) == 1

    def test_a_card_payment_may_be_refunded_in_cash(self):
        package = self.sell(method=Method.CARD_ON_FILE, card_payment_method=saved_card(self.payer))
        packages.cancel(package, by=self.desk, refund_to_card=False)
        assert ledger(self.payer)[-1] == (EntryKind.REFUND, Method.CASH, 270000)
        refunds = gateway.client().v1.refunds.list(
            params={"payment_intent": package.stripe_payment_intent}
        )
        assert refunds.data == []
