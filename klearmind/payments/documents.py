"""The documents a payer takes away, as PDFs made with reportlab (pure Python): an itemised
receipt, of one visit or of a period, and a superbill, the statement of services a patient
sends their insurer for an out-of-network claim.

The superbill's diagnoses are chosen by a clinician in the form that makes it and printed on
it alone: they are never kept in the ledger."""

import datetime
import io
from dataclasses import dataclass, field
from html import escape

from django.db.models import Q, Sum
from django.http import HttpResponse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from klearmind.booking.models import Appointment, AppointmentStatus
from klearmind.care.models import Patient
from klearmind.clinic.http import make_private

from .ledger import visit_price_cents
from .models import (
    BillingSettings,
    DiagnosisCode,
    EntryKind,
    LedgerEntry,
    PackageCredit,
    Purpose,
    ServiceCodes,
)
from .money import dollars as screen_dollars

# Place of service codes (CMS, "Place of Service Code Set").
OFFICE, HOME, TELEHEALTH_AT_HOME = "11", "12", "10"
PLACE_NAMES = {
    OFFICE: "Office",
    HOME: "Home",
    TELEHEALTH_AT_HOME: "Telehealth in the patient's home",
}
# Visits a superbill lists: the ones that took place.
GIVEN = (AppointmentStatus.COMPLETED, AppointmentStatus.ARRIVED)
MONEY_IN = (EntryKind.PAYMENT, EntryKind.CREDIT, EntryKind.REFUND)


def local_day_bounds(start: datetime.date, end: datetime.date):
    """The clinic's local midnight before `start` and after `end`."""
    zone = timezone.get_current_timezone()
    first = datetime.datetime.combine(start, datetime.time(0), tzinfo=zone)
    after = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time(0), tzinfo=zone
    )
    return first, after


def local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def dollars(cents: int) -> str:
    """Money as the documents print it: the PDF's standard fonts have no minus sign (U+2212),
    so a hyphen stands for it."""
    return screen_dollars(cents).replace("\u2212", "-")


def long_date(day: datetime.date) -> str:
    return date_format(day, "j F Y")


def short_date(day: datetime.date) -> str:
    return date_format(day, "j M Y")


@dataclass(frozen=True)
class Clinic:
    legal_name: str
    address: str
    tax_id: str
    group_npi: str

    @classmethod
    def load(cls) -> "Clinic":
        billing = BillingSettings.load()
        return cls(billing.legal_name, billing.billing_address, billing.tax_id, billing.group_npi)


def payer_name(email_hash: str) -> str:
    """The person's name as their latest booking gives it, else as their patient record does."""
    visit = Appointment.objects.filter(patient_email_hash=email_hash).order_by("-created_at")
    latest = visit.only("patient_name").first()
    if latest is not None:
        return latest.patient_name
    patient = Patient.objects.filter(email_hash=email_hash).only("full_name").first()
    return patient.full_name if patient is not None else ""


# Receipts


@dataclass(frozen=True)
class ReceiptLine:
    day: datetime.date
    what: str
    method: str
    amount_cents: int


@dataclass(frozen=True)
class Receipt:
    clinic: Clinic
    payer: str
    covers: str  # "Visit of 3 December 2026" or "1 to 31 December 2026"
    lines: list[ReceiptLine]
    paid_cents: int  # money received less money given back
    balance_cents: int
    balance_label: str
    issued: datetime.date = field(default_factory=timezone.localdate)


def describe(entry: LedgerEntry) -> str:
    """What an entry was for, in words: "Payment: visit, IV ketamine infusion on 3 December
    2026"."""
    what = f"{entry.get_kind_display()}: {entry.get_purpose_display().lower()}"
    service = entry.service or (entry.appointment.service if entry.appointment else None)
    if service is not None:
        what += f", {service.name}"
    if entry.appointment is not None:
        what += f" on {long_date(entry.appointment.local_start.date())}"
    if entry.kind == EntryKind.ADJUSTMENT and entry.memo:
        what += f" ({entry.memo})"
    return what


