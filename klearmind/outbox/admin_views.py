"""The owner's screen of outgoing messages: the list with a status filter, and the retry of a
failed message. Recipients show in full only to whoever may see patients' contact details;
every view is written to the audit log."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from klearmind.accounts.access import protected_view
from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record

from . import services
from .models import OutgoingMessage, Status

VIEW = "outbox.view_outgoingmessage"
RETRY = "outbox.retry_outgoingmessage"
SEE_RECIPIENTS = "accounts.view_patient_contact"
PAGE_SIZE = 50
TARGET_TYPE = OutgoingMessage._meta.label_lower


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "Every status"), *Status.choices], required=False, label="Status"
    )

    def filter(self, messages_):
        if self.is_valid() and self.cleaned_data["status"]:
            return messages_.filter(status=self.cleaned_data["status"])
        return messages_


@protected_view(VIEW)
def listing(request):
    filters = StatusFilterForm(request.GET)
    page = Paginator(filters.filter(OutgoingMessage.objects.all()), PAGE_SIZE).get_page(
        request.GET.get("p")
    )
    show = request.user.has_perm(SEE_RECIPIENTS)
    rows = [(m, m.recipient if show else m.masked_recipient()) for m in page]
    record(
        action=AuditEvent.Action.VIEW,
        request=request,
        target_type=TARGET_TYPE,
        detail=f"list page {page.number}"
        + (" with recipients" if show else "")
        + ": "
        + ", ".join(str(message.pk) for message in page),
    )
    context = {
        "filters": filters,
        "listing": page,
        "rows": rows,
        "failed": OutgoingMessage.objects.failed_for_good().count(),
        "may_retry": request.user.has_perm(RETRY),
    }
    return TemplateResponse(request, "outbox/admin/listing.html", context)


@require_POST
@protected_view(RETRY)
def retry(request, pk: int):
    message = get_object_or_404(OutgoingMessage, pk=pk)
    if message.status != Status.FAILED:
        messages.error(request, "Only a message that failed can be sent again.")
        return redirect("outbox_admin:listing")
    services.retry(message=message)
    record(action=AuditEvent.Action.CHANGE, request=request, target=message, detail="retry")
    messages.success(request, "The message is queued to be sent again.")
    return redirect("outbox_admin:listing")
