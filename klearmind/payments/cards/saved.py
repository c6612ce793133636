"""A visit's charges to the card its payer saved, made off-session: a late-cancellation or
no-show fee, a deposit charged when the clinic confirms the visit, or the visit itself."""

import logging
from dataclasses import dataclass

import stripe
from django.db import transaction
from django.db.models import Q

from klearmind.booking.models import Appointment, AppointmentStatus

from .. import gateway
from ..ledger import append
from ..models import CardIntent, CardIntentKind, CardIntentState, EntryKind, LedgerEntry, Purpose
from ..money import CURRENCY, dollars
from .intents import (
    DECLINED,
    deposit_cents,
    deposit_paid_cents,
    field,
    last_attempt,
    locked,
    metadata,
    next_key,
    outcome,
    payment_key,
    record_payment,
    settle,
    stripe_id,
    visit_key,
    words,
)

logger = logging.getLogger(__name__)

# Each fee, and the status a visit has when it is owed.
FEES = {
    Purpose.LATE_CANCEL_FEE: AppointmentStatus.CANCELLED,
    Purpose.NO_SHOW_FEE: AppointmentStatus.NO_SHOW,
}
# What a visit's saved card may be charged for; packages and memberships charge theirs apart.
SAVED_CARD_PURPOSES = (Purpose.DEPOSIT, Purpose.VISIT, *FEES)
# A charge to a saved card above this is a slip of the keyboard.
LARGEST_CARD_CHARGE_CENTS = 1_000_000  # $10,000.00


@dataclass(frozen=True)
class ChargeResult:
    """What a charge to a saved card came to: `message` says it in words the desk or the
    patient can read; a decline is a result, never an exception."""

    succeeded: bool
    message: str
    card_intent: CardIntent | None = None
    payment: LedgerEntry | None = None


def saved_card(appointment: Appointment) -> CardIntent | None:
    """The card this visit's payer saved last, for any of their visits: kept by a SetupIntent
    or by a deposit paid online (a card charged since counts as saved again)."""
    return saved_card_for(appointment.patient_email_hash)


def saved_card_for(email_hash: str) -> CardIntent | None:
    """The card the payer saved last (see `saved_card`)."""
    return (
        CardIntent.objects.filter(payer_email_hash=email_hash, state=CardIntentState.SUCCEEDED)
        .exclude(Q(payment_method="") | Q(stripe_customer=""))
        .order_by("-pk")
        .first()
    )


def deposit_to_charge(visit: Appointment | None) -> int:
    """The deposit still to take for a booked visit, in cents, when a card is saved for its
    payer: what the desk's "Charge the deposit" would charge now, else 0."""
    if visit is None or visit.status != AppointmentStatus.BOOKED or saved_card(visit) is None:
        return 0
    return max(deposit_cents(visit) - max(deposit_paid_cents(visit), 0), 0)


def charge_saved_card(
    appointment: Appointment, *, purpose: str, amount_cents: int, by=None
) -> ChargeResult:
    """Charge the payer's saved card off-session: a late-cancellation or no-show fee (its
    CHARGE entry written first, so a decline leaves it owed), a deposit charged when the visit
    is confirmed (a PAYMENT only), or a visit. Once per visit, state and purpose: a repeat
    returns the first outcome, and the same declined card is not tried again. Declines, a
    missing card and card payments being off come back as a result to show, never raised."""
    if purpose not in SAVED_CARD_PURPOSES:
        label = Purpose(purpose).label.lower()
        raise ValueError(f"A visit's saved card is not charged for a {label}.")
    if refusal := _amount_refusal(amount_cents):
        return ChargeResult(False, refusal)
    if not gateway.is_enabled():
        return ChargeResult(False, "Card payments are off: take the payment at the desk.")
    with transaction.atomic():
        visit = locked(appointment)
        if refusal := _purpose_refusal(visit, purpose):
            return ChargeResult(False, refusal)
        if purpose in FEES:
            charge_fee(visit, purpose=purpose, amount_cents=amount_cents, by=by)
        elif purpose == Purpose.DEPOSIT and 0 < deposit_cents(visit) <= deposit_paid_cents(visit):
            return ChargeResult(True, "The deposit for this visit is already paid.")
        card = saved_card(visit)
        if card is None:
            return ChargeResult(False, "No card is saved for this person.")
        base = visit_key(f"saved-card:{purpose}", visit)
        last = last_attempt(base)
        # The same declined card is not tried again; a card saved since is.
        if last is not None and (
            last.state != CardIntentState.FAILED or last.payment_method == card.payment_method
        ):
            return _result_of(settle(last))
        key = next_key(base)
        return _charge(visit, card, key=key, purpose=purpose, amount=amount_cents, by=by)


