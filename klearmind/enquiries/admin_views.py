"""Back-office screens for enquiries: the list, one enquiry, its status, and the CSV export.
Each checks its permission itself (with the second factor) and is written to the audit log."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from klearmind.accounts.access import protected_view
from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record
from klearmind.clinic.exports import csv_download, text_cell

from . import services
from .forms import EnquiryFilterForm, StatusForm
from .models import Enquiry

VIEW = "enquiries.view_enquiry"
CHANGE = "enquiries.change_enquiry"
EXPORT = "enquiries.export_enquiry"
PAGE_SIZE = 50
TARGET_TYPE = Enquiry._meta.label_lower
CSV_HEADER = ["Received", "Status", "Name", "E-mail", "Phone", "Message", "Answered", "Closed"]


@protected_view(VIEW)
def listing(request):
    filters = EnquiryFilterForm(request.GET if "status" in request.GET else {"status": "open"})
    enquiries = filters.filter(Enquiry.objects.select_related("answered_by", "closed_by"))
    page = Paginator(enquiries, PAGE_SIZE).get_page(request.GET.get("p"))
    record(
        action=AuditEvent.Action.VIEW,
        request=request,
        target_type=TARGET_TYPE,
        detail=f"list page {page.number}: " + ", ".join(str(e.pk) for e in page),
    )
    context = {"filters": filters, "listing": page}
    return TemplateResponse(request, "enquiries/admin/listing.html", context)


@protected_view(VIEW)
def detail(request, pk: int):
    enquiry = get_object_or_404(Enquiry.objects.select_related("answered_by", "closed_by"), pk=pk)
    record(action=AuditEvent.Action.VIEW, request=request, target=enquiry)
    context = {"enquiry": enquiry}
    if request.user.has_perm(CHANGE):
        context["status_form"] = StatusForm()
    return TemplateResponse(request, "enquiries/admin/detail.html", context)


@require_POST
@protected_view(CHANGE)
def change_status(request, pk: int):
    enquiry = get_object_or_404(Enquiry, pk=pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Please choose Answered or Closed.")
        return redirect("enquiries_admin:detail", pk)
    try:
        enquiry = services.change_status(
            enquiry=enquiry, to=form.cleaned_data["status"], by=request.user, request=request
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Marked {enquiry.get_status_display().lower()}.")
    return redirect("enquiries_admin:detail", pk)


@protected_view(EXPORT)
def export_csv(request):
    enquiries = list(Enquiry.objects.select_related("answered_by", "closed_by").order_by("pk"))
    record(
        action=AuditEvent.Action.EXPORT,
        request=request,
        target_type=TARGET_TYPE,
        detail=f"enquiries CSV: {len(enquiries)} rows",
    )
    rows = (csv_row(enquiry) for enquiry in enquiries)
    return csv_download(f"enquiries-{timezone.localdate()}.csv", rows, header=CSV_HEADER)


def csv_row(enquiry: Enquiry) -> list[str]:
    return [
        when(enquiry.created_at),
        enquiry.get_status_display(),
        text_cell(enquiry.name),
        text_cell(enquiry.email),
        text_cell(enquiry.phone),
        text_cell(enquiry.message),
        by_and_when(enquiry.answered_by, enquiry.answered_at),
        by_and_when(enquiry.closed_by, enquiry.closed_at),
    ]


def when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def by_and_when(user, moment) -> str:
    if moment is None:
        return ""
    who = user.get_username() if user else "a former member of staff"
    return text_cell(f"{when(moment)} by {who}")
