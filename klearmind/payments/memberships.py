"""Memberships: a monthly plan for IV hydration, paid by a saved card month after month.

`join` charges the first month at once; no membership exists unless that payment went through.
`renew_due`, run each morning by the scheduler, charges the next month of every membership
whose paid month has ended. Each month is one `MembershipCharge` row, so a run repeated or
overlapping charges a month once. A declined renewal makes the membership past due: the member
is e-mailed (no health details, a link to the portal) and the card is tried again
RETRY_AFTER_DAYS later; after MAX_ATTEMPTS declines it is paused, with a last e-mail. A member
may `cancel` at any time: nothing more is charged and the month paid for runs to its end.

Months are calendar months counted from the day the membership began (`month_after`): one
begun on January 31 renews on February 28 (29 in a leap year), then on March 31, never drifting
to the 28th. On the ledger a paid month is a CHARGE and a PAYMENT (purpose membership); a
declined month writes nothing, so a member whose card fails owes nothing for it."""

import calendar
import datetime
import logging
from dataclasses import dataclass, field

import stripe
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from klearmind.audit.models import AuditEvent
from klearmind.audit.services import PATIENT_ITSELF, record
from klearmind.booking.models import ACTIVE_STATUSES, Appointment
from klearmind.encryption.keys import email_lookup_hash
from klearmind.outbox.services import enqueue

from . import gateway, off_session
from .membership_emails import PAUSED, RENEWAL_FAILED
from .models import (
    ChargeState,
    EntryKind,
    LedgerEntry,
    Membership,
    MembershipCharge,
    MembershipPlan,
    MembershipStatus,
    Method,
    Purpose,
)
from .money import dollars, to_cents

logger = logging.getLogger(__name__)

# Three tries at the card, three days apart, then the membership is paused.
MAX_ATTEMPTS = 3
RETRY_AFTER_DAYS = 3
NO_CARD = "No card is saved for this membership."
EMAIL_MAX_LENGTH = Membership._meta.get_field("email").max_length


def month_after(anchor: datetime.date, months: int) -> datetime.date:
    """The day `months` calendar months after `anchor`, on the anchor's day of the month, or
    on the month's last day when it is shorter: Jan 31 + 1 = Feb 28 (29), Jan 31 + 2 = Mar 31."""
    index = anchor.month - 1 + months
    year, month = anchor.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(anchor.day, calendar.monthrange(year, month)[1]))


def next_period_end(membership: Membership) -> datetime.date:
    """The end of the month after the current one, counted from the billing anchor."""
    end, anchor = membership.current_period_end, membership.billing_anchor
    months = (end.year - anchor.year) * 12 + end.month - anchor.month
    return month_after(anchor, months + 1)


def join(
    plan: MembershipPlan, *, email_hash: str, email: str, payment_method_id: str, by=None
) -> Membership:
    """Make the payer a member and charge the first month to the saved card now. A declined
    card makes no membership and raises a ValidationError with code "card_declined". Asked
    again for the same plan while the membership lives (a double submit), it returns it."""
    _check_join(plan, email_hash=email_hash, email=email, card=payment_method_id)
    running = Membership.objects.of(email_hash).live().exclude(status=MembershipStatus.PAUSED)
    if current := running.first():
        if current.plan_id == plan.pk:
            return current
        raise ValidationError("You are already a member of another plan.", code="already_member")
    price = to_cents(plan.monthly_price)
    customer = off_session.customer_id(email_hash)
    off_session.attach(payment_method_id, customer=customer)
    joined_before = Membership.objects.of(email_hash).count()
    result = off_session.charge(
        customer=customer,
        payment_method=payment_method_id,
        amount_cents=price,
        idempotency_key=f"membership-join:{email_hash}:{joined_before}",
        description="Membership: first month",
        metadata={"purpose": Purpose.MEMBERSHIP},
    )
    if not result.paid:
        raise ValidationError(
            "%(failure)s Nothing was charged, and you are not a member yet.",
            code="card_declined",
            params={"failure": result.failure},
        )
    card = {"stripe_customer": customer, "stripe_payment_method": payment_method_id}
    try:
        with transaction.atomic():
            return _start(plan, email=email, price=price, card=card, paid=result, by=by)
    except IntegrityError:  # joined at the same moment by a second request
        return Membership.objects.of(email_hash).live().get()


def _check_join(plan: MembershipPlan, *, email_hash: str, email: str, card: str) -> None:
    if not plan.active:
        raise ValidationError("This membership is not open to new members.", code="plan_inactive")
    if not email or len(email) > EMAIL_MAX_LENGTH or "\x00" in email:
        raise ValidationError("Enter the member's e-mail address.", code="no_payer")
    if email_lookup_hash(email) != email_hash:
        raise ValidationError("The member's e-mail address does not match.", code="no_payer")
    if not off_session.is_payment_method(card):
        raise ValidationError("Choose the card to charge.", code="no_card")


