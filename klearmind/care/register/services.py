"""Workflows of the controlled-substance register: stock received, a chart's dose drawn against a
vial or device, a correction, an inventory count and the review of its discrepancies. Each
appends rows in one transaction, with the vial's row locked so its running balance is one
chain, and writes its audit event in the same transaction; nothing here changes or deletes a
row (docs/decisions/021)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record

from ..models import (
    Container,
    CountLine,
    DiscrepancyReview,
    EntryKind,
    InfusionChart,
    InventoryCount,
    Product,
    RegisterEntry,
    StockReceipt,
)
from .models.entries import SPRAVATO_DEVICE_MG, ZERO

WITNESS_PERMISSION = "accounts.change_health_record"


def may_witness(user) -> bool:
    """Clinicians and the owner: whoever may change health records."""
    return user is not None and user.is_active and user.has_perm(WITNESS_PERMISSION)


def receive_stock(
    *,
    location,
    product: str,
    supplier: str,
    lot: str,
    expires_on: datetime.date,
    quantity: int,
    by,
    mg_per_ml: Decimal | None = None,
    ml_per_unit: Decimal | None = None,
    invoice_number: str = "",
    received_on: datetime.date | None = None,
    at: datetime.datetime | None = None,
    request=None,
) -> StockReceipt:
    """Record a delivery line: one receipt, one numbered container per vial or device, each
    opening its register with what it holds."""
    if product == Product.SPRAVATO_DEVICE:
        mg_per_ml = ml_per_unit = None
        mg_per_unit = SPRAVATO_DEVICE_MG
    else:
        mg_per_unit = mg_per_ml * ml_per_unit
    with transaction.atomic():
        receipt = StockReceipt.objects.create(
            location=location,
            product=product,
            supplier=supplier,
            invoice_number=invoice_number,
            lot=lot,
            expires_on=expires_on,
            mg_per_ml=mg_per_ml,
            ml_per_unit=ml_per_unit,
            mg_per_unit=mg_per_unit,
            quantity=quantity,
            received_by=by,
            **({"received_on": received_on} if received_on else {}),
        )
        record(
            action=AuditEvent.Action.CREATE,
            request=request,
            actor=by,
            target=receipt,
            detail=f"stock received: {receipt.quantity} × {receipt.product_label}",
        )
        for number in range(1, quantity + 1):
            container = Container.objects.create(receipt=receipt, number=number)
            append(
                container,
                kind=EntryKind.RECEIVED,
                change=mg_per_unit,
                by=by,
                recorded_at=InfusionChart.checked_time(at),
            )
        return receipt


def refusal(field: str | None, message: str, code: str, **params) -> ValidationError:
    """A coded refusal, tied to the form field it is about when there is one."""
    error = ValidationError(message, code=code, params=params or None)
    return ValidationError({field: error}) if field else error


def append(
    container: Container, *, kind: str, change: Decimal, by, field: str | None = None, **fields
) -> RegisterEntry:
    """Add one entry to a container's register; the balance after it may not fall below zero.
    Call inside a transaction: the container's row stays locked until it ends."""
    Container.objects.select_for_update().filter(pk=container.pk).first()
    last = container.entries.order_by("-sequence").first()
    balance = (last.balance_mg if last else ZERO) + change
    if balance < 0:
        raise refusal(
            field,
            "%(container)s holds %(held)s mg; %(asked)s mg cannot come out of it.",
            "exceeds_balance",
            container=container,
            held=balance - change,
            asked=-change,
        )
    return RegisterEntry.objects.create(
        container=container,
        sequence=(last.sequence + 1) if last else 1,
        kind=kind,
        change_mg=change,
        balance_mg=balance,
        recorded_by=by,
        **fields,
    )


def record_dose(
    *,
    chart: InfusionChart,
    container: Container,
    drawn_mg: Decimal,
    given_mg: Decimal,
    wasted_mg: Decimal,
    by,
    witness=None,
    at: datetime.datetime | None = None,
    request=None,
) -> RegisterEntry:
    """Draw (part of) a chart's dose from a vial or device: what was drawn, given and wasted;
    waste needs a second clinician as witness, whose password the form has checked. `at` is
    when it happened, if not now."""
    dose_refusals(chart, container, drawn_mg=drawn_mg, given_mg=given_mg, wasted_mg=wasted_mg)
    witness_refusals(by, witness, wasted_mg)
    with transaction.atomic():
        InfusionChart.objects.select_for_update().filter(pk=chart.pk).first()
        given_so_far = RegisterEntry.objects.for_chart(chart).standing().given_mg()
        if given_so_far + given_mg > chart.dose_mg:
            raise refusal(
                "given_mg",
                "The chart's dose is %(dose)s mg and %(so_far)s mg is recorded as given "
                "already: at most %(left)s mg more can be given.",
                "given_exceeds_dose",
                dose=chart.dose_mg,
                so_far=given_so_far,
                left=chart.dose_mg - given_so_far,
            )
        entry = append(
            container,
            kind=EntryKind.DOSE,
            change=-drawn_mg,
            by=by,
            field="drawn_mg",
            chart=chart,
            drawn_mg=drawn_mg,
            given_mg=given_mg,
            wasted_mg=wasted_mg,
            witness=witness if wasted_mg else None,
            recorded_at=InfusionChart.checked_time(at),
        )
        record(
            action=AuditEvent.Action.CREATE,
            request=request,
            actor=by,
            target=entry,
            detail=f"dose drawn for chart {chart.pk}",
        )
        return entry