def charge_fee(appointment: Appointment, *, purpose: str, amount_cents: int, by=None, memo=""):
    """The CHARGE entry of a late-cancellation or no-show fee: one of each per visit, written
    once, whatever the amount a repeat asks for."""
    label = Purpose(purpose).label
    return append(
        idempotency_key=f"fee:{purpose}:appointment-{appointment.pk}",
        by=by,
        request=None,
        detail=f"{label.lower()} charged: {dollars(amount_cents)}",
        payer_email_hash=appointment.patient_email_hash,
        kind=EntryKind.CHARGE,
        purpose=purpose,
        amount_cents=amount_cents,
        appointment=appointment,
        memo=memo or label,
    )


def _amount_refusal(amount_cents) -> str:
    if not isinstance(amount_cents, int) or isinstance(amount_cents, bool):
        raise TypeError("An amount is an int of cents.")
    if amount_cents <= 0:
        return "Please give an amount above zero."
    if amount_cents > LARGEST_CARD_CHARGE_CENTS:
        return f"This is more than {dollars(LARGEST_CARD_CHARGE_CENTS)}: please check the amount."
    return ""


def _purpose_refusal(visit: Appointment, purpose: str) -> str:
    status = visit.get_status_display().lower()
    if purpose in FEES and visit.status != FEES[purpose]:
        return f"This visit is {status}: it has no {Purpose(purpose).label.lower()}."
    if purpose == Purpose.DEPOSIT and visit.status != AppointmentStatus.BOOKED:
        return f"This visit is {status}: its deposit is not charged."
    return ""


def _charge(visit, card: CardIntent, *, key: str, purpose: str, amount: int, by) -> ChargeResult:
    try:
        made = gateway.client().v1.payment_intents.create(
            params={
                "amount": amount,
                "currency": CURRENCY,
                "customer": card.stripe_customer,
                "payment_method": card.payment_method,
                "payment_method_types": ["card"],
                "confirm": True,
                "off_session": True,
                "metadata": metadata(visit),
            },
            options={"idempotency_key": key},
        )
    except stripe.CardError as error:
        return _declined(visit, card, key=key, purpose=purpose, amount=amount, error=error)
    except stripe.StripeError as error:
        logger.warning("A saved card was not charged: Stripe answered %s.", type(error).__name__)
        return ChargeResult(False, "Stripe could not be reached. Nothing was charged; try again.")
    intent = _new_intent(visit, card, made.id, key=key, purpose=purpose, amount=amount)
    intent.state, intent.failure = outcome(made)
    intent.save(update_fields=["state", "failure", "updated_at"])
    if intent.state != CardIntentState.SUCCEEDED:
        return _result_of(intent)
    payment = record_payment(intent, made, by=by)
    return ChargeResult(True, f"{dollars(amount)} charged to the card on file.", intent, payment)


def _declined(visit, card, *, key, purpose, amount, error: stripe.CardError) -> ChargeResult:
    """Record a decline on its PaymentIntent: Stripe names the intent in the error; the fake
    Stripe names only the charge, which names the intent."""
    failure = words(error.user_message)
    intent_id = stripe_id(field(error.error, "payment_intent"))
    charge_id = stripe_id(field(error.error, "charge"))
    if not intent_id and charge_id:
        charge = gateway.client().v1.charges.retrieve(charge_id)
        intent_id = stripe_id(field(charge, "payment_intent"))
    if not intent_id:
        return ChargeResult(False, failure)
    intent = _new_intent(visit, card, intent_id, key=key, purpose=purpose, amount=amount)
    intent.state, intent.failure = CardIntentState.FAILED, failure
    intent.save(update_fields=["state", "failure", "updated_at"])
    return ChargeResult(False, failure, intent)


def _new_intent(visit, card, made_id, *, key, purpose, amount) -> CardIntent:
    return CardIntent.objects.create(
        kind=CardIntentKind.PAYMENT,
        purpose=purpose,
        payer_email_hash=visit.patient_email_hash,
        appointment=visit,
        amount_cents=amount,
        stripe_id=made_id,
        stripe_customer=card.stripe_customer,
        payment_method=card.payment_method,
        idempotency_key=key,
    )


def _result_of(intent: CardIntent) -> ChargeResult:
    amount = dollars(intent.amount_cents)
    if intent.state == CardIntentState.SUCCEEDED:
        payment = LedgerEntry.objects.filter(idempotency_key=payment_key(intent)).first()
        return ChargeResult(True, f"{amount} charged to the card on file.", intent, payment)
    if intent.state == CardIntentState.OPEN:
        return ChargeResult(False, "The bank has not answered yet; look again shortly.", intent)
    return ChargeResult(False, intent.failure or DECLINED, intent)
