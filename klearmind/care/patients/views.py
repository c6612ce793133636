"""Back-office screens of the patient record. Each checks its permission itself and writes
every view of health information to the audit log; the front desk is refused."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from klearmind.accounts.access import protected_view
from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record
from klearmind.intake.models import Status, Submission

from ..check_ins.forms import check_in_form
from ..consents.models import ConsentSignature
from ..measures import check_in_measures
from ..plans.forms import EndPlanForm
from . import services
from .forms import NoteForm, PatientForm, TakenOnForm
from .models import Patient
from .timeline import timeline

HEALTH = "accounts.view_health_record"
CHANGE = "accounts.change_health_record"
LIST_PAGE_SIZE = 50


def clinicians():
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name="Clinician")
        .order_by("first_name", "username")
    )


@protected_view(HEALTH)
def patient_list(request):
    patients = Patient.objects.select_related("primary_clinician", "location__page")
    listing = Paginator(patients, LIST_PAGE_SIZE).get_page(request.GET.get("p"))
    # Accepted candidates without a record: a page of their own, turned with "w".
    waiting = Paginator(
        Submission.objects.filter(status=Status.ACCEPTED, patient__isnull=True).order_by(
            "-submitted_at", "-pk"
        ),
        LIST_PAGE_SIZE,
    ).get_page(request.GET.get("w"))
    record(
        action=AuditEvent.Action.VIEW,
        request=request,
        target_type=Patient._meta.label_lower,
        detail=f"patient list page {listing.number}: "
        + ", ".join(str(p.pk) for p in listing)
        + (
            f"; questionnaires awaiting a record: {', '.join(str(s.pk) for s in waiting)}"
            if waiting.object_list
            else ""
        ),
    )
    context = {"listing": listing, "waiting": waiting}
    return TemplateResponse(request, "care/admin/patient_list.html", context)


@require_POST
@protected_view(CHANGE)
def open_from_questionnaire(request, submission_pk: int):
    submission = get_object_or_404(Submission, pk=submission_pk)
    try:
        patient = services.open_patient_from_submission(
            submission=submission, by=request.user, request=request
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("care_admin:patients")
    messages.success(request, "Patient record opened from the questionnaire.")
    return redirect("care_admin:patient", patient.pk)


@protected_view(CHANGE)
def create(request):
    form = PatientForm(request.POST or None, clinicians=clinicians())
    if request.method == "POST" and form.is_valid():
        try:
            patient = services.create_patient(form=form, by=request.user, request=request)
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(request, "Patient record opened.")
            return redirect("care_admin:patient", patient.pk)
    return TemplateResponse(request, "care/admin/patient_form.html", {"form": form})


@protected_view(CHANGE)
def edit(request, pk: int):
    patient = get_object_or_404(Patient, pk=pk)
    form = PatientForm(request.POST or None, instance=patient, clinicians=clinicians())
    if request.method == "POST" and form.is_valid():
        try:
            services.update_patient(form=form, by=request.user, request=request)
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(request, "Patient record saved.")
            return redirect("care_admin:patient", patient.pk)
    if request.method == "GET":
        record(action=AuditEvent.Action.VIEW, request=request, target=patient, detail="edit form")
    context = {"form": form, "patient": patient}
    return TemplateResponse(request, "care/admin/patient_form.html", context)


@protected_view(HEALTH)
def detail(request, pk: int):
    patient = get_object_or_404(
        Patient.objects.select_related("primary_clinician", "location__page", "submission"), pk=pk
    )
    return record_page(request, patient, note_form=NoteForm())


def record_page(request, patient: Patient, *, note_form: NoteForm):
    record(action=AuditEvent.Action.VIEW, request=request, target=patient, detail="patient record")
    plans = patient.plans.select_related("protocol", "series")
    context = {
        "patient": patient,
        "plans": [(plan, plan.sessions_with_charts()) for plan in plans],
        "timeline": timeline(patient),
        "note_form": note_form,
        "end_form": EndPlanForm(),
        "can_change": request.user.has_perm(CHANGE),
        "signatures": ConsentSignature.objects.of_person(patient.email_hash).select_related(
            "version", "witnessed_by"
        ),
    }
    return TemplateResponse(request, "care/admin/patient_detail.html", context)


@require_POST
@protected_view(CHANGE)
def add_note(request, pk: int):
    patient = get_object_or_404(Patient, pk=pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.add_note(
            patient=patient, text=form.cleaned_data["text"], by=request.user, request=request
        )
        messages.success(request, "Note added.")
        return redirect("care_admin:patient", patient.pk)
    return record_page(request, patient, note_form=form)


@protected_view(CHANGE)
def scores_add(request, pk: int):
    patient = get_object_or_404(Patient, pk=pk)
    questionnaire = check_in_form(check_in_measures(patient.conditions))(request.POST or None)
    day = TakenOnForm(request.POST or None, initial={"taken_on": timezone.localdate()})
    if request.method == "POST" and all([day.is_valid(), questionnaire.is_valid()]):
        measurement = services.record_clinic_scores(
            patient=patient,
            answers=questionnaire.measure_answers(),
            taken_at=day.taken_at(),
            by=request.user,
            late_reason=day.cleaned_data["late_reason"].strip(),
            request=request,
        )
        if measurement.urgent:
            messages.warning(
                request,
                "PHQ-9 item 9 is above “not at all”: follow the clinic's safety plan with the "
                "patient now. It stays on Needs attention until a clinician reviews it there "
                "with a note of what was done.",
            )
        messages.success(request, "Scores saved.")
        return redirect("care_admin:progress", pk=patient.pk)
    if request.method == "GET":
        record(action=AuditEvent.Action.VIEW, request=request, target=patient, detail="scores form")
    context = {"patient": patient, "day": day, "questionnaire": questionnaire}
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, "care/admin/scores_form.html", context, status=status)
