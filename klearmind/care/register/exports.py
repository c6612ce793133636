"""The controlled-substance register for an inspector: the whole register, and one inventory
count, as CSV. Each needs export_health_record and is written to the audit log."""

import datetime

from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone

from klearmind.accounts.access import protected_view
from klearmind.audit.models import AuditEvent
from klearmind.clinic.exports import csv_download, csv_stream, text_cell

from ..outcomes.forms import chosen_period
from .models import CountLine, InventoryCount, RegisterEntry
from .views import EXPORT, audit

CSV_HEADER = [
    "Recorded at",
    "Location",
    "Product",
    "Strength",
    "Supplier",
    "Lot",
    "Expires",
    "Vial or device",
    "Entry",
    "Patient",
    "Chart",
    "Drawn (mg)",
    "Given (mg)",
    "Wasted (mg)",
    "Change (mg)",
    "Balance (mg)",
    "Balance (mL)",
    "Recorded by",
    "Witness",
    "Reason",
    "Corrects entry",
]


def person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def csv_row(entry: RegisterEntry) -> list:
    item, receipt = entry.container, entry.container.receipt
    ml = item.in_ml(entry.balance_mg)
    chart = entry.chart
    return [
        timezone.localtime(entry.recorded_at).strftime("%Y-%m-%d %H:%M"),
        text_cell(str(receipt.location)),
        receipt.product_label,
        receipt.strength,
        text_cell(receipt.supplier),
        text_cell(receipt.lot),
        receipt.expires_on.isoformat(),
        item.label,
        entry.get_kind_display(),
        text_cell(chart.patient.full_name) if chart else "",
        chart.pk if chart else "",
        entry.drawn_mg,
        entry.given_mg,
        entry.wasted_mg,
        entry.change_mg,
        entry.balance_mg,
        "" if ml is None else ml,
        text_cell(person(entry.recorded_by)),
        text_cell(person(entry.witness)),
        text_cell(entry.reason),
        entry.reverses_id or "",
    ]


def day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@protected_view(EXPORT)
def export_csv(request):
    """The entries recorded in a period (the last 90 days unless one is given), streamed as
    they are read, in chunks: years of register never sit in memory at once. A period that
    is not one goes back to the register's page, where the form says what is wrong."""
    form, period = chosen_period(request.GET)
    if period is None:
        return redirect(f"{reverse('care_admin:register')}?{request.GET.urlencode()}#export")
    start, end = period
    entries = (
        RegisterEntry.objects.for_page()
        .filter(
            recorded_at__gte=day_start(start),
            recorded_at__lt=day_start(end + datetime.timedelta(days=1)),
        )
        .order_by("recorded_at", "pk")
    )
    audit(
        request,
        AuditEvent.Action.EXPORT,
        detail=f"controlled-substance register CSV {start} to {end}",
    )
    name = f"controlled-substance-register-{start}-to-{end}.csv"
    rows = (csv_row(entry) for entry in entries.iterator(chunk_size=500))
    return csv_stream(name, rows, header=CSV_HEADER)


COUNT_CSV_HEADER = [
    "Location",
    "Counted at",
    "Counted by",
    "Vial or device",
    "Product",
    "Lot",
    "Expires",
    "Expected (mg)",
    "Counted (mg)",
    "Difference (mg)",
    "Counter's reason",
    "Reviewed by",
    "Review",
    "Register adjusted",
    "Reported to the DEA",
]


def count_csv_row(count: InventoryCount, line: CountLine) -> list:
    receipt = line.container.receipt
    review = getattr(line, "review", None)
    return [
        text_cell(str(count.location)),
        timezone.localtime(count.counted_at).strftime("%Y-%m-%d %H:%M"),
        text_cell(person(count.counted_by)),
        line.container.label,
        receipt.product_label,
        text_cell(receipt.lot),
        receipt.expires_on.isoformat(),
        line.expected_mg,
        line.counted_mg,
        line.difference_mg,
        text_cell(line.reason),
        text_cell(person(review.reviewed_by)) if review else "",
        text_cell(review.reason) if review else ("open" if line.is_discrepancy else ""),
        ("yes" if review.adjusted else "no") if review else "",
        ("yes" if review.reported_to_dea else "no") if review else "",
    ]


@protected_view(EXPORT)
def count_csv(request, pk: int):
    inventory = get_object_or_404(
        InventoryCount.objects.select_related("location__page", "counted_by"), pk=pk
    )
    lines = inventory.lines.select_related("container__receipt", "review__reviewed_by")
    audit(request, AuditEvent.Action.EXPORT, target=inventory, detail="inventory count CSV")
    name = f"inventory-count-{inventory.pk}-{timezone.localtime(inventory.counted_at):%Y-%m-%d}.csv"
    rows = (count_csv_row(inventory, line) for line in lines.order_by("pk"))
    return csv_download(name, rows, header=COUNT_CSV_HEADER)
