"""The three answers to a request for one's record, for any view that has found the person
and written the audit event: the staff's screen here, the patient's portal elsewhere. Each is
private (no cache keeps it) and the downloads are attachments."""

import json

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from klearmind.clinic.http import make_private
from klearmind.clinic.models import ClinicSettings

from .fhir import patient_fhir_bundle
from .record import patient_record
from .summary import summary_context

SUMMARY_TEMPLATE = "care/record_summary.html"


def attachment(content: str, *, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=f"{content_type}; charset=utf-8")
    # A plain name, the same for everyone: a patient's name in a file name reaches logs.
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return make_private(response)


def file_name(suffix: str) -> str:
    return f"health-record-{timezone.localdate():%Y-%m-%d}.{suffix}"


def json_download(*, person_hash: str, patient=None) -> HttpResponse:
    data = patient_record(person_hash=person_hash, patient=patient)
    content = json.dumps(data, indent=2, ensure_ascii=False)
    return attachment(content, name=file_name("json"), content_type="application/json")


def fhir_download(*, person_hash: str, patient=None) -> HttpResponse:
    bundle = patient_fhir_bundle(person_hash=person_hash, patient=patient)
    content = json.dumps(bundle, indent=2, ensure_ascii=False)
    return attachment(content, name=file_name("fhir.json"), content_type="application/fhir+json")


def summary_response(request, *, person_hash: str, patient=None, back_url: str = ""):
    """The printable summary page; `back_url` is where its "back" link leads."""
    data = patient_record(person_hash=person_hash, patient=patient)
    context = {
        **summary_context(data),
        "back_url": back_url,
        "clinic": ClinicSettings.load(),
    }
    return make_private(TemplateResponse(request, SUMMARY_TEMPLATE, context))
