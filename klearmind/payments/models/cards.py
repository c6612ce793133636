"""Card payments on Stripe: the intents made, the customers, the webhook events received and
the daily reconciliation."""

from django.db import models
from django.utils import timezone

from klearmind.booking.models import Appointment

from .ledger import Purpose


class CardIntentKind(models.TextChoices):
    PAYMENT = "payment", "Payment"  # a PaymentIntent: money taken now
    SETUP = "setup", "Card saved"  # a SetupIntent: a card kept for a later charge


class CardIntentState(models.TextChoices):
    OPEN = "open", "Waiting for the card"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Declined"
    CANCELLED = "cancelled", "Cancelled"


class CardIntent(models.Model):
    """One PaymentIntent or SetupIntent made for a payer, tied to what it pays for. Its
    `idempotency_key` names the appointment and its state (for example
    `deposit:appointment-12:booked-0`), so asking twice for the same thing finds this row and
    this intent instead of making a second; an appointment that was refused never gets one."""

    kind = models.CharField(max_length=8, choices=CardIntentKind.choices)
    state = models.CharField(
        max_length=10, choices=CardIntentState.choices, default=CardIntentState.OPEN
    )
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    payer_email_hash = models.CharField(max_length=64, db_index=True)
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.PROTECT, related_name="card_intents"
    )
    amount_cents = models.BigIntegerField(default=0)
    stripe_id = models.CharField(max_length=255, unique=True)
    client_secret = models.CharField(max_length=255, blank=True)
    stripe_customer = models.CharField(max_length=255, blank=True)
    payment_method = models.CharField(max_length=255, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    failure = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.stripe_id}"


class StripeCustomer(models.Model):
    """The Stripe customer a payer's saved card belongs to."""

    payer_email_hash = models.CharField(max_length=64, unique=True)
    stripe_id = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.stripe_id


class WebhookEvent(models.Model):
    """A Stripe event as received, once: a replayed delivery finds its row and does nothing."""

    stripe_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    received_at = models.DateTimeField(default=timezone.now)
    handled = models.BooleanField(default=False)

    def __str__(self):
        return f"{self.type} {self.stripe_id}"


class Reconciliation(models.Model):
    """One day's ledger compared with Stripe's balance transactions: one row per day, written
    again (not added to) when the day is reconciled again."""

    day = models.DateField(unique=True)
    ran_at = models.DateTimeField(default=timezone.now)
    ledger_cents = models.BigIntegerField(default=0)
    stripe_cents = models.BigIntegerField(default=0)
    # Each mismatch: {"stripe_id": ..., "ledger_cents": ..., "stripe_cents": ..., "problem": ...}
    mismatches = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-day"]

    def __str__(self):
        return f"Reconciliation of {self.day}"

    @property
    def matches(self) -> bool:
        return not self.mismatches