def receipt_lines(entries) -> list[ReceiptLine]:
    return [
        ReceiptLine(
            local_date(entry.recorded_at),
            describe(entry),
            entry.get_method_display() if entry.method else "",
            entry.amount_cents,
        )
        for entry in entries.select_related(
            "service", "appointment__service", "appointment__location"
        ).order_by("recorded_at", "pk")
    ]


def paid_cents(entries) -> int:
    """Money received less money given back: payments are negative entries, refunds positive."""
    total = entries.filter(kind__in=[EntryKind.PAYMENT, EntryKind.REFUND]).aggregate(
        total=Sum("amount_cents")
    )["total"]
    return -(total or 0)


def visit_receipt(appointment: Appointment) -> Receipt:
    entries = LedgerEntry.objects.filter(appointment=appointment)
    return Receipt(
        clinic=Clinic.load(),
        payer=appointment.patient_name,
        covers=f"Visit of {long_date(appointment.local_start.date())}",
        lines=receipt_lines(entries),
        paid_cents=paid_cents(entries),
        balance_cents=entries.balance(),
        balance_label="Balance of this visit",
    )


def period_receipt(email_hash: str, start: datetime.date, end: datetime.date) -> Receipt:
    first, after = local_day_bounds(start, end)
    account = LedgerEntry.objects.of(email_hash)
    entries = account.filter(recorded_at__gte=first, recorded_at__lt=after)
    return Receipt(
        clinic=Clinic.load(),
        payer=payer_name(email_hash),
        covers=f"{long_date(start)} to {long_date(end)}",
        lines=receipt_lines(entries),
        paid_cents=paid_cents(entries),
        balance_cents=account.filter(recorded_at__lt=after).balance(),
        balance_label=f"Account balance at the end of {long_date(end)}",
    )


# Superbills


@dataclass
class SuperbillVisit:
    appointment: Appointment
    codes: list[str]  # the codes its service may be billed under, the usual one first

    @property
    def pk(self) -> int:
        return self.appointment.pk

    @property
    def day(self) -> datetime.date:
        return self.appointment.local_start.date()

    @property
    def place(self) -> str:
        if self.appointment.at_home:
            return HOME
        return TELEHEALTH_AT_HOME if self.appointment.by_phone else OFFICE


def superbill_visits(email_hash: str, start: datetime.date, end: datetime.date):
    """The payer's visits that took place in the period, oldest first, each with its codes."""
    first, after = local_day_bounds(start, end)
    visits = (
        Appointment.objects.filter(
            patient_email_hash=email_hash,
            status__in=GIVEN,
            starts_at__gte=first,
            starts_at__lt=after,
        )
        .select_related("service", "location", "provider__billing")
        .order_by("starts_at")
    )
    codes = {
        row.service_id: row.code_list()
        for row in ServiceCodes.objects.filter(service__in={visit.service_id for visit in visits})
    }
    return [SuperbillVisit(visit, codes.get(visit.service_id, [])) for visit in visits]


@dataclass(frozen=True)
class SuperbillLine:
    day: datetime.date
    place: str
    provider: str
    provider_npi: str
    codes: list[str]
    charge_cents: int
    paid_cents: int


@dataclass(frozen=True)
class Superbill:
    clinic: Clinic
    patient: str
    date_of_birth: datetime.date | None
    diagnoses: list[DiagnosisCode]
    lines: list[SuperbillLine]
    issued: datetime.date = field(default_factory=timezone.localdate)

    @property
    def charges_cents(self) -> int:
        return sum(line.charge_cents for line in self.lines)

    @property
    def paid_cents(self) -> int:
        return sum(line.paid_cents for line in self.lines)


