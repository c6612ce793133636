"""Money given back to a card: a visit's deposit refunded, and the refunds Stripe tells of
(made in its dashboard, or by another of the clinic's screens) written to the ledger once.
A REFUND entry's key is `refund:<Stripe's refund id>`, so the two never write one twice."""

import stripe
from django.db import transaction

from klearmind.booking.models import Appointment

from .. import gateway
from ..ledger import append
from ..models import EntryKind, LedgerEntry, Method, Purpose
from ..money import dollars
from .intents import field, locked, metadata, stripe_id

CARD_METHODS = (Method.CARD_ONLINE, Method.CARD_ON_FILE)
MEMO_MAX_LENGTH = LedgerEntry._meta.get_field("memo").max_length


def refund_deposit(
    appointment: Appointment, *, by=None, reason: str = "", keep_cents: int = 0
) -> list[LedgerEntry]:
    """Give back to the card what was paid by card for the visit's deposit and is not given
    back yet, less `keep_cents` (a fee the deposit pays); one REFUND entry per Stripe refund.
    A refund made in Stripe's dashboard is written too. Returns the entries written now; a
    second call finds nothing more to give back. A deposit paid in cash is given back at the
    desk."""
    payments = LedgerEntry.objects.filter(
        appointment=appointment,
        purpose=Purpose.DEPOSIT,
        kind=EntryKind.PAYMENT,
        method__in=CARD_METHODS,
    ).exclude(stripe_id="")
    if not payments.exists():
        return []
    with transaction.atomic():
        visit = locked(appointment)
        client = gateway.client()
        charges = [(entry, _charge_of(client, entry.stripe_id)) for entry in payments]
        written = [new for entry, charge in charges for new in _write_refunds(entry, charge)]
        to_refund = sum(_refundable(charge) for _entry, charge in charges) - max(keep_cents, 0)
        for entry, charge in reversed(charges):  # the latest payment first
            amount = min(to_refund, _refundable(charge))
            if amount <= 0:
                continue
            refund = client.v1.refunds.create(
                params={"charge": charge.id, "amount": amount, "metadata": metadata(visit)},
                options={"idempotency_key": f"refund:{charge.id}:{_refundable(charge)}-{amount}"},
            )
            written.append(_record_refund(entry, refund, by=by, memo=reason))
            to_refund -= amount
    return written


def record_stripe_refunds(charge_id: str) -> list[LedgerEntry]:
    """The REFUND entries of a charge's refunds not in the ledger yet (Stripe's
    charge.refunded); none for a charge the ledger or Stripe does not know."""
    try:
        charge = gateway.client().v1.charges.retrieve(charge_id)
    except stripe.InvalidRequestError:  # no such charge at Stripe
        return []
    names = [charge.id, stripe_id(field(charge, "payment_intent"))]
    entry = (
        LedgerEntry.objects.filter(kind=EntryKind.PAYMENT, stripe_id__in=[n for n in names if n])
        .order_by("pk")
        .first()
    )
    return _write_refunds(entry, charge) if entry is not None else []


def _refundable(charge) -> int:
    return charge.amount - (field(charge, "amount_refunded") or 0)


def _charge_of(client, paid_with: str):
    """The Charge behind a ledger entry's Stripe id (a charge, or a PaymentIntent's latest)."""
    if paid_with.startswith("pi_"):
        intent = client.v1.payment_intents.retrieve(paid_with)
        paid_with = stripe_id(field(intent, "latest_charge"))
    return client.v1.charges.retrieve(paid_with)


def _write_refunds(entry: LedgerEntry, charge) -> list[LedgerEntry]:
    """REFUND entries for the charge's refunds the ledger has not written yet."""
    if not field(charge, "amount_refunded"):
        return []
    refunds = gateway.client().v1.refunds.list(params={"charge": charge.id, "limit": 100}).data
    known = set(
        LedgerEntry.objects.filter(
            kind=EntryKind.REFUND, stripe_id__in=[refund.id for refund in refunds]
        ).values_list("stripe_id", flat=True)
    )
    return [
        _record_refund(entry, refund, by=None, memo="Refunded in Stripe")
        for refund in refunds
        if refund.id not in known and refund.status not in ("failed", "canceled")
    ]


def _record_refund(payment: LedgerEntry, refund, *, by, memo: str) -> LedgerEntry:
    return append(
        idempotency_key=f"refund:{refund.id}",
        by=by,
        request=None,
        detail=f"card refund: {dollars(refund.amount)}",
        payer_email_hash=payment.payer_email_hash,
        kind=EntryKind.REFUND,
        purpose=payment.purpose,
        method=payment.method,
        amount_cents=refund.amount,
        appointment=payment.appointment,
        stripe_id=refund.id,
        memo=_plain(memo or f"{Purpose(payment.purpose).label} refunded"),
    )


def _plain(text: str) -> str:
    """A reason as the ledger keeps it: one line of printable text, cut to the memo's length."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())[
        :MEMO_MAX_LENGTH
    ]
