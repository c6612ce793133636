"""Patients, protocols and plans for care tests, made straight through the models."""

import datetime

from klearmind.care.models import Patient, Protocol, TreatmentPlan

PATIENT_NAME = "Rowan Ellery"
PATIENT_EMAIL = "rowan.ellery@example.org"
ALLERGY = "Penicillin: hives"


def make_patient(**fields) -> Patient:
    """A patient; the first with PATIENT_EMAIL, later ones (one address is one patient) with
    an address of their own unless one is given."""
    if "email" not in fields and Patient.objects.with_email(PATIENT_EMAIL).exists():
        fields["email"] = f"patient{Patient.objects.count() + 1}@example.org"
    values = {
        "full_name": PATIENT_NAME,
        "date_of_birth": datetime.date(1979, 3, 14),
        "email": PATIENT_EMAIL,
        "phone": "(916) 555-0143",
        "conditions": ["depression", "anxiety"],
        "allergies": ALLERGY,
        "current_medications": "Sertraline 100 mg each morning",
        "emergency_contact_name": "Jordan Ellery",
        "emergency_contact_phone": "(916) 555-0199",
        "emergency_contact_relationship": "Spouse",
        "escort_name": "Jordan Ellery",
        "escort_phone": "(916) 555-0199",
        **fields,
    }
    return Patient.objects.create(**values)


def make_protocol(name="IV ketamine induction", **fields) -> Protocol:
    protocol, _ = Protocol.objects.get_or_create(
        name=name, defaults={"medicine": "ketamine_iv", **fields}
    )
    return protocol


def make_plan(patient: Patient | None = None, protocol: Protocol | None = None, **fields):
    protocol = protocol or make_protocol()
    values = {"indication": "Depression", "planned_sessions": protocol.sessions, **fields}
    return TreatmentPlan.objects.create(
        patient=patient or make_patient(), protocol=protocol, **values
    )
