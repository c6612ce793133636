"""The back office's payment screens: finding a payer, their account, charging a visit,
recording a payment taken in the clinic or an adjustment, receipts and superbills, and the
owner's reports. Each checks its permission itself and writes what it shows of a person's
money, and every document it hands out, to the audit log.

An account is opened from one of the payer's visits (`visit/<id>/`) or, for a payer who has
none, from one of their ledger entries (`entry/<id>/`): the payer's e-mail hash never appears
in an address."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from klearmind.accounts.access import protected_view
from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record
from klearmind.booking.hooks import CallerSearch
from klearmind.booking.models import Appointment
from klearmind.care.models import Patient
from klearmind.clinic.exports import csv_download, text_cell

from . import cards, documents, ledger, plan_summary, reports
from .forms import AdjustmentForm, ClinicPaymentForm, SuperbillForm, chosen_period
from .models import LedgerEntry
from .money import dollars

LEDGER = "payments.view_ledger"
RECORD = "payments.record_payment"
ADJUST = "payments.record_adjustment"
SUPERBILL = "payments.make_superbill"
REPORTS = "payments.view_payment_reports"
CONTACT = "accounts.view_patient_contact"
FOUND_AT_MOST = 10
VISITS_SHOWN = 20
LONGEST_SEARCH = 254


@dataclass(frozen=True)
class Payer:
    """Whose account a screen is about, and the visit or entry it was opened from."""

    email_hash: str
    by: str  # "visit" or "entry"
    pk: int
    visit: Appointment | None = None

    def url(self, name: str = "account") -> str:
        return reverse(f"payments_admin:{name}", args=[self.by, self.pk])

    @property
    def audit_target(self) -> dict:
        return {"target_type": f"payments.account_by_{self.by}", "target_id": str(self.pk)}


def visit_of(pk: int) -> Appointment:
    return get_object_or_404(
        Appointment.objects.select_related("service", "location__page", "provider"), pk=pk
    )


def payer_from(by: str, pk: int) -> Payer:
    if by == "visit":
        visit = visit_of(pk)
        return Payer(visit.patient_email_hash, by, pk, visit)
    entry = get_object_or_404(LedgerEntry, pk=pk)
    return Payer(entry.payer_email_hash, by, pk)


# Finding a payer


@protected_view(LEDGER)
def find(request):
    """Find a payer by whole e-mail, phone number or name (the desk's finder, decision 038),
    posted, never in a URL; each search audited without what was typed."""
    typed = (
        request.POST.get("find", "").strip()[:LONGEST_SEARCH] if request.method == "POST" else ""
    )
    search = CallerSearch.read(typed)
    context = {"find": typed, "may_report": request.user.has_perm(REPORTS), "payers": None}
    if search is not None:
        context["payers"] = found_payers(search)
        context["caller_search"] = search
        record(
            action=AuditEvent.Action.VIEW,
            request=request,
            target_type="payments.payer_search",
            detail=f"searched by {search.label} for a payer: {len(context['payers'])} found",
        )
    context["show_names"] = request.user.has_perm(CONTACT)
    return TemplateResponse(request, "payments/admin/find.html", context)


@dataclass(frozen=True)
class FoundPayer:
    name: str
    latest_visit: Appointment | None
    visits: int
    balance: str
    url: str


def found_payers(search: CallerSearch) -> list[FoundPayer]:
    hashes = payer_hashes(search)
    found = []
    for email_hash in hashes[:FOUND_AT_MOST]:
        visits = Appointment.objects.filter(patient_email_hash=email_hash)
        latest = visits.select_related("service").order_by("-starts_at").first()
        entry = LedgerEntry.objects.of(email_hash).first()
        if latest is None and entry is None:
            continue
        url = reverse(
            "payments_admin:account",
            args=["visit", latest.pk] if latest else ["entry", entry.pk],
        )
        name = latest.patient_name if latest else documents.payer_name(email_hash)
        balance = dollars(LedgerEntry.objects.of(email_hash).balance())
        found.append(FoundPayer(name, latest, visits.count(), balance, url))
    return found


def payer_hashes(search: CallerSearch) -> list[str]:
    """The e-mail hashes of the people the search finds, in bookings and patient records."""
    if search.kind == "email":
        return list(search.hashes)
    booked = Appointment.objects.filter(search.lookup("patient_")).order_by("-created_at")
    hashes = list(booked.values_list("patient_email_hash", flat=True)[: FOUND_AT_MOST * 10])
    hashes += Patient.objects.filter(search.lookup()).values_list("email_hash", flat=True)[
        :FOUND_AT_MOST
    ]
    return list(dict.fromkeys(hashes))


# The account


@protected_view(LEDGER)
def account(request, by: str, pk: int):
    payer = payer_from(by, pk)
    history = ledger.account(payer.email_hash)
    record(
        action=AuditEvent.Action.VIEW,
        request=request,
        **payer.audit_target,
        detail=f"payer's account: {len(history.lines)} entries shown",
    )
    visits = list(
        Appointment.objects.filter(patient_email_hash=payer.email_hash)
        .select_related("service", "location__page")
        .order_by("-starts_at")[:VISITS_SHOWN]
    )
    charged = set(
        LedgerEntry.objects.filter(
            idempotency_key__in=[ledger.visit_charge_key(visit) for visit in visits]
        ).values_list("appointment_id", flat=True)
    )
    for visit in visits:
        visit.charged = visit.pk in charged
        visit.price_shown = dollars(ledger.visit_price_cents(visit))
    context = {
        "payer": payer,
        "visit": payer.visit,
        "name": documents.payer_name(payer.email_hash),
        "account": history,
        "lines": [(line, documents.describe(line.entry)) for line in history.lines],
        "visits": visits,
        "charge": chargeable(payer.visit, charged),
        "deposit": dollars(due) if (due := cards.deposit_to_charge(payer.visit)) else "",
        "packages": plan_summary.package_rows(payer.email_hash),
        "memberships": plan_summary.membership_rows(payer.email_hash),
        "show_names": request.user.has_perm(CONTACT),
        "may_record": request.user.has_perm(RECORD),
        "may_adjust": request.user.has_perm(ADJUST),
        "may_superbill": request.user.has_perm(SUPERBILL),
    }
    return TemplateResponse(request, "payments/admin/account.html", context)


def chargeable(visit: Appointment | None, charged: set) -> str:
    """The visit's price when "Charge for this visit" would succeed now, else ""."""
    if visit is None or visit.pk in charged or visit.status not in ledger.CHARGEABLE:
        return ""
    price = ledger.visit_price_cents(visit)
    if price <= 0 or ledger.paid_by_package(visit):
        return ""
    return dollars(price)


@require_POST
@protected_view(RECORD)
def charge(request, pk: int):
    visit = visit_of(pk)
    earlier = ledger.already_written(ledger.visit_charge_key(visit))
    try:
        entry = ledger.charge_visit(visit, by=request.user, request=request)
    except ValidationError as refusal:
        messages.error(request, refusal.messages[0])
    else:
        amount = dollars(entry.amount_cents)
        done = f"This visit was already charged ({amount})." if earlier else f"Charged: {amount}."
        messages.success(request, done)
    return redirect("payments_admin:account", "visit", pk)


def entry_form(request, payer: Payer, form_class, *, write, title: str, template_context: dict):
    """Draw, check and send the payment or adjustment form; one entry per form drawn."""
    form = form_class(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            key = f"{template_context['key']}:{payer.by}-{payer.pk}:{form.cleaned_data['token']}"
            repeated = ledger.already_written(key) is not None
            try:
                entry = write(form.cleaned_data, key)
            except ValidationError as refusal:
                form.add_error(None, refusal)
            else:
                what = f"{entry.get_kind_display().lower()} of {dollars(shown_amount(entry))}"
                messages.success(
                    request,
                    f"This form was already sent: the {what} is recorded once."
                    if repeated
                    else f"Recorded: {what}.",
                )
                return redirect(payer.url())
        status = 400
    context = {
        "payer": payer,
        "visit": payer.visit,
        "form": form,
        "title": title,
        "name": documents.payer_name(payer.email_hash),
        "show_names": request.user.has_perm(CONTACT),
        "balance": dollars(LedgerEntry.objects.of(payer.email_hash).balance()),
        **template_context,
    }
    return TemplateResponse(request, "payments/admin/entry_form.html", context, status=status)


def shown_amount(entry: LedgerEntry) -> int:
    """A payment as the money received; an adjustment with its sign."""
    return entry.amount_cents if entry.kind == "adjustment" else abs(entry.amount_cents)


@protected_view(RECORD)
def payment(request, by: str, pk: int):
    payer = payer_from(by, pk)

    def write(data, key):
        return ledger.record_clinic_payment(
            email_hash=payer.email_hash,
            amount_cents=data["amount"],
            method=data["method"],
            memo=data["memo"],
            appointment=payer.visit,
            by=request.user,
            idempotency_key=key,
            request=request,
        )

    return entry_form(
        request,
        payer,
        ClinicPaymentForm,
        write=write,
        title="Record a payment taken in the clinic",
        template_context={"key": "clinic-payment", "action": "Record the payment"},
    )


@protected_view(ADJUST)
def adjustment(request, by: str, pk: int):
    payer = payer_from(by, pk)

    def write(data, key):
        return ledger.record_adjustment(
            email_hash=payer.email_hash,
            amount_cents=data["amount"],
            reason=data["reason"],
            appointment=payer.visit,
            by=request.user,
            idempotency_key=key,
            request=request,
        )

    return entry_form(
        request,
        payer,
        AdjustmentForm,
        write=write,
        title="Adjustment",
        template_context={"key": "adjustment", "action": "Record the adjustment"},
    )


# Documents


@protected_view(LEDGER)
def receipt(request, by: str, pk: int):
    """The receipt of the visit (`?scope=visit`) or of a period (`?start=…&end=…`); without
    either, the page that asks which."""
    payer = payer_from(by, pk)
    if payer.visit is not None and request.GET.get("scope") == "visit":
        made = documents.visit_receipt(payer.visit)
        detail, name = f"receipt of visit {pk}", f"receipt-visit-{pk}.pdf"
    else:
        form = chosen_period(request.GET, until=visit_day(payer))
        if "start" not in request.GET or form.period is None:
            status = 400 if "start" in request.GET else 200
            context = {"payer": payer, "visit": payer.visit, "form": form}
            return TemplateResponse(request, "payments/admin/receipt.html", context, status=status)
        start, end = form.period
        made = documents.period_receipt(payer.email_hash, start, end)
        detail, name = f"receipt {start} to {end}", f"receipt-{start}-to-{end}.pdf"
    record(action=AuditEvent.Action.EXPORT, request=request, **payer.audit_target, detail=detail)
    return documents.pdf_download(documents.receipt_pdf(made), name)


def visit_day(payer: Payer):
    return payer.visit.local_start.date() if payer.visit is not None else timezone.localdate()


@protected_view(SUPERBILL)
def superbill(request, by: str, pk: int):
    """Choose the period (a GET), then the diagnoses and codes (a POST, so that the diagnoses
    never appear in an address or a log); the POST answers with the PDF."""
    payer = payer_from(by, pk)
    source = request.POST if request.method == "POST" else request.GET
    day = visit_day(payer)
    period = chosen_period(source, days=1, until=day) if by == "visit" else chosen_period(source)
    context = {"payer": payer, "visit": payer.visit, "period": period, "form": None}
    if period.period is None:
        return TemplateResponse(request, "payments/admin/superbill.html", context, status=400)
    start, end = period.period
    visits = documents.superbill_visits(payer.email_hash, start, end)
    form = SuperbillForm(request.POST if request.method == "POST" else None, visits=visits)
    context |= {
        "form": form,
        "start": start,
        "end": end,
        "name": documents.payer_name(payer.email_hash),
    }
    if request.method == "POST" and form.is_valid():
        chosen = form.codes_by_visit()
        bill = documents.superbill(
            payer.email_hash, visits, codes=chosen, diagnoses=form.cleaned_data["diagnoses"]
        )
        record(
            action=AuditEvent.Action.EXPORT,
            request=request,
            **payer.audit_target,
            detail=f"superbill {start} to {end}: {len(bill.lines)} visits",
        )
        return documents.pdf_download(
            documents.superbill_pdf(bill), f"superbill-{start}-to-{end}.pdf"
        )
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, "payments/admin/superbill.html", context, status=status)


# Reports


@protected_view(REPORTS)
def report(request):
    form = chosen_period(request.GET)
    period = form.period
    made = reports.payment_report(*period) if period else None
    record(
        action=AuditEvent.Action.VIEW,
        request=request,
        target_type="payments.report",
        detail=f"payment report {period[0]} to {period[1]}" if period else "payment report",
    )
    context = {"form": form, "report": made}
    return TemplateResponse(
        request, "payments/admin/report.html", context, status=200 if period else 400
    )


@protected_view(REPORTS)
def report_csv(request):
    form = chosen_period(request.GET)
    if form.period is None:
        return redirect(f"{reverse('payments_admin:report')}?{request.GET.urlencode()}")
    start, end = form.period
    made = reports.payment_report(start, end)
    record(
        action=AuditEvent.Action.EXPORT,
        request=request,
        target_type="payments.report",
        detail=f"payment report CSV {start} to {end}",
    )
    rows = reports.csv_rows(made, text_cell)
    return csv_download(f"payments-{start}-to-{end}.csv", rows, header=reports.CSV_HEADER)