def _start(plan, *, email, price, card, paid: off_session.Result, by) -> Membership:
    today = timezone.localdate()
    for paused in Membership.objects.of(email_lookup_hash(email)).filter(
        status=MembershipStatus.PAUSED
    ):
        _end(paused, by=by, detail="ended: the member joined again")
    membership = Membership.objects.create(
        plan=plan,
        email=email,
        price_cents=price,
        billing_anchor=today,
        current_period_start=today,
        current_period_end=month_after(today, 1),
        **card,
    )
    charge = MembershipCharge.objects.create(
        membership=membership,
        period_start=membership.current_period_start,
        period_end=membership.current_period_end,
        amount_cents=price,
        state=ChargeState.SUCCEEDED,
        attempts=1,
        stripe_id=paid.payment_intent,
        idempotency_key=period_key(membership, membership.current_period_start),
    )
    _record_payment(charge, by=by)
    _audit(AuditEvent.Action.CREATE, membership, by=by, detail=f"joined at {dollars(price)}")
    return membership


def period_key(membership: Membership, start: datetime.date) -> str:
    return f"membership-{membership.pk}:period-{start.isoformat()}"


@dataclass
class RenewalSummary:
    renewed: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    paused: list[int] = field(default_factory=list)
    errors: list[int] = field(default_factory=list)  # Stripe unreachable: tried again next run
    card_payments_off: bool = False

    def __str__(self):
        if self.card_payments_off:
            return "Memberships: card payments are off, nothing renewed."
        return (
            f"Memberships: {len(self.renewed)} renewed, {len(self.failed)} declined, "
            f"{len(self.paused)} paused, {len(self.errors)} to try again."
        )

    def as_dict(self) -> dict:
        return {
            "renewed": self.renewed,
            "failed": self.failed,
            "paused": self.paused,
            "errors": self.errors,
            "card_payments_off": self.card_payments_off,
        }


def renew_due(today: datetime.date) -> RenewalSummary:
    """Charge the next month of every membership due on `today` (`MembershipQuerySet.due`):
    once per month, however often it runs."""
    summary = RenewalSummary()
    if not gateway.is_enabled():
        summary.card_payments_off = True
        return summary
    for pk in Membership.objects.due(today).values_list("pk", flat=True):
        try:
            outcome = renew(pk, today)
        except stripe.StripeError as error:
            logger.warning("Membership %s not renewed: %s", pk, type(error).__name__)
            outcome = "errors"
        if outcome:
            getattr(summary, outcome).append(pk)
    return summary


def renew(pk: int, today: datetime.date) -> str:
    """Charge one membership's next month, holding its row: "renewed", "failed", "paused",
    or "" when it is not due any more (paid, cancelled or renewed by another run)."""
    with transaction.atomic():
        # The row stays locked through the call to Stripe: a second run waits, then finds the
        # month paid. Should the commit fail after Stripe took the money, the next run asks
        # again with the same idempotency key and Stripe answers with that same payment.
        membership = Membership.objects.select_for_update().filter(pk=pk).first()
        if membership is None or not Membership.objects.due(today).filter(pk=pk).exists():
            return ""
        start = membership.current_period_end
        charge, _ = MembershipCharge.objects.get_or_create(
            membership=membership,
            period_start=start,
            defaults={
                "period_end": next_period_end(membership),
                "amount_cents": membership.price_cents,
                "idempotency_key": period_key(membership, start),
            },
        )
        if charge.state == ChargeState.SUCCEEDED:  # paid and recorded before: move on
            _advance(membership, charge)
            return "renewed"
        charge.attempts += 1
        _try_card(membership, charge)
        if charge.state == ChargeState.SUCCEEDED:
            _record_payment(charge, by=None)
            _advance(membership, charge)
            return "renewed"
        return _declined(membership, today)


def _try_card(membership: Membership, charge: MembershipCharge) -> None:
    if membership.stripe_customer and membership.stripe_payment_method:
        result = off_session.charge(
            customer=membership.stripe_customer,
            payment_method=membership.stripe_payment_method,
            amount_cents=charge.amount_cents,
            idempotency_key=f"{charge.idempotency_key}:attempt-{charge.attempts}",
            description=f"Membership: month from {charge.period_start.isoformat()}",
            metadata={"purpose": Purpose.MEMBERSHIP, "membership": str(membership.pk)},
        )
    else:
        result = off_session.Result(False, failure=NO_CARD)
    charge.state = ChargeState.SUCCEEDED if result.paid else ChargeState.FAILED
    charge.stripe_id = result.payment_intent or charge.stripe_id
    charge.failure = result.failure
    charge.save(update_fields=["state", "attempts", "stripe_id", "failure", "updated_at"])