def dose_refusals(chart, container, *, drawn_mg, given_mg, wasted_mg) -> None:
    receipt = container.receipt
    if chart.dose_mg is None:
        raise refusal(None, "Confirm the chart's dose first.", "dose_not_confirmed")
    needed = Product.for_medicine(chart.medicine)
    if receipt.product != needed:
        raise refusal(
            "container", "This chart needs a %(product)s.", "wrong_product", product=needed.label
        )
    location = chart.appointment.location_id if chart.appointment_id else None
    if location is not None and receipt.location_id != location:
        raise refusal(
            "container", "This vial or device is kept at another location.", "other_location"
        )
    if receipt.expires_on < chart.session_date:
        raise refusal("container", "This lot expired before the session.", "expired")
    if drawn_mg <= 0 or drawn_mg != given_mg + wasted_mg:
        raise refusal(
            "drawn_mg",
            "The amount drawn must be what was given plus what was wasted.",
            "drawn_not_given_plus_wasted",
        )
    if not receipt.is_vial and drawn_mg != receipt.mg_per_unit:
        raise refusal(
            "drawn_mg",
            "A Spravato device is used whole: 28 mg drawn, given or wasted.",
            "whole_device",
        )


def witness_refusals(by, witness, wasted_mg: Decimal) -> None:
    if not wasted_mg:
        return
    if witness is None:
        raise refusal("witness", "Waste must be witnessed by a second clinician.", "witness_needed")
    if witness.pk == by.pk:
        raise refusal(
            "witness",
            "The witness must be someone other than the person recording the dose.",
            "witness_same_person",
        )
    if not may_witness(witness):
        raise refusal("witness", "Only a clinician or the owner may witness waste.", "witness_role")


def reverse_entry(*, entry: RegisterEntry, reason: str, by, request=None) -> RegisterEntry:
    """Correct a mistaken entry with a new one that undoes it; the original stays as written."""
    if entry.kind == EntryKind.REVERSAL or entry.is_reversed:
        raise refusal(None, "This entry cannot be reversed again.", "already_reversed")
    if not reason.strip():
        raise refusal("reason", "Say why the entry is wrong.", "reason_needed")
    with transaction.atomic():
        reversal = append(
            entry.container,
            kind=EntryKind.REVERSAL,
            change=-entry.change_mg,
            by=by,
            reverses=entry,
            reason=reason.strip(),
        )
        record(
            action=AuditEvent.Action.CREATE,
            request=request,
            actor=by,
            target=reversal,
            detail=f"correction reversing register entry {entry.pk}",
        )
        return reversal


def record_count(
    *, location, by, counted: dict[int, tuple[Decimal, str]], notes: str = "", request=None
) -> InventoryCount:
    """One inventory count: every vial or device in stock at the location, as counted, beside
    the balance the register holds for it now. `counted` maps a container's key to its counted
    amount (mg) and the counter's reason for any difference."""
    with transaction.atomic():
        containers = list(Container.objects.at(location).in_stock().select_for_update(of=("self",)))
        missing = [c for c in containers if c.pk not in counted]
        if missing:
            raise refusal(
                None,
                "Count every vial and device in stock: %(missing)s not counted.",
                "count_incomplete",
                missing=", ".join(c.label for c in missing),
            )
        count = InventoryCount.objects.create(location=location, counted_by=by, notes=notes)
        for container in containers:
            amount, reason = counted[container.pk]
            CountLine.objects.create(
                count=count,
                container=container,
                expected_mg=container.balance_mg,
                counted_mg=amount,
                reason=reason.strip() if amount != container.balance_mg else "",
            )
        record(
            action=AuditEvent.Action.CREATE,
            request=request,
            actor=by,
            target=count,
            detail="inventory count",
        )
        return count


def review_discrepancy(
    *,
    line: CountLine,
    by,
    reason: str,
    adjust: bool,
    reported_to_dea: bool = False,
    request=None,
) -> DiscrepancyReview:
    """Close a discrepancy: someone other than the counter gives or accepts its reason and,
    with `adjust`, the register takes the counted amount through an adjustment entry."""
    if not line.is_open:
        raise refusal(None, "This line has no open discrepancy.", "not_open")
    if line.count.counted_by_id == by.pk:
        raise refusal(
            None,
            "Someone other than the person who counted must review the discrepancy.",
            "reviewer_same_person",
        )
    reason = reason.strip() or line.reason
    if not reason:
        raise refusal("reason", "Give the reason for the difference.", "no_reason")
    with transaction.atomic():
        review = DiscrepancyReview.objects.create(
            line=line,
            reason=reason,
            adjusted=adjust,
            reported_to_dea=reported_to_dea,
            reviewed_by=by,
        )
        if adjust:
            append(
                line.container,
                kind=EntryKind.ADJUSTMENT,
                change=line.difference_mg,
                by=by,
                count_line=line,
                reason=reason,
            )
        record(
            action=AuditEvent.Action.CHANGE,
            request=request,
            actor=by,
            target=review,
            detail="discrepancy reviewed",
        )
        return review