def visit_money(appointment: Appointment) -> tuple[int, int]:
    """A visit's charge (as charged, else its price) and what was paid towards it. A visit a
    package paid for cost the package's price per visit, paid when the package was bought."""
    used = PackageCredit.objects.filter(appointment=appointment).select_related("package")
    if credit := used.first():
        per_visit = credit.package.price_cents // credit.package.visits
        return per_visit, per_visit
    entries = LedgerEntry.objects.filter(appointment=appointment)
    totals = entries.aggregate(
        charged=Sum("amount_cents", filter=Q(kind=EntryKind.CHARGE, purpose=Purpose.VISIT)),
        moved=Sum("amount_cents", filter=Q(kind__in=MONEY_IN)),
    )
    charged = totals["charged"] or visit_price_cents(appointment)
    return charged, -(totals["moved"] or 0)


def superbill(
    email_hash: str,
    visits: list[SuperbillVisit],
    *,
    codes: dict[int, list[str]],
    diagnoses,
) -> Superbill:
    """The superbill of `visits` that have a code in `codes` (by visit id), with `diagnoses`."""
    patient = Patient.objects.filter(email_hash=email_hash).first()
    lines = []
    for visit in visits:
        if not codes.get(visit.pk):
            continue
        appointment = visit.appointment
        billing = getattr(appointment.provider, "billing", None)
        charge, paid = visit_money(appointment)
        lines.append(
            SuperbillLine(
                visit.day,
                visit.place,
                appointment.provider.name,
                billing.npi if billing else "",
                codes[visit.pk],
                charge,
                paid,
            )
        )
    return Superbill(
        clinic=Clinic.load(),
        patient=patient.full_name if patient else payer_name(email_hash),
        date_of_birth=patient.date_of_birth if patient else None,
        diagnoses=list(diagnoses),
        lines=lines,
    )


# Drawing


def text(value) -> str:
    """Escaped for reportlab's paragraph markup, which would otherwise read tags in it."""
    return escape(str(value).replace("\x00", ""), quote=False)


class Page:
    """The story of one document, in the clinic's letterhead."""

    def __init__(self, title: str):
        self.styles = getSampleStyleSheet()
        self.styles["Title"].alignment = TA_LEFT  # in line with the address under it
        self.title = title
        self.story = []

    def paragraph(self, value: str, style: str = "BodyText") -> None:
        self.story.append(Paragraph(text(value), self.styles[style]))

    def heading(self, value: str) -> None:
        self.paragraph(value, "Heading2")

    def letterhead(self, clinic: Clinic) -> None:
        self.paragraph(clinic.legal_name or "The clinic", "Title")
        for line in clinic.address.splitlines():
            if line.strip():
                self.paragraph(line.strip())
        ids = [f"Tax ID (EIN) {clinic.tax_id}" if clinic.tax_id else ""]
        ids.append(f"Group NPI {clinic.group_npi}" if clinic.group_npi else "")
        if any(ids):
            self.paragraph(" · ".join(part for part in ids if part))
        self.story.append(Spacer(1, 0.2 * inch))
        self.paragraph(self.title, "Heading1")

    def facts(self, rows: list[tuple[str, str]]) -> None:
        self.table([[label, value] for label, value in rows], widths=[2.6 * inch, 3.9 * inch])

    def table(self, rows, *, widths, header: list[str] | None = None, right=()) -> None:
        body = self.styles["BodyText"]
        cells = [[Paragraph(text(cell), body) for cell in row] for row in rows]
        if header:
            cells.insert(0, [Paragraph(f"<b>{text(cell)}</b>", body) for cell in header])
        table = Table(cells, colWidths=widths, hAlign="LEFT", repeatRows=1 if header else 0)
        style = [("VALIGN", (0, 0), (-1, -1), "TOP")]
        if header:
            style.append(("LINEBELOW", (0, 0), (-1, 0), 0.75, colors.black))
        style += [("ALIGN", (column, 0), (column, -1), "RIGHT") for column in right]
        table.setStyle(TableStyle(style))
        self.story.append(table)

    def build(self, *, subject: str) -> bytes:
        buffer = io.BytesIO()
        document = SimpleDocTemplate(
            buffer, pagesize=LETTER, title=self.title, author="", subject=subject
        )
        document.build(self.story)
        return buffer.getvalue()


