"""The staff's copies of a patient's record, made on the patient's request: each needs
`accounts.export_health_record` and is written to the audit log as an export."""

from django.shortcuts import get_object_or_404
from django.urls import reverse

from klearmind.accounts.access import protected_view
from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record

from ..patients.models import Patient
from .responses import fhir_download, json_download, summary_response

EXPORT = "accounts.export_health_record"


def exported_patient(request, pk: int, what: str) -> Patient:
    patient = get_object_or_404(
        Patient.objects.select_related("location__page", "primary_clinician"), pk=pk
    )
    record(action=AuditEvent.Action.EXPORT, request=request, target=patient, detail=what)
    return patient


@protected_view(EXPORT)
def record_json(request, pk: int):
    patient = exported_patient(request, pk, "whole record as JSON (right of access)")
    return json_download(person_hash=patient.email_hash, patient=patient)


@protected_view(EXPORT)
def record_fhir(request, pk: int):
    patient = exported_patient(request, pk, "whole record as a FHIR R4 bundle (right of access)")
    return fhir_download(person_hash=patient.email_hash, patient=patient)


@protected_view(EXPORT)
def record_summary(request, pk: int):
    patient = exported_patient(
        request, pk, "printable summary of the whole record (right of access)"
    )
    back = reverse("care_admin:patient", args=[patient.pk])
    return summary_response(request, person_hash=patient.email_hash, patient=patient, back_url=back)
