"""The day's card money in the ledger against Stripe's balance transactions: a day that matches,
each kind of mismatch, and a day reconciled twice. Run on the real clock: the fake Stripe dates
its transactions by it."""

import datetime
import zoneinfo

import pytest
from django.conf import settings
from django.utils import timezone

from klearmind.payments import cards, gateway, reconciliation, tasks
from klearmind.payments.models import EntryKind, LedgerEntry, Method, Purpose, Reconciliation

from .card_factories import PAYER, clinic_with_deposit, empty_fake_stripe, pay_deposit, visit_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def stripe(stripe_on):
    """The fake Stripe with no one else's transactions in it."""
    empty_fake_stripe(stripe_on)
    return stripe_on


def today() -> datetime.date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()


@pytest.fixture
def visit():
    return visit_in(clinic_with_deposit(deposit=50, price=180), day=today() + datetime.timedelta(2))


def charge_of(intent) -> str:
    return LedgerEntry.objects.get(idempotency_key=f"payment:{intent.stripe_id}").stripe_id


def card_entry(cents: int, stripe_id: str, *, kind=EntryKind.PAYMENT) -> LedgerEntry:
    return LedgerEntry.objects.create(
        payer_email_hash=PAYER,
        kind=kind,
        purpose=Purpose.VISIT,
        method=Method.CARD_ON_FILE,
        amount_cents=cents,
        stripe_id=stripe_id,
        idempotency_key=f"test:{stripe_id}:{cents}",
    )


def charge_outside_the_ledger(cents: int) -> str:
    made = gateway.client().v1.payment_intents.create(
        params={
            "amount": cents,
            "currency": "usd",
            "payment_method": "pm_card_visa",
            "confirm": True,
        }
    )
    latest = made.latest_charge
    return latest if isinstance(latest, str) else latest.id


def test_a_day_whose_payments_and_refunds_match(stripe, visit):
    pay_deposit(visit)
    cards.refund_deposit(visit, keep_cents=2000)
    row = reconciliation.reconcile(today())
    assert row.mismatches == []
    assert row.matches
    assert (row.ledger_cents, row.stripe_cents) == (2000, 2000)  # 5000 in, 3000 back


def test_each_kind_of_mismatch_is_listed(stripe, visit):
    pay_deposit(visit)
    card_entry(-1500, "ch_stripe_never_saw")
    unknown = charge_outside_the_ledger(700)
    wrong = charge_outside_the_ledger(4000)
    card_entry(-4500, wrong)
    row = reconciliation.reconcile(today())
    assert not row.matches
    assert sorted(row.mismatches, key=lambda m: m["problem"]) == [
        {
            "stripe_id": wrong,
            "ledger_cents": 4500,
            "stripe_cents": 4000,
            "problem": "amounts differ",
        },
        {
            "stripe_id": "ch_stripe_never_saw",
            "ledger_cents": 1500,
            "stripe_cents": 0,
            "problem": "missing at Stripe",
        },
        {
            "stripe_id": unknown,
            "ledger_cents": 0,
            "stripe_cents": 700,
            "problem": "missing in the ledger",
        },
    ]
    assert (row.ledger_cents, row.stripe_cents) == (5000 + 1500 + 4500, 5000 + 700 + 4000)


def test_an_entry_that_names_the_payment_intent_finds_its_charge(stripe):
    made = gateway.client().v1.payment_intents.create(
        params={"amount": 900, "currency": "usd", "payment_method": "pm_card_visa", "confirm": True}
    )
    card_entry(-900, made.id)
    assert reconciliation.reconcile(today()).mismatches == []


def test_cash_and_the_desks_entries_are_not_stripes(stripe):
    LedgerEntry.objects.create(
        payer_email_hash=PAYER,
        kind=EntryKind.PAYMENT,
        purpose=Purpose.VISIT,
        method=Method.CASH,
        amount_cents=-6000,
        idempotency_key="test:cash",
    )
    row = reconciliation.reconcile(today())
    assert (row.ledger_cents, row.stripe_cents, row.mismatches) == (0, 0, [])


def test_a_day_reconciled_twice_is_one_row_written_again(stripe):
    unknown = charge_outside_the_ledger(700)
    first = reconciliation.reconcile(today())
    assert [m["stripe_id"] for m in first.mismatches] == [unknown]
    card_entry(-700, unknown)  # the desk wrote what was missing
    second = reconciliation.reconcile(today())
    assert Reconciliation.objects.count() == 1
    assert (second.pk, second.mismatches) == (first.pk, [])
    assert second.ran_at >= first.ran_at


def test_another_days_money_is_not_counted(stripe, visit):
    pay_deposit(visit)
    row = reconciliation.reconcile(today() - datetime.timedelta(days=2))
    assert (row.ledger_cents, row.stripe_cents, row.mismatches) == (0, 0, [])


def test_the_day_is_the_clinics(settings):
    settings.TIME_ZONE = "America/Los_Angeles"
    start, end = reconciliation.day_bounds(datetime.date(2026, 12, 7))
    assert start == datetime.datetime(2026, 12, 7, 8, tzinfo=datetime.UTC)
    assert end - start == datetime.timedelta(days=1)
    start, end = reconciliation.day_bounds(datetime.date(2027, 3, 14))  # the clocks go forward
    assert end - start == datetime.timedelta(hours=23)


def test_the_nightly_task_reconciles_yesterday(stripe):
    assert tasks.reconcile_yesterday.enqueue().return_value.endswith(": 0 mismatches")
    assert Reconciliation.objects.get().day == today() - datetime.timedelta(days=1)


def test_the_nightly_task_waits_while_card_payments_are_off(settings):
    settings.STRIPE_SECRET_KEY = ""
    assert tasks.reconcile_yesterday.enqueue().return_value == "card payments are off"
    assert not Reconciliation.objects.exists()
