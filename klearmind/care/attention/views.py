"""Needs attention: the clinic-wide list of open safety flags, a clinician's review of one (with
a note), and the history of reviews. Reading needs view_health_record, reviewing
change_health_record; every view and review is audited."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from klearmind.accounts.access import protected_view
from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record
from klearmind.comments.models import Comment
from klearmind.intake.models import Draft

from .forms import AttentionReviewForm
from .models import AttentionReview
from .services import find_open_flag, open_flags_of_request, review_flag

HEALTH = "accounts.view_health_record"
CHANGE = "accounts.change_health_record"
HISTORY_PAGE_SIZE = 50
TARGET_TYPE = "care.attention"


@protected_view(HEALTH)
def attention_list(request):
    flags = open_flags_of_request(request)
    record(
        action=AuditEvent.Action.VIEW,
        request=request,
        target_type=TARGET_TYPE,
        detail="needs attention: "
        + (", ".join(f"{flag.source} {flag.object_id}" for flag in flags) or "none"),
    )
    context = {"flags": flags, "failed": sum(flag.email_failed for flag in flags)}
    return TemplateResponse(request, "care/admin/attention_list.html", context)


@protected_view(CHANGE)
def review(request, source: str, object_id: str):
    flag = find_open_flag(source, object_id)
    if flag is None:
        messages.error(request, "This flag was reviewed already, or is no longer open.")
        return redirect("care_admin:attention")
    form = AttentionReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review_flag(flag=flag, note=form.cleaned_data["note"], by=request.user, request=request)
        except ValidationError as refusal:
            messages.error(request, refusal.messages[0])
            return redirect("care_admin:attention")
        messages.success(request, f"Reviewed: {flag.title}, {flag.subject}.")
        return redirect("care_admin:attention")
    if request.method == "GET":
        record(
            action=AuditEvent.Action.VIEW,
            request=request,
            target_type=TARGET_TYPE,
            detail=f"review form for {flag.source} {flag.object_id}",
        )
    status = 400 if request.method == "POST" else 200
    context = {"flag": flag, "form": form, **source_detail(flag)}
    return TemplateResponse(request, "care/admin/attention_review.html", context, status=status)


def source_detail(flag) -> dict:
    """What a clinician reads before reviewing, when the list's link leads elsewhere: the
    comment's text (clinicians may not moderate comments) and a draft's item-9 answers."""
    if flag.source == "comment":
        return {"comment": Comment.objects.filter(pk=flag.object_id).first()}
    if flag.source == "draft":
        return {"draft": Draft.objects.filter(pk=flag.object_id).first()}
    return {}


@protected_view(HEALTH)
def history(request):
    reviews = AttentionReview.objects.select_related("reviewed_by", "patient")
    listing = Paginator(reviews, HISTORY_PAGE_SIZE).get_page(request.GET.get("p"))
    record(
        action=AuditEvent.Action.VIEW,
        request=request,
        target_type=AttentionReview._meta.label_lower,
        detail=f"reviews page {listing.number}: " + ", ".join(str(r.pk) for r in listing),
    )
    return TemplateResponse(request, "care/admin/attention_history.html", {"listing": listing})
