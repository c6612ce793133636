"""Test data for card payments against the fake Stripe: a clinic whose service takes a deposit,
a visit booked in it, and a card confirmed the way Stripe.js confirms one in the browser."""

import datetime

import requests

from klearmind.booking.models import DepositRule
from klearmind.booking.tests.factories import PATIENT, book, make_clinic
from klearmind.encryption.keys import email_lookup_hash
from klearmind.payments import cards, gateway
from klearmind.payments.models import BillingSettings, CardIntent

NOW = datetime.datetime(2026, 12, 1, 16, tzinfo=datetime.UTC)  # Tuesday 8:00 in Sacramento
DAY = datetime.date(2026, 12, 3)  # a Thursday: the visit at 10:00 is 50 hours away
PAYER = email_lookup_hash(PATIENT.email)


def card(number: str) -> dict:
    return {"number": number, "exp_month": 12, "exp_year": 2040, "cvc": "123"}


GOOD_CARD = card("4242424242424242")
# Refused when attached to a customer by the fake Stripe (real Stripe refuses it when charged).
DECLINED_CARD = card("4000000000000002")
# Saved without trouble, refused when charged: in the fake Stripe as in real Stripe.
DECLINED_WHEN_CHARGED = card("4000000000000341")


def clinic_with_deposit(*, deposit=50, price=180, **service):
    fields = {"deposit_rule": DepositRule.FIXED, "deposit_amount": deposit} if deposit else {}
    return make_clinic(chairs=1, slug="midtown", price=price, **fields, **service)


def visit_in(clinic, *, day=DAY, hour=10):
    return book(clinic, clinic.at(day, hour))


def payment_method(number_card=GOOD_CARD) -> str:
    return (
        gateway.client().v1.payment_methods.create(params={"type": "card", "card": number_card}).id
    )


def confirm_payment(intent: CardIntent, number_card=GOOD_CARD) -> None:
    """What Stripe.js's confirmCardPayment does with the card typed into its element (the fake
    Stripe's own Stripe.js only authenticates, so the card is given to the intent here)."""
    client = gateway.client()
    client.v1.payment_intents.update(
        intent.stripe_id, params={"payment_method": payment_method(number_card)}
    )
    client.v1.payment_intents.confirm(intent.stripe_id)


def confirm_setup(intent: CardIntent, number_card=GOOD_CARD) -> None:
    """What Stripe.js's confirmCardSetup does: the card is saved on the SetupIntent."""
    gateway.client().v1.setup_intents.confirm(
        intent.stripe_id, params={"payment_method": payment_method(number_card)}
    )


def pay_deposit(visit, number_card=GOOD_CARD) -> CardIntent:
    """The deposit paid online: the intent made, the card confirmed, the return step settled."""
    intent = cards.start_deposit(visit)
    confirm_payment(intent, number_card)
    return cards.settle(intent)


def save_card(visit, number_card=GOOD_CARD) -> CardIntent:
    intent = cards.start_card_saving(visit)
    confirm_setup(intent, number_card)
    return cards.settle(intent)


def set_fees(*, late_cancel=0, no_show=0, timing="at_booking") -> BillingSettings:
    billing = BillingSettings.load()
    billing.late_cancel_fee, billing.no_show_fee = late_cancel, no_show
    billing.deposit_timing = timing
    billing.save()
    return billing


def empty_fake_stripe(fake) -> None:
    """Forget every object the fake Stripe holds (earlier tests' charges among them)."""
    requests.delete(f"{fake.url}/_config/data", timeout=10).raise_for_status()
