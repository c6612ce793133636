"""The ledger: one append-only entry per movement of money on a payer's account."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from klearmind.audit import models as audit
from klearmind.booking.models import Appointment, Location, Service


class AppendOnlyLedgerError(RuntimeError):
    """Raised on any attempt to change or remove a ledger entry."""


LEDGER_REFUSAL = "The ledger is append-only: record an adjustment instead."


class EntryKind(models.TextChoices):
    # The sign of an entry's amount is its effect on what the payer owes the clinic.
    CHARGE = "charge", "Charge"  # + a visit, a fee, a package or a membership month
    PAYMENT = "payment", "Payment"  # − money received, by card or in the clinic
    REFUND = "refund", "Refund"  # + money given back
    CREDIT = "credit", "Credit"  # − owed less without money moving (a goodwill credit)
    ADJUSTMENT = "adjustment", "Adjustment"  # ± a correction, with its reason


SIGN = {
    EntryKind.CHARGE: 1,
    EntryKind.PAYMENT: -1,
    EntryKind.REFUND: 1,
    EntryKind.CREDIT: -1,
}


class Purpose(models.TextChoices):
    DEPOSIT = "deposit", "Deposit"
    VISIT = "visit", "Visit"
    LATE_CANCEL_FEE = "late_cancel_fee", "Late-cancellation fee"
    NO_SHOW_FEE = "no_show_fee", "No-show fee"
    PACKAGE = "package", "Package"
    MEMBERSHIP = "membership", "Membership"
    OTHER = "other", "Other"


class Method(models.TextChoices):
    CARD_ONLINE = "card_online", "Card, online"
    CARD_ON_FILE = "card_on_file", "Card on file"
    CASH = "cash", "Cash"
    CARD_TERMINAL = "card_terminal", "Card terminal in the clinic"
    HSA_FSA = "hsa_fsa", "HSA or FSA card"
    NONE = "", "No money moved"


# What the desk records by hand: money taken in the clinic.
CLINIC_METHODS = (Method.CASH, Method.CARD_TERMINAL, Method.HSA_FSA)


class LedgerQuerySet(audit.AppendOnlyQuerySet):
    error = AppendOnlyLedgerError
    refusal = LEDGER_REFUSAL

    def of(self, email_hash: str):
        return self.filter(payer_email_hash=email_hash)

    def balance(self) -> int:
        """What the payer owes in cents: positive owed, negative a credit on account."""
        return self.aggregate(total=models.Sum("amount_cents"))["total"] or 0


class LedgerEntry(audit.AppendOnlyModel):
    """One movement on a payer's account, never changed, never deleted: a correction is a new
    entry. `idempotency_key` is unique, so a retried request, a double click or a replayed
    webhook finds the entry already written instead of writing a second."""

    error = AppendOnlyLedgerError
    refusal = LEDGER_REFUSAL

    payer_email_hash = models.CharField(max_length=64, db_index=True)
    kind = models.CharField(max_length=12, choices=EntryKind.choices)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    method = models.CharField(max_length=16, choices=Method.choices, blank=True)
    amount_cents = models.BigIntegerField()
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Kept for the reports even when the entry has no appointment (a package, a membership).
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A PaymentIntent (pi_), Charge (ch_) or Refund (re_) the entry mirrors.
    stripe_id = models.CharField(max_length=255, blank=True, db_index=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    # What the desk or the system wrote about it: never health information.
    memo = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        base_manager_name = "objects"
        default_permissions = ()
        # The back office's payment screens (accounts.roles gives them to the roles).
        permissions = [
            ("record_payment", "Can record a payment taken in the clinic"),
            ("view_ledger", "Can view a payer's account"),
            ("make_superbill", "Can make a superbill, with its diagnosis codes"),
            ("view_payment_reports", "Can view and download the payment reports"),
            ("record_adjustment", "Can record an adjustment to a payer's account"),
        ]
        verbose_name_plural = "ledger entries"
        ordering = ["recorded_at", "pk"]
        indexes = [models.Index(fields=["payer_email_hash", "recorded_at"], name="ledger_payer")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(amount_cents=0), name="ledger_entry_not_zero"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["charge", "refund"], amount_cents__gt=0)
                | models.Q(kind__in=["payment", "credit"], amount_cents__lt=0)
                | models.Q(kind="adjustment"),
                name="ledger_entry_sign_follows_kind",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount_cents} cents"
