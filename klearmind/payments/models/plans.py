"""Packages (a prepaid series) and memberships (a monthly plan), with their append-only credits
and one charge row per membership month."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from klearmind.audit import models as audit
from klearmind.booking.models import Appointment, Service
from klearmind.encryption.fields import EncryptedCharField, LookupHashField

from .ledger import Method


class PackagePlan(models.Model):
    """A prepaid series the clinic sells, for example six IV ketamine infusions for one price."""

    name = models.CharField(max_length=120)
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="+", help_text="The visit it pays for."
    )
    visits = models.PositiveSmallIntegerField(default=6)
    price = models.DecimalField(max_digits=8, decimal_places=2)
    active = models.BooleanField(default=True, help_text="Offered for sale.")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(visits__gte=1), name="package_plan_visits"),
            models.CheckConstraint(condition=models.Q(price__gt=0), name="package_plan_price"),
        ]

    def __str__(self):
        return self.name


class PackageQuerySet(models.QuerySet):
    def of(self, email_hash: str):
        return self.filter(payer_email_hash=email_hash)

    def open(self):
        return self.filter(cancelled_at__isnull=True)

    def covering(self, service):
        return self.filter(plan__service=service)


class Package(models.Model):
    """A plan as one payer bought it: the visits and the price as sold, however the plan
    changes later. What is left is the sum of its credits (`PackageCredit`)."""

    plan = models.ForeignKey(PackagePlan, on_delete=models.PROTECT, related_name="packages")
    payer_email_hash = models.CharField(max_length=64, db_index=True)
    visits = models.PositiveSmallIntegerField()
    price_cents = models.BigIntegerField()
    method = models.CharField(max_length=16, choices=Method.choices)
    # The PaymentIntent when it was charged to a saved card: a cancellation refunds to it.
    stripe_payment_intent = models.CharField(max_length=255, blank=True)
    # One sale per form submitted: a double click finds this row instead of selling twice.
    idempotency_key = models.CharField(max_length=200, unique=True)
    sold_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    bought_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    refunded_cents = models.BigIntegerField(default=0)

    objects = PackageQuerySet.as_manager()

    class Meta:
        ordering = ["bought_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(visits__gte=1), name="package_visits"),
            models.CheckConstraint(condition=models.Q(price_cents__gt=0), name="package_price"),
            models.CheckConstraint(
                condition=models.Q(refunded_cents__gte=0)
                & models.Q(refunded_cents__lte=models.F("price_cents")),
                name="package_refund_within_price",
            ),
        ]

    def __str__(self):
        return f"{self.plan} ({self.visits} visits)"

    @property
    def is_open(self) -> bool:
        return self.cancelled_at is None

    def credits_left(self) -> int:
        return self.credits.aggregate(left=models.Sum("change"))["left"] or 0

    def value_of_unused(self, unused: int) -> int:
        """What `unused` visits are worth in cents. Each visit is worth the price divided by
        the visits, rounded down to the cent; the cents that division leaves over belong to the
        last visit. Visits are used first to last, so the unused ones always include the last
        and a refund gives those cents back: $1,000 for six visits is five of $166.66 and a
        last of $166.70, and cancelling after two refunds $1,000 − 2 × $166.66 = $666.68."""
        unused = max(0, min(unused, self.visits))
        if unused == 0:
            return 0
        return self.price_cents - (self.visits - unused) * (self.price_cents // self.visits)


class AppendOnlyCreditError(RuntimeError):
    """Raised on any attempt to change or remove a package credit."""


class CreditReason(models.TextChoices):
    BOUGHT = "bought", "Bought"
    USED = "used", "Used by a visit"
    CANCELLED = "cancelled", "Cancelled and refunded"


class PackageCreditQuerySet(audit.AppendOnlyQuerySet):
    error = AppendOnlyCreditError
    refusal = "Package credits are append-only: record a new entry instead."


class PackageCredit(audit.AppendOnlyModel):
    """One change to a package's visits left, never changed, never deleted: +visits when it is
    bought, −1 for each visit it pays for, −what is left when it is cancelled. A visit uses
    one credit at most, whichever package it comes from (a unique appointment)."""

    error = AppendOnlyCreditError
    refusal = PackageCreditQuerySet.refusal

    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="credits")
    change = models.SmallIntegerField()
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=10, choices=CreditReason.choices)
    idempotency_key = models.CharField(max_length=200, unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = PackageCreditQuerySet.as_manager()

    class Meta:
        base_manager_name = "objects"
        default_permissions = ()
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(change=0), name="package_credit_not_zero"),
            models.CheckConstraint(
                condition=models.Q(appointment__isnull=True) | models.Q(change=-1),
                name="package_credit_one_visit_one_credit",
            ),
            models.UniqueConstraint(
                fields=["appointment"],
                condition=models.Q(appointment__isnull=False),
                name="package_credit_once_per_visit",
            ),
        ]

    def __str__(self):
        return f"{self.change:+d} ({self.get_reason_display()})"


class MembershipPlan(models.Model):
    """A monthly plan, for example one IV hydration drip a month for a monthly price."""

    name = models.CharField(max_length=120)
    monthly_price = models.DecimalField(max_digits=7, decimal_places=2)
    drips_per_month = models.PositiveSmallIntegerField(default=1)
    services = models.ManyToManyField(
        Service, related_name="+", help_text="The visits its monthly drips can be."
    )
    active = models.BooleanField(default=True, help_text="Open to new members.")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(monthly_price__gt=0), name="membership_plan_price"
            ),
        ]

    def __str__(self):
        return self.name


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAST_DUE = "past_due", "Renewal failed, trying again"
    PAUSED = "paused", "Paused after failed renewals"
    CANCELLED = "cancelled", "Cancelled"


# A payer has one membership at a time; a cancelled one stays as history.
LIVE_MEMBERSHIP = (MembershipStatus.ACTIVE, MembershipStatus.PAST_DUE, MembershipStatus.PAUSED)


class MembershipQuerySet(models.QuerySet):
    def of(self, email_hash: str):
        return self.filter(payer_email_hash=email_hash)

    def live(self):
        return self.filter(status__in=LIVE_MEMBERSHIP)

    def due(self, today):
        """To charge on `today`: a paid month that has ended, or a failed renewal to retry."""
        return self.filter(
            models.Q(status=MembershipStatus.ACTIVE, current_period_end__lte=today)
            | models.Q(status=MembershipStatus.PAST_DUE, next_attempt_on__lte=today)
        )


class Membership(models.Model):
    """One payer's membership. A period runs from `current_period_start` up to, not including,
    `current_period_end`, the day it renews; periods are counted in calendar months from
    `billing_anchor`, the day it began (memberships.month_after)."""

    plan = models.ForeignKey(MembershipPlan, on_delete=models.PROTECT, related_name="memberships")
    # The member's address, for the e-mails about renewals; found by its hash.
    email = EncryptedCharField(max_length=254)
    payer_email_hash = LookupHashField(source="email", purpose="email", normalise=True)
    # The monthly price the member agreed to: a later change of the plan's price is not theirs.
    price_cents = models.BigIntegerField()
    stripe_customer = models.CharField(max_length=255, blank=True)
    stripe_payment_method = models.CharField(max_length=255, blank=True)
    status = models.CharField(
        max_length=10, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE
    )
    billing_anchor = models.DateField()
    current_period_start = models.DateField()
    current_period_end = models.DateField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_on = models.DateField(null=True, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["started_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["payer_email_hash"],
                condition=models.Q(status__in=LIVE_MEMBERSHIP),
                name="membership_one_live_per_payer",
            ),
            models.CheckConstraint(
                condition=models.Q(current_period_end__gt=models.F("current_period_start")),
                name="membership_period_ends_after_it_starts",
            ),
            models.CheckConstraint(condition=models.Q(price_cents__gt=0), name="membership_price"),
        ]

    def __str__(self):
        return f"{self.plan} ({self.get_status_display()})"

    def runs_on(self, day) -> bool:
        """Whether `day` is inside a month paid for: a cancelled membership runs to its end."""
        paid = self.status in (MembershipStatus.ACTIVE, MembershipStatus.CANCELLED)
        return paid and self.current_period_start <= day < self.current_period_end


class ChargeState(models.TextChoices):
    PENDING = "pending", "Not charged yet"
    SUCCEEDED = "succeeded", "Paid"
    FAILED = "failed", "Declined"


class MembershipCharge(models.Model):
    """The payment of one membership period: one row per period (unique start), so a renewal
    run twice finds the period paid and charges nothing. Each attempt at the card has its own
    Stripe idempotency key (`idempotency_key` and the attempt number); the ledger entries of
    the payment are keyed from `idempotency_key`."""

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="charges")
    period_start = models.DateField()
    period_end = models.DateField()
    amount_cents = models.BigIntegerField()
    state = models.CharField(
        max_length=10, choices=ChargeState.choices, default=ChargeState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    stripe_id = models.CharField(max_length=255, blank=True)
    # The card's refusal as Stripe words it ("Your card was declined."): never health details.
    failure = models.CharField(max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "period_start"], name="membership_charge_once_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(amount_cents__gt=0), name="membership_charge_amount"
            ),
        ]

    def __str__(self):
        return f"{self.membership} from {self.period_start}: {self.get_state_display()}"
