"""Back-office screens of the patient record. Each checks its permission itself and writes
every view of health information to the audit log."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from klearmind.accounts.access import protected_view
from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record

from .models import Patient

HEALTH = "accounts.view_health_record"
CHANGE = "accounts.change_health_record"
LIST_PAGE_SIZE = 50


@protected_view(HEALTH)
def patient_list(request):
    patients = Patient.objects.select_related("primary_clinician", "location__page")
    listing = Paginator(patients, LIST_PAGE_SIZE).get_page(request.GET.get("p"))
    record(
        action=AuditEvent.Action.VIEW,
        request=request,
        target_type=Patient._meta.label_lower,
        detail=f"patient list page {listing.number}: " + ", ".join(str(p.pk) for p in listing),
    )
    return TemplateResponse(request, "care/admin/patient_list.html", {"listing": listing})


@protected_view(HEALTH)
def detail(request, pk: int):
    patient = get_object_or_404(
        Patient.objects.select_related("primary_clinician", "location__page", "submission"), pk=pk
    )
    record(action=AuditEvent.Action.VIEW, request=request, target=patient, detail="patient record")
    context = {"patient": patient, "plans": patient.plans.select_related("protocol")}
    return TemplateResponse(request, "care/admin/patient_detail.html", context)
