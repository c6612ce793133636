"""The owner's payment reports for a period, all read from the ledger: revenue (money received
less money given back) by day, by service, by location and by what it paid for; the refunds;
the deposits held now for visits still to come; and the package visits sold but not yet used.

Amounts are whole cents. A day is the clinic's local day (settings.TIME_ZONE)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from klearmind.booking.models import AppointmentStatus, Location, Service

from .documents import local_day_bounds, long_date
from .models import EntryKind, LedgerEntry, Package, PackageCredit, Purpose
from .money import dollars

# Money that moved: a payment in (negative), a refund out (positive). Credits and
# adjustments change what is owed without money moving, so they are no revenue.
MONEY_MOVED = (EntryKind.PAYMENT, EntryKind.REFUND)
# A deposit is held while its visit may still happen.
HELD_WHILE = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED)
NO_SERVICE = "Not tied to a service"
NO_LOCATION = "Not tied to a location"


@dataclass(frozen=True)
class Row:
    label: str
    cents: int
    entries: int = 0

    @property
    def amount(self) -> str:
        return dollars(self.cents)


@dataclass
class Section:
    """One table of the report: its rows and their total."""

    key: str
    title: str
    column: str  # what the rows are, for the table's first column
    rows: list[Row] = field(default_factory=list)
    note: str = ""
    count_label: str = "Entries"

    @property
    def total_cents(self) -> int:
        return sum(row.cents for row in self.rows)

    @property
    def total(self) -> str:
        return dollars(self.total_cents)


@dataclass
class PaymentReport:
    start: datetime.date
    end: datetime.date
    sections: list[Section]

    @property
    def covers(self) -> str:
        return f"{long_date(self.start)} to {long_date(self.end)}"

    def section(self, key: str) -> Section:
        return next(section for section in self.sections if section.key == key)


def in_period(start: datetime.date, end: datetime.date):
    first, after = local_day_bounds(start, end)
    return LedgerEntry.objects.filter(recorded_at__gte=first, recorded_at__lt=after)


def grouped(entries, key, labels: dict, missing: str) -> list[Row]:
    """Revenue rows of `entries` grouped by the expression `key`, labelled from `labels`."""
    found = (
        entries.annotate(group=key)
        .values("group")
        .annotate(cents=Sum("amount_cents"), entries=Count("pk"))
        .order_by("group")
    )
    rows = [Row(labels.get(row["group"], missing), -row["cents"], row["entries"]) for row in found]
    return sorted(rows, key=lambda row: (row.label == missing, row.label))


def revenue_by_day(entries) -> list[Row]:
    zone = timezone.get_current_timezone()
    found = (
        entries.annotate(day=TruncDate("recorded_at", tzinfo=zone))
        .values("day")
        .annotate(cents=Sum("amount_cents"), entries=Count("pk"))
        .order_by("day")
    )
    return [Row(long_date(row["day"]), -row["cents"], row["entries"]) for row in found]


def revenue_sections(start: datetime.date, end: datetime.date) -> list[Section]:
    moved = in_period(start, end).filter(kind__in=MONEY_MOVED)
    services = {service.pk: service.name for service in Service.objects.all()}
    locations = {location.pk: str(location) for location in Location.objects.select_related("page")}
    purposes = dict(Purpose.choices)
    note = "Money received less money given back, on the day it moved."
    return [
        Section("day", "Revenue by day", "Day", revenue_by_day(moved), note),
        Section(
            "service",
            "Revenue by service",
            "Service",
            grouped(moved, Coalesce("service", "appointment__service"), services, NO_SERVICE),
        ),
        Section(
            "location",
            "Revenue by location",
            "Location",
            grouped(moved, Coalesce("location", "appointment__location"), locations, NO_LOCATION),
        ),
        Section(
            "purpose",
            "Revenue by what it paid for",
            "For",
            grouped(moved, F("purpose"), purposes, "Other"),
            "Membership income is the row “Membership”; packages sold, the row “Package”.",
        ),
    ]


def refunds(start: datetime.date, end: datetime.date) -> Section:
    given_back = in_period(start, end).filter(kind=EntryKind.REFUND)
    rows = [
        Row(row.label, -row.cents, row.entries)
        for row in grouped(given_back, F("purpose"), dict(Purpose.choices), "Other")
    ]
    return Section("refunds", "Refunds", "For", rows, "Money given back in the period.")


def deposits_held() -> Section:
    """Deposits paid for visits that may still happen, less what went back, by location."""
    held = LedgerEntry.objects.filter(
        purpose=Purpose.DEPOSIT,
        kind__in=MONEY_MOVED,
        appointment__status__in=HELD_WHILE,
    )
    locations = {location.pk: str(location) for location in Location.objects.select_related("page")}
    rows = grouped(held, F("appointment__location"), locations, NO_LOCATION)
    return Section(
        "deposits",
        "Deposits held now",
        "Location",
        [row for row in rows if row.cents],
        "Deposits paid for visits not yet completed, cancelled or missed, less refunds: "
        "today's figure, whatever the period.",
    )


def unused_package_visits() -> Section:
    """The visits of open packages not used yet, at what they are worth (what cancelling the
    package would give back: `Package.value_of_unused`)."""
    left = (
        PackageCredit.objects.filter(package=OuterRef("pk"))
        .values("package")
        .annotate(left=Sum("change"))
        .values("left")
    )
    packages = (
        Package.objects.open()
        .select_related("plan")
        .annotate(left=Coalesce(Subquery(left, output_field=IntegerField()), 0))
        .filter(left__gt=0)
    )
    by_plan: dict[str, list[int]] = {}
    for package in packages:
        total = by_plan.setdefault(package.plan.name, [0, 0])
        total[0] += package.value_of_unused(package.left)
        total[1] += package.left
    rows = [Row(name, cents, visits) for name, (cents, visits) in sorted(by_plan.items())]
    return Section(
        "packages",
        "Package visits paid for and not yet used",
        "Package",
        rows,
        "Today's figure: the visits left on open packages, at what a cancellation would give "
        "back for them.",
        count_label="Visits left",
    )


# Further sections of the report: functions of (start, end) giving a Section, registered by
# whatever else keeps money the clinic owes its patients.
ReportSection = Callable[[datetime.date, datetime.date], Section]
_extra_sections: list[ReportSection] = []


def register_section(section: ReportSection) -> None:
    if section not in _extra_sections:
        _extra_sections.append(section)


def payment_report(start: datetime.date, end: datetime.date) -> PaymentReport:
    sections = revenue_sections(start, end)
    sections += [refunds(start, end), deposits_held(), unused_package_visits()]
    sections += [section_of(start, end) for section_of in _extra_sections]
    return PaymentReport(start, end, sections)


CSV_HEADER = ["Table", "Row", "Amount (USD)", "Count"]


def decimal_dollars(cents: int) -> str:
    """Cents as a spreadsheet reads a number: 1234.50, -20.00."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


def csv_rows(report: PaymentReport, cell: Callable[[str], str]) -> list[list]:
    """The report as rows of a spreadsheet, each table's total after its rows; `cell` makes
    text that a person typed (a service's or location's name) safe to open."""
    rows: list[list] = []
    for section in report.sections:
        for row in section.rows:
            rows.append([section.title, cell(row.label), decimal_dollars(row.cents), row.entries])
        rows.append([section.title, "Total", decimal_dollars(section.total_cents), ""])
    return rows
