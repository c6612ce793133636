"""The signed-in person's money in the portal: what they owe or have in credit, each payment and
refund, a receipt for the year to download, the visits left on their packages, and their
IV-hydration membership, which they may cancel here at any time."""

import datetime

from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from klearmind.payments import documents, memberships
from klearmind.payments.models import LedgerEntry, Membership
from klearmind.payments.money import dollars
from klearmind.payments.plan_summary import membership_rows, package_rows

from . import overview
from .views import audit_export, audit_view, signed_in

ENTRIES_SHOWN = 50


def balance_words(cents: int) -> str:
    if cents > 0:
        return f"You owe {dollars(cents)}."
    if cents < 0:
        return f"You have {dollars(-cents)} in credit with the clinic."
    return "You owe nothing."


def entry_rows(email_hash: str) -> list[dict]:
    entries = (
        LedgerEntry.objects.of(email_hash)
        .select_related("service", "appointment__service", "appointment__location")
        .order_by("-recorded_at", "-pk")[:ENTRIES_SHOWN]
    )
    return [
        {
            "day": timezone.localtime(entry.recorded_at).date(),
            "what": documents.describe(entry),
            "method": entry.get_method_display() if entry.method else "",
            "amount": dollars(entry.amount_cents),
        }
        for entry in entries
    ]


@signed_in
def payments(request, person: str):
    context = {
        "balance": balance_words(LedgerEntry.objects.of(person).balance()),
        "entries": entry_rows(person),
        "packages": package_rows(person),
        "memberships": membership_rows(person),
        "year": timezone.localdate().year,
        "cancelled": "cancelled" in request.GET,
    }
    audit_view(request, person, overview.patient_of(person), "patient portal: payments")
    return TemplateResponse(request, "portal/payments.html", context)


@signed_in
def receipt(request, person: str):
    """This year's payments and refunds as an itemised receipt (a PDF), audited as an export."""
    today = timezone.localdate()
    start = datetime.date(today.year, 1, 1)
    content = documents.receipt_pdf(documents.period_receipt(person, start, today))
    audit_export(request, person, overview.patient_of(person), "patient portal: receipt")
    return documents.pdf_download(content, f"receipt-{start:%Y-%m-%d}-to-{today:%Y-%m-%d}.pdf")


@require_POST
@signed_in
def cancel_membership(request, person: str, pk: int):
    """The member ends their membership: nothing more is charged; the month paid runs on."""
    membership = get_object_or_404(Membership.objects.of(person), pk=pk)
    memberships.cancel(membership)  # cancelling again does nothing
    return redirect(reverse("portal:payments") + "?cancelled=1")