def receipt_pdf(receipt: Receipt) -> bytes:
    page = Page("Receipt")
    page.letterhead(receipt.clinic)
    page.facts(
        [
            ("Received from", receipt.payer or "Not known"),
            ("Covers", receipt.covers),
            ("Issued", long_date(receipt.issued)),
        ]
    )
    page.story.append(Spacer(1, 0.2 * inch))
    rows = [
        [short_date(line.day), line.what, line.method, dollars(line.amount_cents)]
        for line in receipt.lines
    ]
    if not rows:
        rows = [["", "Nothing was charged or paid in this period.", "", ""]]
    page.table(
        rows,
        header=["Date", "What", "Paid by", "Amount"],
        widths=[0.95 * inch, 3.3 * inch, 1.45 * inch, 0.95 * inch],
        right=(3,),
    )
    page.story.append(Spacer(1, 0.2 * inch))
    page.facts(
        [
            ("Total paid", dollars(receipt.paid_cents)),
            (receipt.balance_label, balance_words(receipt.balance_cents)),
        ]
    )
    page.paragraph("Amounts owed are shown as they are; payments and credits with a minus sign.")
    return page.build(subject=f"Receipt: {receipt.covers}")


def balance_words(cents: int) -> str:
    if cents > 0:
        return f"{dollars(cents)} owed"
    if cents < 0:
        return f"{dollars(-cents)} in credit"
    return dollars(0)


def superbill_pdf(bill: Superbill) -> bytes:
    page = Page("Superbill")
    page.letterhead(bill.clinic)
    page.paragraph(
        "A statement of services for the patient to send to their health plan with an "
        "out-of-network claim. The clinic is not in the plan's network and does not file the "
        "claim."
    )
    born = long_date(bill.date_of_birth) if bill.date_of_birth else "Not on file"
    page.facts(
        [("Patient", bill.patient or "Not known"), ("Date of birth", born)]
        + [("Issued", long_date(bill.issued))]
    )
    page.heading("Diagnoses (ICD-10-CM)")
    letters = [chr(ord("A") + n) for n in range(len(bill.diagnoses))]
    pairs = zip(letters, bill.diagnoses, strict=True)
    page.table(
        [[letter, code.code, code.description] for letter, code in pairs],
        header=["", "Code", "Description"],
        widths=[0.4 * inch, 0.9 * inch, 5.2 * inch],
    )
    page.heading("Services")
    pointer = ", ".join(letters)
    page.table(
        [
            [
                short_date(line.day),
                f"{line.place} {PLACE_NAMES[line.place]}",
                f"{line.provider}, NPI {line.provider_npi or 'not on file'}",
                ", ".join(line.codes),
                pointer,
                dollars(line.charge_cents),
                dollars(line.paid_cents),
            ]
            for line in bill.lines
        ],
        header=["Date", "Place of service", "Provider", "CPT/HCPCS", "Diagnosis", "Charge", "Paid"],
        widths=[
            0.85 * inch,
            0.85 * inch,
            1.45 * inch,
            1.0 * inch,
            0.85 * inch,
            0.75 * inch,
            0.75 * inch,
        ],
        right=(5, 6),
    )
    page.story.append(Spacer(1, 0.2 * inch))
    page.facts(
        [
            ("Total charges", dollars(bill.charges_cents)),
            ("Total paid", dollars(bill.paid_cents)),
            ("Balance", dollars(bill.charges_cents - bill.paid_cents)),
        ]
    )
    page.story.append(Spacer(1, 0.4 * inch))
    page.paragraph("Provider's signature: ______________________________   Date: ____________")
    return page.build(subject="Superbill")


def pdf_download(content: bytes, name: str) -> HttpResponse:
    """A PDF attachment; `name` holds dates and numbers only, never health information.
    Private: never kept by a cache."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return make_private(response)
