"""The intents a patient confirms in the browser with Stripe.js (a PaymentIntent for the deposit,
a SetupIntent that saves their card), their settling, and what the other card modules share:
the visit locked, its keys, and Stripe's objects read whether a field is an id or expanded."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from klearmind.booking.models import Appointment, AppointmentStatus

from .. import gateway
from ..ledger import append
from ..models import (
    CardIntent,
    CardIntentKind,
    CardIntentState,
    EntryKind,
    LedgerEntry,
    Method,
    Purpose,
)
from ..money import CURRENCY, dollars, to_cents
from ..off_session import customer_id

DECLINED = "The card was declined."
FAILURE_MAX_LENGTH = CardIntent._meta.get_field("failure").max_length


class PaymentRefused(Exception):
    """A card payment that cannot be started, with a message to show as it is."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message, self.code = message, code


def deposit_cents(appointment: Appointment) -> int:
    """The deposit a visit takes, in cents: all or a share of what it was booked at (a drip and
    its add-ons have their own price), or the service's fixed amount; 0 when it takes none."""
    price = appointment.price if appointment.price is not None else appointment.service.price
    deposit = appointment.service.deposit_for(price)
    return to_cents(deposit) if deposit else 0


def deposit_paid_cents(appointment: Appointment) -> int:
    """What was paid towards the visit's deposit, by any method, less what went back."""
    entries = LedgerEntry.objects.filter(
        appointment=appointment,
        purpose=Purpose.DEPOSIT,
        kind__in=[EntryKind.PAYMENT, EntryKind.REFUND],
    )
    return -entries.balance()


def customer_for(email_hash: str, email: str) -> str:
    """The payer's Stripe customer, made once (`off_session.customer_id`), with their e-mail."""
    return customer_id(email_hash, email)


def start_deposit(appointment: Appointment) -> CardIntent | None:
    """The PaymentIntent for a booked visit's deposit, made once per visit and state, its
    `client_secret` for Stripe.js's `confirmCardPayment`; the card is kept for a later fee
    (`setup_future_usage`). None when the visit takes no deposit; PaymentRefused for a visit
    not booked, already begun, or whose deposit is paid."""
    amount = deposit_cents(appointment)
    if amount <= 0:
        return None
    # An intent paid whose return step never came back is recorded first, outside the
    # transaction a refusal rolls back.
    if (last := last_attempt(visit_key("deposit", appointment))) is not None:
        settle(last)
    with transaction.atomic():
        visit = locked(appointment)
        check_payable(visit)
        due = amount - max(deposit_paid_cents(visit), 0)
        base = visit_key("deposit", visit)
        last = last_attempt(base)
        if due <= 0 or (last is not None and last.state == CardIntentState.SUCCEEDED):
            raise PaymentRefused("The deposit for this visit is already paid.", code="paid")
        if last is not None and last.state != CardIntentState.CANCELLED:
            return last  # a card declined on it may be followed by another on the same intent
        key = next_key(base)
        made = gateway.client().v1.payment_intents.create(
            params={
                "amount": due,
                "currency": CURRENCY,
                "customer": customer_for(visit.patient_email_hash, visit.patient_email),
                "setup_future_usage": "off_session",
                "payment_method_types": ["card"],
                "metadata": metadata(visit),
            },
            options={"idempotency_key": key},
        )
        return _new_intent(made, visit, key, kind=CardIntentKind.PAYMENT, amount=due)


def start_card_saving(appointment: Appointment) -> CardIntent:
    """The SetupIntent that saves a card for a booked visit (usage off_session), its
    `client_secret` for Stripe.js's `confirmCardSetup`: the deposit is then charged to it, now
    or when the clinic confirms the visit (BillingSettings.deposit_timing). One per visit and
    state; a new one only after Stripe cancelled the last, or its card was saved and then
    declined. PaymentRefused for a visit not booked, already begun, or whose deposit is paid."""
    with transaction.atomic():
        visit = locked(appointment)
        check_payable(visit)
        amount = deposit_cents(visit)
        if amount and deposit_paid_cents(visit) >= amount:
            raise PaymentRefused("The deposit for this visit is already paid.", code="paid")
        base = visit_key("card", visit)
        last = last_attempt(base)
        if last is not None and last.state in (CardIntentState.OPEN, CardIntentState.FAILED):
            return last
        key = next_key(base)
        made = gateway.client().v1.setup_intents.create(
            params={
                "customer": customer_for(visit.patient_email_hash, visit.patient_email),
                "usage": "off_session",
                "payment_method_types": ["card"],
                "metadata": metadata(visit),
            },
            options={"idempotency_key": key},
        )
        return _new_intent(made, visit, key, kind=CardIntentKind.SETUP, amount=amount)


