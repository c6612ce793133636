"""The entries the back office writes by hand: a visit's charge, a payment taken in the clinic
and an owner's adjustment; and a payer's account read back with its running balance.

Each writer is idempotent: the entry's `idempotency_key` is unique in the ledger, so a second
click, a retried request or a second run of the demo finds the entry already written and
returns it instead of writing another. Each new entry is written to the audit log in the same
transaction."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record
from klearmind.booking.models import Appointment, AppointmentStatus
from klearmind.clinic.text import reject_control_characters

from .models import (
    CLINIC_METHODS,
    EntryKind,
    LedgerEntry,
    Method,
    Package,
    PackageCredit,
    Purpose,
)
from .money import dollars, to_cents

# A payment or an adjustment typed at the desk above this is a slip of the keyboard.
LARGEST_ENTRY_CENTS = 10_000_000  # $100,000.00
# Visits that may be charged: given, or about to be. A cancelled or missed visit is not.
CHARGEABLE = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED, AppointmentStatus.COMPLETED)
MEMO_MAX_LENGTH = LedgerEntry._meta.get_field("memo").max_length
KEY_MAX_LENGTH = LedgerEntry._meta.get_field("idempotency_key").max_length
# The most entries an account page lists; older ones are summed into one line.
ACCOUNT_LINES = 500


def visit_price_cents(appointment: Appointment) -> int:
    """What a visit costs: its price when booked (a drip and its add-ons) or else its service's
    price, with the home-visit fee."""
    price = appointment.price if appointment.price is not None else appointment.service.price
    return to_cents(price + appointment.dispatch_fee)


def visit_charge_key(appointment: Appointment) -> str:
    return f"charge:visit:appointment-{appointment.pk}"


def already_written(idempotency_key: str) -> LedgerEntry | None:
    """The entry written under this key, if any; ValueError for a key no entry could have."""
    if not idempotency_key or len(idempotency_key) > KEY_MAX_LENGTH or "\x00" in idempotency_key:
        raise ValueError("An idempotency key is 1 to 200 characters, without a null byte.")
    return LedgerEntry.objects.filter(idempotency_key=idempotency_key).first()


def charge_visit(appointment: Appointment, *, by, request=None) -> LedgerEntry:
    """The visit's charge at its price, written once: a second call returns the first entry."""
    key = visit_charge_key(appointment)
    if earlier := already_written(key):
        return earlier
    if appointment.status not in CHARGEABLE:
        raise ValidationError(
            "A cancelled or missed visit is not charged for: its fees are charged apart.",
            code="not_chargeable",
        )
    amount = visit_price_cents(appointment)
    if amount <= 0:
        raise ValidationError("This visit is free: there is nothing to charge.", code="free_visit")
    if paid_by_package(appointment):
        raise ValidationError(
            "A package the patient bought pays for this visit: it uses one of the package's "
            "visits when it is marked completed.",
            code="paid_by_package",
        )
    return append(
        idempotency_key=key,
        by=by,
        request=request,
        detail=f"visit charged: {dollars(amount)}",
        payer_email_hash=appointment.patient_email_hash,
        kind=EntryKind.CHARGE,
        purpose=Purpose.VISIT,
        amount_cents=amount,
        appointment=appointment,
    )


def record_clinic_payment(
    *,
    email_hash: str,
    amount_cents: int,
    method: str,
    by,
    appointment: Appointment | None = None,
    memo: str = "",
    idempotency_key: str,
    request=None,
) -> LedgerEntry:
    """A payment taken in the clinic (cash, the card terminal, an HSA or FSA card), written once
    per key; `amount_cents` is what was received, above zero."""
    if earlier := already_written(idempotency_key):
        return earlier
    check_amount(amount_cents, signed=False)
    if method not in CLINIC_METHODS:
        raise ValidationError(
            "In the clinic a payment is taken in cash, on the card terminal or with an HSA or "
            "FSA card.",
            code="not_a_clinic_method",
        )
    check_payer(email_hash, appointment)
    label = Method(method).label.lower()
    return append(
        idempotency_key=idempotency_key,
        by=by,
        request=request,
        detail=f"payment taken in the clinic ({label}): {dollars(amount_cents)}",
        payer_email_hash=email_hash,
        kind=EntryKind.PAYMENT,
        purpose=Purpose.VISIT if appointment is not None else Purpose.OTHER,
        method=method,
        amount_cents=-amount_cents,
        appointment=appointment,
        memo=checked_text(memo, required=False),
    )


