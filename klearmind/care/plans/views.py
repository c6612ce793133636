"""Back-office screens of a treatment plan: starting one and ending it. Each checks its permission
itself and writes every view of health information to the audit log."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from klearmind.accounts.access import protected_view
from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record

from ..patients.models import Patient
from . import services
from .forms import EndPlanForm, PlanForm
from .models import TreatmentPlan

CHANGE = "accounts.change_health_record"


@protected_view(CHANGE)
def plan_create(request, pk: int):
    patient = get_object_or_404(Patient, pk=pk)
    form = PlanForm(request.POST or None, patient=patient)
    if request.method == "POST" and form.is_valid():
        try:
            services.start_plan(
                patient=patient, by=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error("protocol", error)
        else:
            messages.success(request, "Treatment plan started.")
            return redirect("care_admin:patient", patient.pk)
    if request.method == "GET":
        record(action=AuditEvent.Action.VIEW, request=request, target=patient, detail="plan form")
    context = {"form": form, "patient": patient}
    return TemplateResponse(request, "care/admin/plan_form.html", context)


@require_POST
@protected_view(CHANGE)
def plan_end(request, pk: int, plan_pk: int):
    plan = get_object_or_404(TreatmentPlan, pk=plan_pk, patient_id=pk)
    form = EndPlanForm(request.POST)
    if form.is_valid():
        try:
            services.end_plan(
                plan=plan, status=form.cleaned_data["status"], by=request.user, request=request
            )
            messages.success(request, "Treatment plan ended.")
        except ValidationError as error:
            messages.error(request, error.messages[0])
    else:
        messages.error(request, "Choose whether the plan was completed or stopped early.")
    return redirect("care_admin:patient", pk)
