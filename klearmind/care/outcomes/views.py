"""Back-office screens of measurement-based care: a patient's progress, the printable summary
for their psychiatrist or therapist, and the clinic dashboard with its CSV. Each checks its
permission and writes every view, change and export to the audit log."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from klearmind.accounts.access import protected_view
from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record
from klearmind.clinic.exports import csv_stream, text_cell
from klearmind.clinic.models import ClinicSettings

from ..attention.forms import AttentionReviewForm
from ..attention.services import already_reviewed, find_open_flag, review_flag
from ..check_ins.services import request_check_in
from ..models import Measurement, Patient
from .dashboard import clinic_dashboard
from .forms import chosen_period
from .progress import patient_progress
from .progress_chart import charts
from .rules import NOT_COUNTED_REASONS, SMALLEST_GROUP_FOR_RATE

HEALTH = "accounts.view_health_record"
CHANGE = "accounts.change_health_record"
EXPORT = "accounts.export_health_record"
CHECK_INS_SHOWN = 20


def progress_context(patient: Patient) -> dict:
    progress = patient_progress(patient)
    return {
        "patient": patient,
        "charts": charts(progress),
        "outcomes": progress.outcomes,
        "treatments": progress.treatments,
    }


@protected_view(HEALTH)
def progress(request, pk: int):
    patient = get_object_or_404(Patient, pk=pk)
    record(action=AuditEvent.Action.VIEW, request=request, target=patient, detail="progress")
    context = {
        **progress_context(patient),
        "check_ins": patient.check_ins.select_related("measurement")[:CHECK_INS_SHOWN],
        "urgent": patient.measurements.filter(urgent=True).order_by("-taken_at"),
    }
    return TemplateResponse(request, "care/admin/progress_detail.html", context)


@protected_view(CHANGE)
@require_POST
def send_check_in(request, pk: int):
    patient = get_object_or_404(Patient, pk=pk)
    request_check_in(patient=patient, by=request.user, request=request)
    messages.success(request, "A check-in is on its way to the patient by e-mail.")
    return redirect("care_admin:progress", pk=patient.pk)


# The Needs attention source of each kind of urgent score reviewed from the progress page.
MEASUREMENT_SOURCES = {"check_in": "check_in", "clinic": "paper"}


@protected_view(CHANGE)
@require_POST
def mark_reviewed(request, pk: int, measurement_pk: int):
    """Review an urgent score from the progress page: the same review, note required, as on
    Needs attention."""
    measurement = get_object_or_404(Measurement, pk=measurement_pk, patient_id=pk)
    source = MEASUREMENT_SOURCES.get(measurement.source, "")
    flag = find_open_flag(source, str(measurement.pk))
    form = AttentionReviewForm(request.POST)
    try:
        if flag is None:
            raise already_reviewed()
        if not form.is_valid():
            raise ValidationError(form.errors["note"][0])
        review_flag(flag=flag, note=form.cleaned_data["note"], by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Reviewed, with your note.")
    return redirect("care_admin:progress", pk=pk)


@protected_view(EXPORT)
def progress_summary(request, pk: int):
    patient = get_object_or_404(Patient.objects.select_related("location__page"), pk=pk)
    record(
        action=AuditEvent.Action.EXPORT,
        request=request,
        target=patient,
        detail="printable progress summary",
    )
    context = {
        **progress_context(patient),
        "plan": patient.plans.select_related("protocol").first(),
        "clinic": ClinicSettings.load(),
    }
    return TemplateResponse(request, "care/admin/progress_summary.html", context)


@protected_view(HEALTH)
def dashboard(request):
    form, period = chosen_period(request.GET)
    figures = clinic_dashboard(start=period[0], end=period[1]) if period else None
    record(
        action=AuditEvent.Action.VIEW,
        request=request,
        target_type="care.dashboard",
        detail=f"clinic outcomes {period[0]} to {period[1]}" if period else "clinic outcomes",
    )
    context = {
        "form": form,
        "figures": figures,
        "groups": [("condition", figures.by_condition), ("location", figures.by_location)]
        if figures
        else [],
        "smallest_group": SMALLEST_GROUP_FOR_RATE,
        "rule": counting_rule(figures.pcl5_cutoff) if figures else "",
    }
    status = 200 if period else 400
    return TemplateResponse(request, "care/admin/outcomes_dashboard.html", context, status=status)


@protected_view(EXPORT)
def dashboard_csv(request):
    form, period = chosen_period(request.GET)
    if period is None:
        return redirect(f"{reverse('care_admin:dashboard')}?{request.GET.urlencode()}")
    figures = clinic_dashboard(start=period[0], end=period[1])
    record(
        action=AuditEvent.Action.EXPORT,
        request=request,
        target_type="care.dashboard",
        detail=f"clinic outcomes CSV {period[0]} to {period[1]}",
    )
    return csv_stream(f"clinic-outcomes-{period[0]}-to-{period[1]}.csv", csv_rows(figures))


def counting_rule(pcl5_cutoff: int) -> str:
    """Who the rates count (CLINICAL.md, the HEDIS DRR-E denominator), in one sentence."""
    return (
        "Rates count only patients ill at baseline (PHQ-9 10 or more, GAD-7 10 or more, "
        f"PCL-5 {pcl5_cutoff} or more, the clinic's cut-off) whose baseline was taken within "
        "30 days before the first session; the others are shown apart as not counted, with why."
    )


CSV_HEADER = [
    "Grouped by",
    "Group",
    "Measure",
    "Patients",
    "Responded",
    "Judged for response",
    "Response rate",
    "In remission",
    "Judged for remission",
    "Remission rate",
    *(f"Not counted: {reason}" for reason in NOT_COUNTED_REASONS),
]


def csv_rows(figures) -> list[list]:
    no_shows = figures.no_shows
    rows = [
        ["Period from", figures.start.isoformat(), "to", figures.end.isoformat()],
        ["Rule", counting_rule(figures.pcl5_cutoff)],
        ["Patients in treatment", figures.in_treatment],
        ["Series completed", figures.completed],
        ["No-shows", no_shows.count, "of", no_shows.of, percent_text(no_shows)],
        [],
        CSV_HEADER,
    ]
    rows += [group_csv_row("Condition", row) for row in figures.by_condition]
    rows += [group_csv_row("Location", row) for row in figures.by_location]
    return rows


def group_csv_row(kind: str, row) -> list:
    response, remission = row.response, row.remission
    cells = [kind, text_cell(row.group), row.measure, row.patients]
    cells += [response.count, response.of, percent_text(response)]
    if remission is None:
        cells += ["", "", "not applicable"]
    else:
        cells += [remission.count, remission.of, percent_text(remission)]
    return [*cells, *(count for _, count in row.not_counted)]


def percent_text(rate) -> str:
    return "n too small" if rate.percent is None else f"{rate.percent}%"
