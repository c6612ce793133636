"""Card payments for visits, on Stripe: the deposit a patient pays online, the card saved for a
later charge, a charge to that saved card, and a deposit given back.

Each may be called twice for the same thing (a double click, a retried task, the webhook and
the patient's return step at once). An intent's idempotency key names the visit and its state
(`deposit:appointment-12:booked-0`), and the CardIntent row under that key is looked up first,
with the visit's row locked, so a repeat finds the intent already made; every ledger entry has
its own unique key. The fake Stripe ignores idempotency keys, so these rows, not Stripe, are
what make a repeat safe. Stripe is told a visit's number and nothing else about it."""

from .intents import (
    PaymentRefused,
    customer_for,
    deposit_cents,
    deposit_paid_cents,
    settle,
    start_card_saving,
    start_deposit,
)
from .refunds import record_stripe_refunds, refund_deposit
from .saved import (
    ChargeResult,
    charge_fee,
    charge_saved_card,
    deposit_to_charge,
    saved_card,
    saved_card_for,
)

__all__ = [
    "ChargeResult",
    "PaymentRefused",
    "charge_fee",
    "charge_saved_card",
    "customer_for",
    "deposit_cents",
    "deposit_paid_cents",
    "deposit_to_charge",
    "record_stripe_refunds",
    "refund_deposit",
    "saved_card",
    "saved_card_for",
    "settle",
    "start_card_saving",
    "start_deposit",
]
