"""Back-office screens of the patient record. Each checks its permission itself and writes
every view of health information to the audit log."""

from django.core.paginator import Paginator
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
