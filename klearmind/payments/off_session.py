"""Charging a payer's saved card while they are not there: a package sold at the desk, a
membership's first month and its renewals. The card is a PaymentMethod attached to the payer's
Stripe customer (`StripeCustomer`).

A card is refused in one of two places: when it is attached to the customer (the fake Stripe
refuses its declining test card there) or when it is charged (real Stripe, and the fake one for
4000 0000 0000 0341). Both come back as a `Declined` result or a coded `ValidationError`, never
as a Stripe exception. Stripe's own trouble (unreachable, a server error) is raised as it is:
nothing was charged that we know of, and the caller tries again with the same key."""

import re
from dataclasses import dataclass

import stripe
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from . import gateway
from .models import StripeCustomer
from .money import CURRENCY

DECLINED = "The card was declined."
NEEDS_THE_CARDHOLDER = "The bank wants the cardholder to confirm this payment."
# A PaymentMethod id as Stripe makes them: checked before it goes into a request.
PAYMENT_METHOD = re.compile(r"pm_[A-Za-z0-9_]{1,200}")


@dataclass(frozen=True)
class Result:
    paid: bool
    payment_intent: str = ""
    failure: str = ""  # Stripe's words for the refusal, shown to staff and kept on the row


def customer_id(email_hash: str, email: str = "") -> str:
    """The payer's Stripe customer, made once, on first need. It carries the e-mail address
    when one is given (for Stripe's receipts and for finding a disputed charge) and nothing
    else: no name, no address."""
    found = StripeCustomer.objects.filter(payer_email_hash=email_hash).first()
    if found is not None:
        return found.stripe_id
    params = {"metadata": {"source": "klearmind"}}
    if email:
        params["email"] = email
    customer = gateway.client().v1.customers.create(
        params=params, options={"idempotency_key": f"customer:{email_hash}"}
    )
    try:
        with transaction.atomic():
            StripeCustomer.objects.create(payer_email_hash=email_hash, stripe_id=customer.id)
    except IntegrityError:  # made at the same moment by another request: theirs stands
        return StripeCustomer.objects.get(payer_email_hash=email_hash).stripe_id
    return customer.id


def attach(payment_method: str, *, customer: str) -> None:
    """Attach the card to the customer unless it already is; refuse a card saved for another
    payer, and a card the bank refuses at once."""
    if not is_payment_method(payment_method):
        raise ValidationError("Choose the card to charge.", code="no_card")
    client = gateway.client()
    try:
        method = client.v1.payment_methods.retrieve(payment_method)
    except stripe.InvalidRequestError:
        raise ValidationError("No such saved card.", code="no_card") from None
    owner = _id(method.customer)
    if owner == customer:
        return
    if owner:
        raise ValidationError("This card is saved for another person.", code="not_their_card")
    try:
        client.v1.payment_methods.attach(payment_method, params={"customer": customer})
    except stripe.CardError as error:
        raise ValidationError(
            "%(failure)s Nothing was charged.",
            code="card_declined",
            params={"failure": _words(error)},
        ) from None


def charge(
    *,
    customer: str,
    payment_method: str,
    amount_cents: int,
    idempotency_key: str,
    description: str,
    metadata: dict[str, str],
) -> Result:
    """One off-session PaymentIntent, confirmed now. Stripe answers a repeated key with the
    first answer, so a retry after a lost reply never charges twice."""
    params = {
        "amount": amount_cents,
        "currency": CURRENCY,
        "customer": customer,
        "payment_method": payment_method,
        "off_session": True,
        "confirm": True,
        "description": description,
        "metadata": metadata,
    }
    try:
        intent = gateway.client().v1.payment_intents.create(
            params=params, options={"idempotency_key": idempotency_key}
        )
    except (stripe.CardError, stripe.InvalidRequestError) as error:
        # A decline, or a card that is gone (detached, expired and removed).
        return Result(False, _id(getattr(error.error, "payment_intent", None)), _words(error))
    if intent.status == "succeeded":
        return Result(True, intent.id)
    failure = NEEDS_THE_CARDHOLDER if intent.status == "requires_action" else DECLINED
    return Result(False, intent.id, failure)


def is_payment_method(value) -> bool:
    return isinstance(value, str) and PAYMENT_METHOD.fullmatch(value) is not None


def _id(value) -> str:
    """An id whether Stripe sent the id or the object expanded."""
    if value is None:
        return ""
    return value if isinstance(value, str) else getattr(value, "id", "") or ""


def _words(error: stripe.StripeError) -> str:
    words = getattr(error, "user_message", None) or DECLINED
    return str(words)[:200]
