"""The person's record as a FHIR R4 Bundle of type "collection" (docs/decisions/042).

Built from the same plain record as the JSON download, so the two never disagree, and
checked against the FHIR 4.3 (R4B) models of `fhir.resources` before it leaves: a bundle that
breaks the standard is an error here, not a file another system refuses later.
"""

import uuid

from fhir.resources.R4B.bundle import Bundle

from ..charts.models import EventKind
from .record import patient_record

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
# Where the SHA-256 of a signed consent text is kept, as an identifier of the Consent.
TEXT_SHA256_SYSTEM = "urn:klearmind:consent-text-sha256"
# Why a patient declined to sign a document they may decline, as the clinic recorded it.
DECLINE_REASON_EXTENSION = "urn:klearmind:consent-declined-reason"

# The total scores, by the LOINC term of each instrument's total (LOINC 2.75+).
SCORE_CODES = {
    "phq9": ("44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]"),
    "gad7": ("70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]"),
    "pcl5": ("101698-9", "PTSD PCL-5 score [PCL-5]"),
    "pain": ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported"),
}
# The vital signs of the FHIR vital-signs profile: LOINC code, name, UCUM unit.
VITAL_CODES = {
    "heart_rate": ("8867-4", "Heart rate", "/min"),
    "spo2": ("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", "%"),
    "respiratory_rate": ("9279-1", "Respiratory rate", "/min"),
}
BLOOD_PRESSURE = ("85354-9", "Blood pressure panel with all children optional")
SYSTOLIC = ("8480-6", "Systolic blood pressure")
DIASTOLIC = ("8462-4", "Diastolic blood pressure")
BODY_WEIGHT = ("29463-7", "Body weight")

APPOINTMENT_STATUS = {
    "booked": "booked",
    "arrived": "arrived",
    "completed": "fulfilled",
    "no_show": "noshow",
    "cancelled": "cancelled",
}
TREATMENT_NAMES = {"ketamine_iv": "IV ketamine infusion", "spravato": "Spravato (esketamine) dose"}
# Consents about how the clinic handles information, rather than about a treatment.
PRIVACY_KINDS = {"privacy", "contact"}


class FhirBundle:
    """Collects a person's resources, each under a stable urn:uuid."""

    def __init__(self, person_hash: str):
        self.person_hash = person_hash
        self.entries: list[dict] = []

    def uid(self, kind: str, key) -> str:
        name = f"klearmind:{self.person_hash}/{kind}/{key}"
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"

    def add(self, resource: dict, kind: str, key) -> str:
        full_url = self.uid(kind, key)
        self.entries.append({"fullUrl": full_url, "resource": resource})
        return full_url

    def bundle(self, produced_at: str) -> dict:
        return {
            "resourceType": "Bundle",
            "type": "collection",
            "timestamp": produced_at,
            "entry": self.entries,
        }


def patient_fhir_bundle(*, person_hash: str, patient=None) -> dict:
    """The person's record as a FHIR R4 collection Bundle, validated with fhir.resources
    (pydantic's ValidationError if it breaks the standard)."""
    data = patient_record(person_hash=person_hash, patient=patient)
    bundle = fhir_bundle(data, person_hash=person_hash)
    validate(bundle)
    return bundle


def validate(bundle: dict) -> None:
    Bundle.model_validate(bundle)


def fhir_bundle(data: dict, *, person_hash: str) -> dict:
    out = FhirBundle(person_hash)
    subject = {"reference": out.add(patient_resource(data), "Patient", "")}
    for visit in data["appointments"]:
        out.add(appointment_resource(visit, subject), "Appointment", visit["id"])
    for measurement in data["measurements"]:
        for key, score in measurement["scores"].items():
            if key in SCORE_CODES:
                resource = score_resource(key, score, measurement["taken_at"], subject)
                out.add(resource, "Observation", f"score/{measurement['id']}/{key}")
    for chart in data["infusion_charts"]:
        procedure = {
            "reference": out.add(procedure_resource(chart, subject), "Procedure", chart["id"])
        }
        for index, resource in enumerate(chart_observations(chart, subject, procedure)):
            out.add(resource, "Observation", f"chart/{chart['id']}/{index}")
    for signature in data["consent_signatures"]:
        out.add(consent_resource(signature, subject), "Consent", signature["id"])
    for decline in data["consents_declined"]:
        out.add(declined_resource(decline, subject), "Consent", f"declined/{decline['id']}")
    return out.bundle(data["produced_at"])


