"""The patient's right of access: their whole record as JSON, as a FHIR R4 Bundle and as a
printable summary, for staff to hand over on request and for the patient's portal."""

from .fhir import patient_fhir_bundle
from .record import patient_record
from .responses import fhir_download, json_download, summary_response

__all__ = [
    "fhir_download",
    "json_download",
    "patient_fhir_bundle",
    "patient_record",
    "summary_response",
]