def record_adjustment(
    *,
    email_hash: str,
    amount_cents: int,
    reason: str,
    by,
    appointment: Appointment | None = None,
    idempotency_key: str,
    request=None,
) -> LedgerEntry:
    """A correction of what the payer owes, with its reason: `amount_cents` above zero adds to
    it, below zero takes off. Written once per key."""
    if earlier := already_written(idempotency_key):
        return earlier
    check_amount(amount_cents, signed=True)
    check_payer(email_hash, appointment)
    return append(
        idempotency_key=idempotency_key,
        by=by,
        request=request,
        detail=f"adjustment: {dollars(amount_cents)}",
        payer_email_hash=email_hash,
        kind=EntryKind.ADJUSTMENT,
        purpose=Purpose.VISIT if appointment is not None else Purpose.OTHER,
        amount_cents=amount_cents,
        appointment=appointment,
        memo=checked_text(reason, required=True),
    )


def paid_by_package(appointment: Appointment) -> bool:
    """Whether the visit used a package's credit, or an open package of its service has one
    left for it (see `packages.use_credit`)."""
    if PackageCredit.objects.filter(appointment=appointment).exists():
        return True
    covering = Package.objects.of(appointment.patient_email_hash).open()
    covering = covering.covering(appointment.service_id)
    return any(package.credits_left() > 0 for package in covering)


def check_amount(amount_cents: int, *, signed: bool) -> None:
    if not isinstance(amount_cents, int) or isinstance(amount_cents, bool):
        raise TypeError("An amount is an int of cents.")
    if amount_cents == 0 or (amount_cents < 0 and not signed):
        raise ValidationError("Please enter an amount above zero.", code="amount_not_positive")
    if abs(amount_cents) > LARGEST_ENTRY_CENTS:
        raise ValidationError(
            "This is more than %(most)s: please check the amount.",
            code="amount_too_large",
            params={"most": dollars(LARGEST_ENTRY_CENTS)},
        )


def check_payer(email_hash: str, appointment: Appointment | None) -> None:
    if appointment is not None and appointment.patient_email_hash != email_hash:
        raise ValidationError(
            "This visit is on another person's account.", code="another_payers_visit"
        )


def checked_text(text: str, *, required: bool) -> str:
    text = text.strip()
    if required and not text:
        raise ValidationError("Please give the reason.", code="reason_required")
    if len(text) > MEMO_MAX_LENGTH:
        raise ValidationError(
            "Please keep it to %(most)d characters.",
            code="memo_too_long",
            params={"most": MEMO_MAX_LENGTH},
        )
    reject_control_characters(text)
    return text


def append(*, idempotency_key: str, by, request, detail: str, **fields) -> LedgerEntry:
    """Insert one entry under its key and audit it, or return the entry a concurrent request
    wrote under the same key a moment before."""
    appointment = fields.get("appointment")
    if appointment is not None:
        fields |= {"service": appointment.service, "location": appointment.location}
    with transaction.atomic():
        try:
            with transaction.atomic():
                entry = LedgerEntry.objects.create(
                    idempotency_key=idempotency_key, recorded_by=by, **fields
                )
        except IntegrityError:
            earlier = already_written(idempotency_key)
            if earlier is None:
                raise
            return earlier
        record(
            action=AuditEvent.Action.CREATE, request=request, actor=by, target=entry, detail=detail
        )
    return entry


@dataclass(frozen=True)
class Line:
    entry: LedgerEntry
    balance_cents: int  # what the payer owed once this entry was written

    @property
    def amount(self) -> str:
        return dollars(self.entry.amount_cents)

    @property
    def balance(self) -> str:
        return dollars(self.balance_cents)


@dataclass(frozen=True)
class Account:
    """A payer's entries, oldest first, each with the running balance, and what they owe now
    (positive) or have on account (negative)."""

    email_hash: str
    lines: list[Line] = field(default_factory=list)
    balance_cents: int = 0
    brought_forward_cents: int = 0  # the balance before the first line listed
    earlier_entries: int = 0  # how many older entries that sums up

    @property
    def balance(self) -> str:
        return dollars(self.balance_cents)

    @property
    def credit(self) -> str:
        return dollars(-self.balance_cents)

    @property
    def brought_forward(self) -> str:
        return dollars(self.brought_forward_cents)


def account(email_hash: str) -> Account:
    """The payer's account: the latest ACCOUNT_LINES entries and the balance of all of them."""
    entries = LedgerEntry.objects.of(email_hash)
    balance = entries.balance()
    total = entries.count()
    latest = list(
        entries.select_related(
            "service", "appointment__service", "appointment__location", "recorded_by"
        ).order_by("-recorded_at", "-pk")[:ACCOUNT_LINES]
    )
    latest.reverse()
    running = balance - sum(entry.amount_cents for entry in latest)
    brought_forward, lines = running, []
    for entry in latest:
        running += entry.amount_cents
        lines.append(Line(entry, running))
    return Account(email_hash, lines, balance, brought_forward, total - len(latest))
