"""The cancellation policy, run after a visit is cancelled or missed: the deposit refunded with
notice; kept, with the fee charged against it, without; the fee charged to the card on file or
left owed; and nothing done twice."""

import datetime

import pytest
import time_machine
from django.db import transaction

from klearmind.accounts.tests.factories import staff
from klearmind.booking import services
from klearmind.payments import gateway, tasks
from klearmind.payments.models import CardIntent, CardIntentState, EntryKind, LedgerEntry, Purpose

from .card_factories import (
    DECLINED_WHEN_CHARGED,
    NOW,
    PAYER,
    clinic_with_deposit,
    pay_deposit,
    save_card,
    set_fees,
    visit_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run what is queued for after the commit, as the real commit would."""

    def run(change):
        with django_capture_on_commit_callbacks(execute=True) as queued:
            change()
        return queued

    return run


@pytest.fixture
def visit():
    return visit_in(clinic_with_deposit(deposit=50, price=180))


def ledger(visit) -> list[tuple[str, str, int]]:
    return [
        (entry.kind, entry.purpose, entry.amount_cents)
        for entry in LedgerEntry.objects.filter(appointment=visit).order_by("pk")
    ]


def balance() -> int:
    return LedgerEntry.objects.of(PAYER).balance()


def refunded(intent) -> int:
    payment = LedgerEntry.objects.get(idempotency_key=f"payment:{intent.stripe_id}")
    return gateway.client().v1.charges.retrieve(payment.stripe_id).amount_refunded


def late(visit) -> datetime.datetime:
    return visit.starts_at - datetime.timedelta(hours=2)  # inside the 24-hour notice


def after_start(visit) -> datetime.datetime:
    return visit.starts_at + datetime.timedelta(minutes=20)


def test_cancelled_with_notice_the_deposit_is_refunded_in_full(stripe_on, run_on_commit, visit):
    intent = pay_deposit(visit)
    set_fees(late_cancel=20)
    run_on_commit(lambda: services.cancel_appointment(appointment=visit))
    assert ledger(visit) == [
        (EntryKind.PAYMENT, Purpose.DEPOSIT, -5000),
        (EntryKind.REFUND, Purpose.DEPOSIT, 5000),
    ]
    assert refunded(intent) == 5000
    assert balance() == 0


def test_the_clinic_cancelling_with_notice_refunds_too(stripe_on, run_on_commit, visit):
    pay_deposit(visit)
    run_on_commit(lambda: services.cancel_appointment(appointment=visit, by=staff()))
    assert ledger(visit)[-1] == (EntryKind.REFUND, Purpose.DEPOSIT, 5000)


def test_a_late_cancellation_by_the_clinic_keeps_the_fee_and_refunds_the_rest(
    stripe_on, run_on_commit, clock, visit
):
    intent = pay_deposit(visit)
    set_fees(late_cancel=20)
    clock.move_to(late(visit))
    run_on_commit(lambda: services.cancel_appointment(appointment=visit, by=staff()))
    assert ledger(visit) == [
        (EntryKind.PAYMENT, Purpose.DEPOSIT, -5000),
        (EntryKind.CHARGE, Purpose.LATE_CANCEL_FEE, 2000),
        (EntryKind.REFUND, Purpose.DEPOSIT, 3000),
    ]
    assert refunded(intent) == 3000
    assert balance() == 0


def test_a_late_cancellation_without_a_fee_keeps_the_deposit(
    stripe_on, run_on_commit, clock, visit
):
    intent = pay_deposit(visit)
    clock.move_to(late(visit))
    run_on_commit(lambda: services.cancel_appointment(appointment=visit, by=staff()))
    assert ledger(visit) == [
        (EntryKind.PAYMENT, Purpose.DEPOSIT, -5000),
        (EntryKind.CHARGE, Purpose.LATE_CANCEL_FEE, 5000),
    ]
    assert LedgerEntry.objects.get(kind=EntryKind.CHARGE).memo == "Deposit kept"
    assert refunded(intent) == 0
    assert balance() == 0


def test_a_no_show_fee_above_the_deposit_takes_the_rest_from_the_card_it_was_paid_with(
    stripe_on, run_on_commit, clock, visit
):
    intent = pay_deposit(visit)
    set_fees(no_show=75)
    clock.move_to(after_start(visit))
    run_on_commit(lambda: visit.mark_no_show(by=staff()))
    assert ledger(visit) == [
        (EntryKind.PAYMENT, Purpose.DEPOSIT, -5000),
        (EntryKind.CHARGE, Purpose.NO_SHOW_FEE, 7500),
        (EntryKind.PAYMENT, Purpose.NO_SHOW_FEE, -2500),
    ]
    rest = CardIntent.objects.exclude(pk=intent.pk).get()
    assert (rest.payment_method, rest.state) == (intent.payment_method, CardIntentState.SUCCEEDED)
    assert refunded(intent) == 0
    assert balance() == 0


def test_without_a_deposit_the_fee_goes_to_the_saved_card(stripe_on, run_on_commit, clock):
    visit = visit_in(clinic_with_deposit(deposit=0))
    set_fees(no_show=40, timing="on_confirmation")
    save_card(visit)
    clock.move_to(after_start(visit))
    run_on_commit(lambda: visit.mark_no_show(by=staff()))
    assert ledger(visit) == [
        (EntryKind.CHARGE, Purpose.NO_SHOW_FEE, 4000),
        (EntryKind.PAYMENT, Purpose.NO_SHOW_FEE, -4000),
    ]
    assert balance() == 0


def test_with_neither_deposit_nor_card_the_fee_stays_owed(stripe_on, run_on_commit, clock):
    visit = visit_in(clinic_with_deposit(deposit=0))
    set_fees(no_show=40)
    clock.move_to(after_start(visit))
    run_on_commit(lambda: visit.mark_no_show(by=staff()))
    assert ledger(visit) == [(EntryKind.CHARGE, Purpose.NO_SHOW_FEE, 4000)]
    assert balance() == 4000
    assert (
        tasks.apply_policy(visit) == "no_show_fee of 4000: refunded 0, 4000 owed (No card "
        "is saved for this person.)"
    )


def test_a_free_visit_missed_costs_nothing(stripe_on, run_on_commit, clock):
    visit = visit_in(clinic_with_deposit(deposit=0, price=0))
    set_fees(no_show=40, late_cancel=30)
    save_card(visit)
    clock.move_to(after_start(visit))
    run_on_commit(lambda: visit.mark_no_show(by=staff()))
    assert ledger(visit) == []
    assert balance() == 0
    assert tasks.apply_policy(visit) == "a free visit: no fee"


def test_a_declined_saved_card_leaves_the_fee_owed(stripe_on, run_on_commit, clock):
    visit = visit_in(clinic_with_deposit(deposit=0))
    set_fees(late_cancel=30)
    save_card(visit, DECLINED_WHEN_CHARGED)
    clock.move_to(late(visit))
    run_on_commit(lambda: services.cancel_appointment(appointment=visit, by=staff()))
    assert ledger(visit) == [(EntryKind.CHARGE, Purpose.LATE_CANCEL_FEE, 3000)]
    declined = CardIntent.objects.get(purpose=Purpose.LATE_CANCEL_FEE)
    assert (declined.state, declined.failure) == (CardIntentState.FAILED, "Your card was declined.")
    assert balance() == 3000


def test_running_twice_refunds_and_charges_nothing_more(stripe_on, run_on_commit, clock, visit):
    intent = pay_deposit(visit)
    set_fees(late_cancel=20)
    clock.move_to(late(visit))
    run_on_commit(lambda: services.cancel_appointment(appointment=visit, by=staff()))
    before = ledger(visit)
    for _ in range(2):
        tasks.apply_cancellation_policy.enqueue(appointment_id=visit.pk)
    assert ledger(visit) == before
    assert refunded(intent) == 3000


def test_running_twice_after_a_decline_tries_the_card_once(stripe_on, run_on_commit, clock):
    visit = visit_in(clinic_with_deposit(deposit=0))
    set_fees(no_show=40)
    save_card(visit, DECLINED_WHEN_CHARGED)
    clock.move_to(after_start(visit))
    run_on_commit(lambda: visit.mark_no_show(by=staff()))
    tasks.apply_cancellation_policy.enqueue(appointment_id=visit.pk)
    assert CardIntent.objects.filter(purpose=Purpose.NO_SHOW_FEE).count() == 1
    assert balance() == 4000


def test_a_cancellation_rolled_back_refunds_nothing(stripe_on, run_on_commit, visit):
    pay_deposit(visit)

    def cancel_then_fail():
        with pytest.raises(RuntimeError), transaction.atomic():
            services.cancel_appointment(appointment=visit)
            raise RuntimeError("the request failed after cancelling")

    run_on_commit(cancel_then_fail)
    assert ledger(visit) == [(EntryKind.PAYMENT, Purpose.DEPOSIT, -5000)]


def test_a_visit_given_is_left_to_the_desk(stripe_on, run_on_commit, clock, visit):
    pay_deposit(visit)
    set_fees(late_cancel=20, no_show=75)
    clock.move_to(visit.starts_at)
    assert run_on_commit(lambda: visit.mark_arrived(by=staff())) == []
    assert run_on_commit(lambda: visit.mark_completed(by=staff())) == []
    assert ledger(visit) == [(EntryKind.PAYMENT, Purpose.DEPOSIT, -5000)]
    assert tasks.apply_policy(visit) == "not cancelled or missed"