def settle(card_intent: CardIntent) -> CardIntent:
    """Read the intent back from Stripe and record what became of it: on success the card it
    used and, for a payment, its ledger entry (written once); on a decline Stripe's words for
    it. Called by the patient's return step and by the webhook; safe to call twice."""
    with transaction.atomic():
        intent = CardIntent.objects.select_for_update().get(pk=card_intent.pk)
        if _settled(intent):
            return intent
        client = gateway.client()
        if intent.kind == CardIntentKind.PAYMENT:
            found = client.v1.payment_intents.retrieve(intent.stripe_id)
        else:
            found = client.v1.setup_intents.retrieve(intent.stripe_id)
        intent.state, intent.failure = outcome(found)
        intent.payment_method = stripe_id(field(found, "payment_method")) or intent.payment_method
        intent.save(update_fields=["state", "failure", "payment_method", "updated_at"])
        if intent.kind == CardIntentKind.PAYMENT and intent.state == CardIntentState.SUCCEEDED:
            record_payment(intent, found, by=None)
    return intent


# Shared with the saved card's charges and the refunds.


def locked(appointment: Appointment) -> Appointment:
    return Appointment.objects.select_for_update().select_related("service").get(pk=appointment.pk)


def visit_key(what: str, visit: Appointment) -> str:
    return f"{what}:appointment-{visit.pk}:{visit.status}-{visit.sequence}"


def metadata(visit: Appointment) -> dict[str, str]:
    return {"appointment": str(visit.pk)}


def check_payable(visit: Appointment) -> None:
    if visit.status != AppointmentStatus.BOOKED:
        raise PaymentRefused(
            f"This visit is {visit.get_status_display().lower()}: no deposit is taken for it.",
            code="not_booked",
        )
    if visit.starts_at <= timezone.now():
        raise PaymentRefused(
            "This visit has begun: its payment is settled at the clinic.", code="begun"
        )


def attempts(base: str):
    """The intents made for one thing: under its key, then `<key>:#2`, `<key>:#3` for the
    attempts made after one could not be used again."""
    return CardIntent.objects.filter(
        Q(idempotency_key=base) | Q(idempotency_key__startswith=f"{base}:#")
    ).order_by("pk")


def last_attempt(base: str) -> CardIntent | None:
    return attempts(base).last()


def next_key(base: str) -> str:
    made = attempts(base).count()
    return f"{base}:#{made + 1}" if made else base


def outcome(found) -> tuple[str, str]:
    """Our state for a PaymentIntent or SetupIntent as Stripe has it, and Stripe's words for a
    decline (a message meant for the cardholder: it never holds the card's number)."""
    if found.status == "succeeded":
        return CardIntentState.SUCCEEDED, ""
    if found.status == "canceled":
        return CardIntentState.CANCELLED, ""
    error = field(found, "last_payment_error") or field(found, "last_setup_error")
    if found.status == "requires_payment_method" and error:
        return CardIntentState.FAILED, words(field(error, "message"))
    return CardIntentState.OPEN, ""


def payment_key(intent: CardIntent) -> str:
    return f"payment:{intent.stripe_id}"


def record_payment(intent: CardIntent, found, *, by) -> LedgerEntry:
    """The PAYMENT entry of a PaymentIntent that succeeded, written once, naming its charge."""
    amount = field(found, "amount_received") or found.amount
    # A deposit is paid with the card the patient gave online; the rest go to the card on file.
    method = Method.CARD_ONLINE if intent.purpose == Purpose.DEPOSIT else Method.CARD_ON_FILE
    return append(
        idempotency_key=payment_key(intent),
        by=by,
        request=None,
        detail=f"card payment: {dollars(amount)}",
        payer_email_hash=intent.payer_email_hash,
        kind=EntryKind.PAYMENT,
        purpose=intent.purpose,
        method=method,
        amount_cents=-amount,
        appointment=intent.appointment,
        stripe_id=stripe_id(field(found, "latest_charge")) or intent.stripe_id,
        memo=f"{Purpose(intent.purpose).label}, by card",
    )


def field(found, name: str):
    """A field of a Stripe object, or None when Stripe (or the fake one) left it out."""
    return getattr(found, name, None) if found is not None else None


def stripe_id(value) -> str:
    """An id whether Stripe sent the id or the object expanded (the fake Stripe expands)."""
    if not value:
        return ""
    return value if isinstance(value, str) else field(value, "id") or ""


def words(message) -> str:
    """Stripe's words for a decline, kept short; ours when it gave none."""
    return (str(message or "") or DECLINED)[:FAILURE_MAX_LENGTH]


def _new_intent(made, visit: Appointment, key: str, *, kind: str, amount: int) -> CardIntent:
    return CardIntent.objects.create(
        kind=kind,
        purpose=Purpose.DEPOSIT,
        payer_email_hash=visit.patient_email_hash,
        appointment=visit,
        amount_cents=amount,
        stripe_id=made.id,
        client_secret=made.client_secret,
        stripe_customer=stripe_id(made.customer),
        idempotency_key=key,
    )


def _settled(intent: CardIntent) -> bool:
    """Whether Stripe has nothing more to tell about the intent."""
    if intent.state == CardIntentState.CANCELLED:
        return True
    if intent.state != CardIntentState.SUCCEEDED:
        return False
    if intent.kind == CardIntentKind.SETUP:
        return True
    return LedgerEntry.objects.filter(idempotency_key=payment_key(intent)).exists()
