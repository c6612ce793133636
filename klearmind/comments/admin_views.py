"""Back-office screens: the moderation queue, one comment, personal data. Every view checks a
model permission itself, so nothing relies on a hidden link."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record
from klearmind.outbox.models import OutgoingMessage

from . import services
from .emails import ABOUT, outbox_kind
from .forms import BulkActionForm, ClinicReplyForm, PersonalDataForm, QueueFilterForm
from .models import Comment, CommentStatus, NotificationKind

QUEUE_PAGE_SIZE = 50


def needs(permission: str):
    return permission_required(permission, raise_exception=True)


@needs("comments.view_comment")
def queue(request):
    data = request.GET.copy()
    data.setdefault("status", CommentStatus.PENDING)
    filters = QueueFilterForm(data)
    # Crisis language first, so nobody scrolls past it.
    comments = filters.filter(
        Comment.objects.select_related("page").order_by("-urgent", "-submitted_at", "-pk")
    )
    listing = Paginator(comments, QUEUE_PAGE_SIZE).get_page(request.GET.get("p"))
    context = {
        "filters": filters,
        "listing": listing,
        "counts": Comment.objects.status_counts(),
        "urgent_count": Comment.objects.pending().filter(urgent=True).count(),
        "bulk_actions": BulkActionForm.base_fields["action"].choices,
        "statuses": CommentStatus.choices,
    }
    return TemplateResponse(request, "comments/admin/queue.html", context)


@needs("comments.view_comment")
def detail(request, pk: int):
    comment = get_object_or_404(Comment.objects.select_related("page", "parent"), pk=pk)
    form = ClinicReplyForm()
    if request.method == "POST":
        if not request.user.has_perm("comments.moderate_comment"):
            raise PermissionDenied
        form = ClinicReplyForm(request.POST)
        if comment.status != CommentStatus.APPROVED:
            form.add_error(None, "Approve this comment before replying to it in public.")
        if form.is_valid():
            reply = services.reply_as_clinic(
                parent=comment, text=form.cleaned_data["text"], by=request.user
            )
            messages.success(request, "Your reply is published.")
            return redirect("comments_admin:detail", reply.pk)
    context = {
        "comment": comment,
        "crisis_sent": OutgoingMessage.objects.about(ABOUT, comment.pk)
        .filter(kind=outbox_kind(NotificationKind.CRISIS_RESOURCES))
        .first(),
        "history": comment.status_changes.select_related("changed_by"),
        "form": form,
        "bulk_actions": BulkActionForm.base_fields["action"].choices,
    }
    return TemplateResponse(request, "comments/admin/detail.html", context)


@require_POST
@needs("comments.view_comment")
def bulk(request):
    form = BulkActionForm(request.POST)
    back = safe_next(request)
    if not form.is_valid():
        messages.error(request, "Choose an action and at least one comment.")
        return redirect(back)
    action = form.cleaned_data["action"]
    permission = "comments.delete_comment" if action == "delete" else "comments.moderate_comment"
    if not request.user.has_perm(permission):
        raise PermissionDenied
    urgent = [c for c in form.cleaned_data["ids"] if c.urgent and c.status != "approved"]
    if action == "approve" and urgent and not request.POST.get("confirmed"):
        # Publishing crisis language needs a second, deliberate click (no JavaScript needed).
        context = {"urgent": urgent, "comments": form.cleaned_data["ids"], "next": back}
        return TemplateResponse(request, "comments/admin/confirm_approve.html", context)
    done, skipped = services.moderate_comments(
        comments=form.cleaned_data["ids"], action=action, by=request.user
    )
    label = dict(BulkActionForm.base_fields["action"].choices)[action]
    text = f"{label}: {done} comment{'s' if done != 1 else ''}."
    if skipped:
        text += f" {skipped} skipped: that action does not apply to their status."
    messages.success(request, text)
    return redirect(back)


def safe_next(request) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("comments_admin:queue")


@require_POST
@needs("comments.moderate_comment")
def crisis_resources(request, pk: int):
    comment = get_object_or_404(Comment, pk=pk)
    try:
        services.send_crisis_resources(comment=comment, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            "Crisis resources are on their way to the writer privately; the comment is on the "
            "clinicians' Needs attention list.",
        )
    return redirect("comments_admin:detail", comment.pk)


@needs("comments.change_comment")
def personal_data(request):
    form = PersonalDataForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if "erase" in request.POST:
            if not request.user.has_perm("comments.delete_comment"):
                raise PermissionDenied
            changed = services.erase_personal_data(
                email=email,
                remove_text=form.cleaned_data["remove_text"],
                by=request.user,
                request=request,
            )
            messages.success(request, f"Erased the personal data of {changed} comment(s).")
            return redirect("comments_admin:personal_data")
        export = services.export_personal_data(email=email)
        record(
            action=AuditEvent.Action.EXPORT,
            request=request,
            target_type="comments.comment",
            detail=f"one commenter's personal data, {len(export['comments'])} comment(s)",
        )
        response = HttpResponse(
            json.dumps(export, indent=2, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="comments-personal-data.json"'
        response["Cache-Control"] = "private, no-store"
        return response
    return TemplateResponse(request, "comments/admin/personal_data.html", {"form": form})
