"""Card payments for visits against the fake Stripe: the deposit's intent and its settling, a
card saved and charged later, a decline, a refund, and every one of them asked for twice."""

import datetime
from decimal import Decimal

import pytest
import stripe
import time_machine

from klearmind.accounts.tests.factories import staff
from klearmind.audit.models import AuditEvent
from klearmind.booking.models import DepositRule
from klearmind.payments import cards, gateway
from klearmind.payments.models import (
    CardIntent,
    CardIntentKind,
    CardIntentState,
    EntryKind,
    LedgerEntry,
    Method,
    Purpose,
    StripeCustomer,
)

from .card_factories import (
    DECLINED_CARD,
    DECLINED_WHEN_CHARGED,
    NOW,
    PAYER,
    clinic_with_deposit,
    confirm_payment,
    confirm_setup,
    pay_deposit,
    save_card,
    visit_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def clinic():
    return clinic_with_deposit(deposit=50, price=180)


@pytest.fixture
def visit(clinic):
    return visit_in(clinic)


def entries(visit, **filters):
    return LedgerEntry.objects.filter(appointment=visit, **filters)


def stripe_intent(intent: CardIntent):
    client = gateway.client()
    if intent.kind == CardIntentKind.SETUP:
        return client.v1.setup_intents.retrieve(intent.stripe_id)
    return client.v1.payment_intents.retrieve(intent.stripe_id)


class TestDepositAmount:
    def test_a_fixed_deposit_is_its_amount(self, visit):
        assert cards.deposit_cents(visit) == 5000

    def test_the_full_price_is_what_the_drip_was_booked_at(self, clinic, visit):
        clinic.service.deposit_rule = DepositRule.FULL
        clinic.service.save()
        assert cards.deposit_cents(visit) == 18000
        visit.price = Decimal("249.00")  # a NAD+ drip with an add-on, booked at its own price
        assert cards.deposit_cents(visit) == 24900

    def test_a_percentage_is_of_the_booked_price_rounded_to_the_cent(self, clinic, visit):
        clinic.service.deposit_rule = DepositRule.PERCENT
        clinic.service.deposit_percent = 33
        clinic.service.save()
        assert cards.deposit_cents(visit) == 5940  # 33% of $180.00
        visit.price = Decimal("149.99")
        assert cards.deposit_cents(visit) == 4950  # $49.4967, rounded half up

    def test_no_deposit_is_nothing(self, clinic, visit):
        clinic.service.deposit_rule = DepositRule.NONE
        clinic.service.save()
        assert cards.deposit_cents(visit) == 0


class TestCustomer:
    def test_a_payer_gets_one_stripe_customer(self, stripe_on):
        first = cards.customer_for(PAYER, "dana@example.org")
        assert cards.customer_for(PAYER, "dana@example.org") == first
        assert StripeCustomer.objects.get().stripe_id == first
        assert gateway.client().v1.customers.retrieve(first).email == "dana@example.org"


class TestStartDeposit:
    def test_makes_a_payment_intent_that_keeps_the_card_and_names_only_the_visit(
        self, stripe_on, visit
    ):
        intent = cards.start_deposit(visit)
        assert (intent.kind, intent.purpose, intent.amount_cents) == ("payment", "deposit", 5000)
        assert intent.client_secret.startswith(intent.stripe_id + "_secret_")
        assert intent.state == CardIntentState.OPEN
        assert intent.payer_email_hash == PAYER
        found = stripe_intent(intent)
        assert (found.amount, found.currency) == (5000, "usd")
        assert found.setup_future_usage == "off_session"
        assert found.customer == StripeCustomer.objects.get(payer_email_hash=PAYER).stripe_id
        assert found.metadata.to_dict() == {"appointment": str(visit.pk)}
        assert intent.idempotency_key == f"deposit:appointment-{visit.pk}:booked-0"

    def test_asking_twice_finds_the_same_intent(self, stripe_on, visit):
        first = cards.start_deposit(visit)
        assert cards.start_deposit(visit) == first
        assert CardIntent.objects.count() == 1

    def test_a_service_without_a_deposit_takes_none(self, stripe_on):
        visit = visit_in(clinic_with_deposit(deposit=0))
        assert cards.start_deposit(visit) is None
        assert not CardIntent.objects.exists()

    def test_a_cancelled_visit_is_never_charged(self, stripe_on, visit):
        visit.cancel(reason="Changed plans")
        with pytest.raises(cards.PaymentRefused) as refused:
            cards.start_deposit(visit)
        assert refused.value.code == "not_booked"
        assert str(refused.value) == "This visit is cancelled: no deposit is taken for it."
        assert not CardIntent.objects.exists()

    def test_a_visit_begun_takes_no_deposit_online(self, stripe_on, clock, visit):
        clock.move_to(visit.starts_at + datetime.timedelta(minutes=5))
        with pytest.raises(cards.PaymentRefused) as refused:
            cards.start_deposit(visit)
        assert refused.value.code == "begun"
        assert not CardIntent.objects.exists()

    def test_a_paid_deposit_is_not_asked_for_again(self, stripe_on, visit):
        pay_deposit(visit)
        with pytest.raises(cards.PaymentRefused) as refused:
            cards.start_deposit(visit)
        assert (refused.value.code, refused.value.message) == (
            "paid",
            "The deposit for this visit is already paid.",
        )
        assert CardIntent.objects.count() == 1

    def test_a_payment_confirmed_but_not_yet_settled_is_found_paid(self, stripe_on, visit):
        confirm_payment(cards.start_deposit(visit))  # the return step never came back
        with pytest.raises(cards.PaymentRefused):
            cards.start_deposit(visit)
        assert entries(visit, kind=EntryKind.PAYMENT).count() == 1


class TestSettle:
    def test_a_paid_deposit_is_written_to_the_ledger_once(self, stripe_on, visit):
        intent = pay_deposit(visit)
        assert intent.state == CardIntentState.SUCCEEDED
        assert intent.payment_method.startswith("pm_")
        cards.settle(intent)
        cards.settle(intent)
        [payment] = entries(visit)
        assert (payment.kind, payment.purpose, payment.method) == (
            EntryKind.PAYMENT,
            Purpose.DEPOSIT,
            Method.CARD_ONLINE,
        )
        assert payment.amount_cents == -5000
        assert payment.stripe_id.startswith("ch_")
        assert payment.idempotency_key == f"payment:{intent.stripe_id}"
        assert (payment.payer_email_hash, payment.service, payment.location) == (
            PAYER,
            visit.service,
            visit.location,
        )
        assert cards.deposit_paid_cents(visit) == 5000

    def test_a_declined_card_records_stripes_words_and_no_payment(self, stripe_on, visit):
        intent = cards.start_deposit(visit)
        with pytest.raises(stripe.CardError):
            confirm_payment(intent, DECLINED_WHEN_CHARGED)
        settled = cards.settle(intent)
        assert settled.state == CardIntentState.FAILED
        assert settled.failure == "Your card was declined."
        assert "4000" not in settled.failure
        assert not entries(visit).exists()
        # The same intent stays open for another card.
        assert cards.start_deposit(visit) == settled

    def test_an_intent_not_confirmed_stays_open(self, stripe_on, visit):
        intent = cards.settle(cards.start_deposit(visit))
        assert (intent.state, intent.failure) == (CardIntentState.OPEN, "")
        assert not entries(visit).exists()


class TestCardSaving:
    def test_a_setup_intent_keeps_the_card_for_later(self, stripe_on, visit):
        intent = cards.start_card_saving(visit)
        assert (intent.kind, intent.amount_cents) == (CardIntentKind.SETUP, 5000)
        assert intent.client_secret.startswith(intent.stripe_id + "_secret_")
        found = stripe_intent(intent)
        assert found.usage == "off_session"
        assert found.metadata.to_dict() == {"appointment": str(visit.pk)}
        assert cards.start_card_saving(visit) == intent
        confirm_setup(intent)
        saved = cards.settle(intent)
        assert saved.state == CardIntentState.SUCCEEDED
        assert saved.payment_method.startswith("pm_")
        assert cards.saved_card(visit) == saved
        assert not entries(visit).exists()  # nothing is charged yet

    def test_a_card_refused_when_saved_leaves_a_fresh_form(self, stripe_on, visit):
        intent = cards.start_card_saving(visit)
        with pytest.raises(stripe.CardError):
            confirm_setup(intent, DECLINED_CARD)
        assert cards.settle(intent).state == CardIntentState.CANCELLED
        again = cards.start_card_saving(visit)
        assert again != intent
        assert again.idempotency_key == intent.idempotency_key + ":#2"
        assert cards.saved_card(visit) is None

    def test_a_cancelled_visit_saves_no_card(self, stripe_on, visit):
        visit.cancel()
        with pytest.raises(cards.PaymentRefused):
            cards.start_card_saving(visit)
        assert not CardIntent.objects.exists()


class TestChargeSavedCard:
    def test_a_deposit_charged_on_confirmation_is_a_payment_only(self, stripe_on, visit):
        save_card(visit)
        desk = staff("front_desk")
        result = cards.charge_saved_card(visit, purpose=Purpose.DEPOSIT, amount_cents=5000, by=desk)
        assert result.succeeded
        assert result.message == "$50.00 charged to the card on file."
        assert result.payment.amount_cents == -5000
        assert result.payment.recorded_by == desk
        again = cards.charge_saved_card(visit, purpose=Purpose.DEPOSIT, amount_cents=5000)
        assert again.succeeded
        assert [e.kind for e in entries(visit)] == [EntryKind.PAYMENT]
        assert CardIntent.objects.filter(kind=CardIntentKind.PAYMENT).count() == 1
        found = stripe_intent(result.card_intent)
        assert found.status == "succeeded"
        assert found.metadata.to_dict() == {"appointment": str(visit.pk)}
        assert AuditEvent.objects.filter(actor=desk, target_id=str(result.payment.pk)).exists()

    def test_a_fee_is_charged_then_paid(self, stripe_on, visit):
        save_card(visit)
        visit.cancel(by=staff(), reason="Called in sick")
        result = cards.charge_saved_card(visit, purpose=Purpose.LATE_CANCEL_FEE, amount_cents=2500)
        assert result.succeeded
        assert sorted((e.kind, e.method, e.amount_cents) for e in entries(visit)) == [
            (EntryKind.CHARGE, "", 2500),
            (EntryKind.PAYMENT, Method.CARD_ON_FILE, -2500),
        ]
        assert LedgerEntry.objects.of(PAYER).balance() == 0

    def test_a_decline_is_a_result_the_fee_stays_owed_and_the_card_is_not_tried_again(
        self, stripe_on, clinic, visit
    ):
        save_card(visit, DECLINED_WHEN_CHARGED)
        visit.cancel(by=staff())
        first = cards.charge_saved_card(visit, purpose=Purpose.LATE_CANCEL_FEE, amount_cents=2500)
        assert not first.succeeded
        assert first.message == "Your card was declined."
        assert first.card_intent.state == CardIntentState.FAILED
        assert first.card_intent.stripe_id.startswith("pi_")
        again = cards.charge_saved_card(visit, purpose=Purpose.LATE_CANCEL_FEE, amount_cents=2500)
        assert (again.succeeded, again.card_intent) == (False, first.card_intent)
        assert LedgerEntry.objects.of(PAYER).balance() == 2500
        # A card saved since, booking another visit, is tried.
        newer = save_card(visit_in(clinic, hour=14))
        third = cards.charge_saved_card(visit, purpose=Purpose.LATE_CANCEL_FEE, amount_cents=2500)
        assert third.succeeded, third.message
        assert third.card_intent.payment_method == newer.payment_method
        assert third.card_intent.idempotency_key.endswith(":#2")
        assert LedgerEntry.objects.of(PAYER).balance() == 0

    def test_without_a_saved_card_the_fee_stays_owed(self, stripe_on, visit):
        visit.cancel(by=staff())
        result = cards.charge_saved_card(visit, purpose=Purpose.LATE_CANCEL_FEE, amount_cents=2500)
        assert (result.succeeded, result.message) == (False, "No card is saved for this person.")
        assert LedgerEntry.objects.of(PAYER).balance() == 2500

    def test_a_fee_needs_the_visit_in_its_status(self, stripe_on, visit):
        save_card(visit)
        result = cards.charge_saved_card(visit, purpose=Purpose.NO_SHOW_FEE, amount_cents=2500)
        assert result.message == "This visit is booked: it has no no-show fee."
        visit.cancel()
        result = cards.charge_saved_card(visit, purpose=Purpose.DEPOSIT, amount_cents=5000)
        assert result.message == "This visit is cancelled: its deposit is not charged."
        assert not entries(visit).exists()

    @pytest.mark.parametrize(
        ("amount", "message"),
        [
            (0, "Please give an amount above zero."),
            (-5000, "Please give an amount above zero."),
            (10**12, "This is more than $10,000.00: please check the amount."),
        ],
    )
    def test_nonsense_amounts_are_refused_in_words(self, stripe_on, visit, amount, message):
        save_card(visit)
        result = cards.charge_saved_card(visit, purpose=Purpose.VISIT, amount_cents=amount)
        assert (result.succeeded, result.message) == (False, message)
        assert CardIntent.objects.filter(kind=CardIntentKind.PAYMENT).count() == 0

    @pytest.mark.parametrize("amount", [50.0, "5000", True, Decimal("50")])
    def test_an_amount_is_an_int_of_cents(self, visit, amount):
        with pytest.raises(TypeError):
            cards.charge_saved_card(visit, purpose=Purpose.VISIT, amount_cents=amount)

    def test_packages_are_not_charged_here(self, visit):
        with pytest.raises(ValueError, match="package"):
            cards.charge_saved_card(visit, purpose=Purpose.PACKAGE, amount_cents=100)

    def test_with_card_payments_off_the_desk_is_told(self, settings, visit):
        settings.STRIPE_SECRET_KEY = ""
        result = cards.charge_saved_card(visit, purpose=Purpose.VISIT, amount_cents=100)
        assert result.message == "Card payments are off: take the payment at the desk."

    def test_stripe_unreachable_charges_nothing_and_says_so(self, stripe_on, settings, visit):
        save_card(visit)
        settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
        result = cards.charge_saved_card(visit, purpose=Purpose.VISIT, amount_cents=100)
        assert result.message == "Stripe could not be reached. Nothing was charged; try again."
        assert not entries(visit).exists()


class TestRefundDeposit:
    def test_gives_back_what_was_paid_once(self, stripe_on, visit):
        intent = pay_deposit(visit)
        visit.cancel()
        desk = staff()
        [refund] = cards.refund_deposit(visit, by=desk, reason="Cancelled with notice")
        assert (refund.kind, refund.purpose, refund.method) == (
            EntryKind.REFUND,
            Purpose.DEPOSIT,
            Method.CARD_ONLINE,
        )
        assert refund.amount_cents == 5000
        assert refund.stripe_id.startswith("re_")
        assert (refund.memo, refund.recorded_by) == ("Cancelled with notice", desk)
        assert cards.refund_deposit(visit) == []
        charge = _charge_of(intent)
        assert (charge.amount, charge.amount_refunded) == (5000, 5000)
        assert cards.deposit_paid_cents(visit) == 0
        assert LedgerEntry.objects.of(PAYER).balance() == 0

    def test_keeps_what_a_fee_takes(self, stripe_on, visit):
        intent = pay_deposit(visit)
        [refund] = cards.refund_deposit(visit, keep_cents=2000)
        assert refund.amount_cents == 3000
        assert cards.refund_deposit(visit, keep_cents=2000) == []
        assert _charge_of(intent).amount_refunded == 3000

    def test_a_refund_made_in_stripe_is_written_once(self, stripe_on, visit):
        intent = pay_deposit(visit)
        made = gateway.client().v1.refunds.create(
            params={"charge": _charge_of(intent).id, "amount": 1000}
        )
        written = cards.refund_deposit(visit, keep_cents=4000)
        assert [(e.stripe_id, e.amount_cents) for e in written] == [(made.id, 1000)]
        assert cards.record_stripe_refunds(_charge_of(intent).id) == []

    def test_a_reason_is_kept_as_one_short_line_of_text(self, stripe_on, visit):
        pay_deposit(visit)
        reason = "<b>Sorry</b>\x00 we\nclosed 🙂 " + "x" * 500
        [refund] = cards.refund_deposit(visit, reason=reason)
        assert refund.memo.startswith("<b>Sorry</b> we closed 🙂 xxx")
        assert len(refund.memo) == 200
        assert "\x00" not in refund.memo

    def test_nothing_to_refund_without_a_card_payment(self, visit):
        assert cards.refund_deposit(visit) == []

    def test_a_charge_the_ledger_does_not_know_writes_nothing(self, stripe_on):
        assert cards.record_stripe_refunds("ch_unknown") == []


def _charge_of(intent: CardIntent):
    payment = LedgerEntry.objects.get(idempotency_key=f"payment:{intent.stripe_id}")
    return gateway.client().v1.charges.retrieve(payment.stripe_id)