def _advance(membership: Membership, charge: MembershipCharge) -> None:
    membership.status = MembershipStatus.ACTIVE
    membership.current_period_start = charge.period_start
    membership.current_period_end = charge.period_end
    membership.failed_attempts = 0
    membership.next_attempt_on = None
    membership.save(
        update_fields=[
            "status",
            "current_period_start",
            "current_period_end",
            "failed_attempts",
            "next_attempt_on",
        ]
    )


def _declined(membership: Membership, today: datetime.date) -> str:
    membership.failed_attempts += 1
    if membership.failed_attempts >= MAX_ATTEMPTS:
        membership.status = MembershipStatus.PAUSED
        membership.next_attempt_on = None
        kind, outcome = PAUSED, "paused"
    else:
        membership.status = MembershipStatus.PAST_DUE
        membership.next_attempt_on = today + datetime.timedelta(days=RETRY_AFTER_DAYS)
        kind, outcome = RENEWAL_FAILED, "failed"
    membership.save(update_fields=["status", "failed_attempts", "next_attempt_on"])
    params = {"attempt": membership.failed_attempts}
    if membership.next_attempt_on:
        params["next_attempt_on"] = membership.next_attempt_on.isoformat()
    enqueue(kind=kind, recipient=membership.email, about=membership, params=params)
    return outcome


def _record_payment(charge: MembershipCharge, *, by) -> None:
    entry = {
        "payer_email_hash": charge.membership.payer_email_hash,
        "purpose": Purpose.MEMBERSHIP,
        "memo": f"Membership, month from {charge.period_start.isoformat()}",
        "recorded_by": by,
    }
    LedgerEntry.objects.create(
        **entry,
        kind=EntryKind.CHARGE,
        amount_cents=charge.amount_cents,
        idempotency_key=f"{charge.idempotency_key}:charge",
    )
    LedgerEntry.objects.create(
        **entry,
        kind=EntryKind.PAYMENT,
        method=Method.CARD_ON_FILE,
        amount_cents=-charge.amount_cents,
        stripe_id=charge.stripe_id,
        idempotency_key=f"{charge.idempotency_key}:payment",
    )


def cancel(membership: Membership, *, by=None) -> Membership:
    """End the membership at the member's or the clinic's wish: nothing more is charged, and
    the month already paid runs to its end (`Membership.runs_on`). Cancelling again does
    nothing."""
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.status != MembershipStatus.CANCELLED:
            _end(membership, by=by, detail="cancelled")
    return membership


def change_card(membership: Membership, *, payment_method_id: str, by=None) -> Membership:
    """Charge future months to another saved card of the member. A past-due membership is
    tried again at the next morning's run instead of waiting for its next attempt."""
    if not off_session.is_payment_method(payment_method_id):
        raise ValidationError("Choose the card to charge.", code="no_card")
    if membership.status not in (MembershipStatus.ACTIVE, MembershipStatus.PAST_DUE):
        raise ValidationError("This membership is not running.", code="not_running")
    customer = membership.stripe_customer or off_session.customer_id(membership.payer_email_hash)
    off_session.attach(payment_method_id, customer=customer)
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        membership.stripe_customer = customer
        membership.stripe_payment_method = payment_method_id
        if membership.status == MembershipStatus.PAST_DUE:
            membership.next_attempt_on = timezone.localdate()
        fields = ["stripe_customer", "stripe_payment_method", "next_attempt_on"]
        membership.save(update_fields=fields)
        _audit(AuditEvent.Action.CHANGE, membership, by=by, detail="card changed")
    return membership


def _end(membership: Membership, *, by, detail: str) -> None:
    membership.status = MembershipStatus.CANCELLED
    membership.cancelled_at = timezone.now()
    membership.next_attempt_on = None
    membership.save(update_fields=["status", "cancelled_at", "next_attempt_on"])
    _audit(AuditEvent.Action.CHANGE, membership, by=by, detail=detail)


def drips_left(membership: Membership, today: datetime.date) -> int:
    """The plan's drips still free in the month `today` falls in: the drips per month less the
    visits of its services booked, arrived or done in that month; 0 outside a month paid for
    (past due, paused, or a cancelled membership's month over)."""
    if not membership.runs_on(today):
        return 0
    zone = timezone.get_default_timezone()
    since = datetime.datetime.combine(membership.current_period_start, datetime.time(), zone)
    until = datetime.datetime.combine(membership.current_period_end, datetime.time(), zone)
    taken = Appointment.objects.filter(
        patient_email_hash=membership.payer_email_hash,
        service__in=membership.plan.services.all(),
        status__in=ACTIVE_STATUSES,
        starts_at__gte=since,
        starts_at__lt=until,
    ).count()
    return max(0, membership.plan.drips_per_month - taken)


def _audit(action, membership: Membership, *, by, detail: str) -> None:
    label = "" if by is not None else PATIENT_ITSELF
    record(action=action, actor=by, target=membership, detail=detail, actor_label=label)