# Patient and appointments -------------------------------------------------------------------


def patient_resource(data: dict) -> dict:
    """The Patient from the record, or, for a person without one yet, from their latest booking
    or questionnaire."""
    fields = data["patient"]
    if fields is None:
        return patient_from_contact(data)
    resource = {
        "resourceType": "Patient",
        "identifier": [{"system": "urn:klearmind:patient", "value": str(fields["id"])}],
        "active": fields["status"] == "active",
        "name": [{"text": fields["full_name"]}],
        "telecom": telecom(fields["email"], fields["phone"]),
        "birthDate": fields["date_of_birth"],
    }
    if fields["address"]:
        resource["address"] = [{"text": fields["address"]}]
    if fields["emergency_contact_name"]:
        resource["contact"] = [emergency_contact(fields)]
    return resource


def patient_from_contact(data: dict) -> dict:
    resource = {"resourceType": "Patient"}
    latest = [
        (visit["booked_at"], visit["name_given"], visit["email_given"], visit["phone_given"])
        for visit in data["appointments"]
    ] + [
        (s["submitted_at"], s["full_name"], s["email"], s["phone"]) for s in data["questionnaires"]
    ]
    if latest:
        _, name, email, phone = max(latest)
        resource.update(name=[{"text": name}], telecom=telecom(email, phone))
    return resource


def telecom(email: str, phone: str) -> list[dict]:
    points = [("email", email), ("phone", phone)]
    return [{"system": system, "value": value} for system, value in points if value]


def emergency_contact(fields: dict) -> dict:
    contact = {
        "relationship": [{"text": fields["emergency_contact_relationship"] or "Emergency contact"}],
        "name": {"text": fields["emergency_contact_name"]},
    }
    if fields["emergency_contact_phone"]:
        contact["telecom"] = [{"system": "phone", "value": fields["emergency_contact_phone"]}]
    return contact


def appointment_resource(visit: dict, subject: dict) -> dict:
    where = "at home" if visit["at_home"] else visit["location"]
    resource = {
        "resourceType": "Appointment",
        "status": APPOINTMENT_STATUS[visit["status"]],
        "serviceType": [{"text": visit["service"]}],
        "description": f"{visit['service']}, {where}",
        "start": visit["starts_at"],
        "end": visit["ends_at"],
        "created": visit["booked_at"],
        "participant": [
            {"actor": subject, "status": "accepted"},
            {"actor": {"display": visit["provider"]}, "status": "accepted"},
        ],
    }
    if visit["cancel_reason"]:
        resource["cancelationReason"] = {"text": visit["cancel_reason"]}
    return resource


# Observations ---------------------------------------------------------------------------


def coded(code: tuple[str, str]) -> dict:
    return {"coding": [{"system": LOINC, "code": code[0], "display": code[1]}], "text": code[1]}


def category(code: str) -> list[dict]:
    return [{"coding": [{"system": OBSERVATION_CATEGORY, "code": code}]}]


def quantity(value, unit: str) -> dict:
    return {"value": value, "unit": unit, "system": UCUM, "code": unit}


def score_resource(key: str, score: dict, taken_at: str, subject: dict) -> dict:
    resource = {
        "resourceType": "Observation",
        "status": "final",
        "category": category("survey"),
        "code": coded(SCORE_CODES[key]),
        "subject": subject,
        "effectiveDateTime": taken_at,
        "valueQuantity": quantity(score["total"], "{score}"),
    }
    if score.get("band"):
        resource["interpretation"] = [{"text": score["band"]}]
    return resource


def vital_observation(code, at: str, subject: dict, procedure: dict, **value) -> dict:
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": category("vital-signs"),
        "code": coded(code),
        "subject": subject,
        "partOf": [procedure],
        "effectiveDateTime": at,
        **value,
    }


