"""Back-office screens: the triage queue, one questionnaire, its print view, triage actions
and the intake settings. Each checks its permission itself and every view of a questionnaire
is written to the audit log. The front desk (patients' contact details) sees contact details
and status only; clinicians see everything."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from klearmind.accounts.access import protected_view
from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record
from klearmind.clinic.forms import OnCallForm
from klearmind.clinic.models import ClinicSettings

from . import consultation, services
from .forms import AssignForm, IntakeSettingsForm, NoteForm, QueueFilterForm, StatusForm
from .models import Draft, IntakeSettings, Status, Submission
from .presentation import answer_sections

CONTACT = "accounts.view_patient_contact"
HEALTH = "accounts.view_health_record"
CHANGE = "accounts.change_health_record"
QUEUE_PAGE_SIZE = 50
TARGET_TYPE = Submission._meta.label_lower


def sees_health(request) -> bool:
    return request.user.has_perm(HEALTH)


@protected_view(CONTACT)
def queue(request):
    full = sees_health(request)
    filters = QueueFilterForm(request.GET or None)
    if not full:
        del filters.fields["condition"]  # the front desk does not learn conditions
    submissions = filters.filter(Submission.objects.queue().select_related("assigned_to"))
    condition = filters.cleaned_data.get("condition") if filters.is_valid() else ""
    if condition:
        # Conditions are encrypted: decrypt that one column and filter here (decision 010).
        matching = [
            s.pk
            for s in submissions.select_related(None).only("pk", "conditions")
            if condition in s.conditions
        ]
        submissions = submissions.filter(pk__in=matching)
    listing = Paginator(submissions, QUEUE_PAGE_SIZE).get_page(request.GET.get("p"))
    drafts = list(Draft.objects.urgent_unreviewed())
    record(
        action=AuditEvent.Action.VIEW,
        request=request,
        target_type=TARGET_TYPE,
        detail=f"queue page {listing.number}: "
        + ", ".join(f"{s.pk}" for s in listing)
        + (f"; unsent urgent drafts: {', '.join(str(d.pk) for d in drafts)}" if drafts else ""),
    )
    context = {"filters": filters, "listing": listing, "full": full, "drafts": drafts}
    return TemplateResponse(request, "intake/admin/queue.html", context)


@protected_view(CONTACT)
def detail(request, pk: int):
    submission = get_object_or_404(
        Submission.objects.select_related(
            "assigned_to", "consultation__service", "consultation__location__page"
        ),
        pk=pk,
    )
    full = sees_health(request)
    record(
        action=AuditEvent.Action.VIEW,
        request=request,
        target=submission,
        detail="questionnaire" if full else "contact details and status",
    )
    context = {
        "submission": submission,
        "full": full,
        "history": submission.status_changes.select_related("changed_by"),
        "about": submission.answers.get("about", {}),
        "finish": submission.answers.get("finish", {}),
    }
    if full:
        context |= {
            "results": submission.results,
            "sections": answer_sections(submission.answers),
            "notes": submission.notes.select_related("author"),
        }
    if request.user.has_perm(CHANGE):
        context |= {
            "may_invite": submission.status == Status.ACCEPTED,
            "status_form": StatusForm(submission=submission),
            "note_form": NoteForm(),
            "assign_form": AssignForm(
                clinicians=services.clinicians(),
                initial={"clinician": submission.assigned_to_id},
            ),
        }
    return TemplateResponse(request, "intake/admin/detail.html", context)


@protected_view(HEALTH)
def print_view(request, pk: int):
    submission = get_object_or_404(Submission, pk=pk)
    record(action=AuditEvent.Action.VIEW, request=request, target=submission, detail="print")
    context = {
        "submission": submission,
        "results": submission.results,
        "sections": answer_sections(submission.answers),
        "about": submission.answers.get("about", {}),
        "finish": submission.answers.get("finish", {}),
    }
    return TemplateResponse(request, "intake/admin/print.html", context)


@require_POST
@protected_view(CHANGE)
def change_status(request, pk: int):
    submission = get_object_or_404(Submission, pk=pk)
    form = StatusForm(request.POST, submission=submission)
    if not form.is_valid():
        messages.error(request, "That status change is not possible from the current status.")
        return redirect("intake_admin:detail", pk)
    try:
        submission = services.change_status(
            submission=submission, to=form.cleaned_data["status"], by=request.user, request=request
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Status changed to {submission.get_status_display()}.")
    return redirect("intake_admin:detail", pk)


@require_POST
@protected_view(CHANGE)
def add_note(request, pk: int):
    submission = get_object_or_404(Submission, pk=pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.add_note(
            submission=submission, text=form.cleaned_data["text"], by=request.user, request=request
        )
        messages.success(request, "Note added.")
    else:
        messages.error(request, "Please write the note (up to 5,000 characters).")
    return redirect("intake_admin:detail", pk)


@require_POST
@protected_view(CHANGE)
def invite(request, pk: int):
    submission = get_object_or_404(Submission, pk=pk)
    try:
        services.invite_to_book(submission=submission, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "A personal link to book treatment online has been e-mailed.")
    return redirect("intake_admin:detail", pk)


@require_POST
@protected_view(CHANGE)
def undo_consultation(request, pk: int):
    submission = get_object_or_404(Submission, pk=pk)
    try:
        submission = consultation.undo_consultation_match(
            submission=submission, by=request.user, request=request
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            "The consultation is no longer matched to this questionnaire. "
            f"Status: {submission.get_status_display()}.",
        )
    return redirect("intake_admin:detail", pk)


@require_POST
@protected_view(CHANGE)
def assign(request, pk: int):
    submission = get_object_or_404(Submission, pk=pk)
    form = AssignForm(request.POST, clinicians=services.clinicians())
    if not form.is_valid():
        messages.error(request, "Please choose a clinician from the list.")
        return redirect("intake_admin:detail", pk)
    clinician = form.cleaned_data["clinician"]
    services.assign_clinician(
        submission=submission, clinician=clinician, by=request.user, request=request
    )
    messages.success(
        request,
        f"Assigned to {clinician.get_full_name() or clinician.get_username()}."
        if clinician
        else "Unassigned.",
    )
    return redirect("intake_admin:detail", pk)


@protected_view(CHANGE)
def intake_settings(request):
    data = request.POST or None
    forms = [
        IntakeSettingsForm(data, instance=IntakeSettings.load()),
        OnCallForm(data, instance=ClinicSettings.load()),
    ]
    valid = [form.is_valid() for form in forms]  # each one, so every error shows at once
    if request.method == "POST" and all(valid):
        for form in forms:
            form.save()
        messages.success(request, "Questionnaire settings saved.")
        return redirect("intake_admin:settings")
    return TemplateResponse(request, "intake/admin/settings.html", {"forms": forms})