def chart_observations(chart: dict, subject: dict, procedure: dict) -> list[dict]:
    """Each reading's blood pressure (one Observation with two components), heart rate, SpO2
    and breathing rate, and the weight the dose was worked from."""
    found = []
    for reading in chart["vitals"]:
        at = reading["taken_at"]
        components = [
            {"code": coded(SYSTOLIC), "valueQuantity": quantity(reading["systolic"], "mm[Hg]")},
            {"code": coded(DIASTOLIC), "valueQuantity": quantity(reading["diastolic"], "mm[Hg]")},
        ]
        found.append(
            vital_observation(BLOOD_PRESSURE, at, subject, procedure, component=components)
        )
        for name, (code, label, unit) in VITAL_CODES.items():
            if reading[name] is not None:
                value = quantity(reading[name], unit)
                found.append(
                    vital_observation((code, label), at, subject, procedure, valueQuantity=value)
                )
    if chart["dose"]["weight_kg"] is not None:
        at = chart["dose"]["confirmed_at"] or f"{chart['session_date']}"
        value = quantity(chart["dose"]["weight_kg"], "kg")
        found.append(vital_observation(BODY_WEIGHT, at, subject, procedure, valueQuantity=value))
    return found


# Treatments and consents ----------------------------------------------------------------


def procedure_status(chart: dict) -> str:
    if chart["stopped_at"]:
        return "completed"
    return "in-progress" if chart["started_at"] else "preparation"


def dose_text(chart: dict) -> str:
    """ "Dose: 72.5 kg × 0.50 mg/kg = 36.25 mg." as the chart worked it out."""
    dose = chart["dose"]
    if dose["dose_mg"] is None:
        return "Dose not yet confirmed."
    return f"Dose: {dose['working'] or format(dose['dose_mg'], 'g') + ' mg'}."


def procedure_resource(chart: dict, subject: dict) -> dict:
    resource = {
        "resourceType": "Procedure",
        "status": procedure_status(chart),
        "code": {"text": TREATMENT_NAMES.get(chart["medicine"], chart["protocol"])},
        "subject": subject,
        "note": [{"text": dose_text(chart)}],
    }
    if chart["started_at"]:
        resource["performedPeriod"] = {"start": chart["started_at"]}
        if chart["stopped_at"]:
            resource["performedPeriod"]["end"] = chart["stopped_at"]
    else:
        resource["performedDateTime"] = chart["session_date"]
    if chart["given_by"]:
        resource["performer"] = [{"actor": {"display": chart["given_by"]}}]
    if chart["events"]:
        resource["complication"] = [
            {
                "text": EventKind(event["kind"]).label
                + (f": {event['detail']}" * bool(event["detail"]))
            }
            for event in chart["events"]
        ]
    return resource


def declined_resource(decline: dict, subject: dict) -> dict:
    """A document the patient declined to sign: a Consent the patient rejected, with the
    reason the clinic kept."""
    scope = "patient-privacy" if decline["kind"] in PRIVACY_KINDS else "treatment"
    return {
        "resourceType": "Consent",
        "status": "rejected",
        "scope": {"coding": [{"system": CONSENT_SCOPE, "code": scope}]},
        "category": [coded(("59284-0", "Consent Document"))],
        "patient": subject,
        "dateTime": decline["declined_at"],
        "policyRule": {"text": f"{decline['document']}, version {decline['version']}"},
        "provision": {"type": "deny"},
        "extension": [{"url": DECLINE_REASON_EXTENSION, "valueString": decline["reason"]}],
    }


def consent_resource(signature: dict, subject: dict) -> dict:
    scope = "patient-privacy" if signature["kind"] in PRIVACY_KINDS else "treatment"
    return {
        "resourceType": "Consent",
        "status": "active",
        "scope": {"coding": [{"system": CONSENT_SCOPE, "code": scope}]},
        "category": [coded(("59284-0", "Consent Document"))],
        "patient": subject,
        "dateTime": signature["signed_at"],
        "performer": [subject],
        "identifier": [{"system": TEXT_SHA256_SYSTEM, "value": signature["text_sha256"]}],
        "sourceAttachment": {
            "title": f"{signature['document']}, version {signature['version']}",
            "creation": signature["signed_at"],
        },
        "policyRule": {"text": signature["document"]},
    }
