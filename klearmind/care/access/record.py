"""Everything the clinic holds about one person, as plain data (docs/decisions/042).

A person is the keyed hash of their e-mail address: the patient record, the bookings and the
consent signatures all carry it, and the questionnaires carry it too. The record is read in a
fixed number of queries whatever the length of the history: each kind of row is read once,
with what it shows joined or prefetched.
"""

import datetime
import json
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch, Q
from django.utils import timezone

from klearmind.booking.models import Appointment
from klearmind.intake.models import Submission

from ..charts.models import ChartEvent, InfusionChart, VitalSign
from ..check_ins.models import CheckIn
from ..consents.models import ConsentDecline, ConsentSignature
from ..patients.models import Patient
from ..plans.models import TreatmentPlan

FORMAT = "klearmind-record/1"

# The patient record's own fields, in the order the record page shows them.
PATIENT_FIELDS = (
    "full_name",
    "date_of_birth",
    "email",
    "phone",
    "address",
    "conditions",
    "allergies",
    "current_medications",
    "medical_history",
    "history_notes",
    "emergency_contact_name",
    "emergency_contact_phone",
    "emergency_contact_relationship",
    "escort_name",
    "escort_phone",
    "psychiatrist",
    "psychiatrist_contact",
    "therapist",
    "therapist_contact",
    "status",
    "rems_enrolled_on",
    "rems_patient_id",
    "created_at",
)


def plain(value):
    """A value as JSON has it: times in ISO 8601, decimals as numbers."""
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def plain_json(value):
    """Stored JSON (answers, scores) made plain, whatever dates or decimals it may hold."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def staff_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def patient_record(*, person_hash: str, patient: Patient | None = None) -> dict:
    """Everything held about the person with this e-mail hash: their record's fields (if a
    record was opened), bookings, questionnaires, scores, check-ins, plans, charts, REMS forms,
    consent signatures and notes. Raises ValueError when `patient` is someone else."""
    patient = person_patient(person_hash, patient)
    charts = list(chart_rows(patient))
    return {
        "format": FORMAT,
        "produced_at": plain(timezone.now()),
        "patient": patient_fields(patient) if patient else None,
        "appointments": [appointment_data(a) for a in appointment_rows(person_hash)],
        "questionnaires": [submission_data(s) for s in submission_rows(person_hash, patient)],
        "measurements": [measurement_data(m) for m in patient.measurements.all()]
        if patient
        else [],
        "check_ins": [check_in_data(c) for c in check_in_rows(patient)],
        "treatment_plans": [plan_data(p) for p in plan_rows(patient)],
        "infusion_charts": [chart_data(chart) for chart in charts],
        "spravato_rems_records": [
            rems_data(chart) for chart in charts if getattr(chart, "rems", None) is not None
        ],
        "consent_signatures": [signature_data(s) for s in signature_rows(person_hash)],
        "consents_declined": [decline_data(d) for d in decline_rows(person_hash)],
        "notes": [note_data(n) for n in patient.notes.select_related("author")] if patient else [],
    }


def person_patient(person_hash: str, patient: Patient | None) -> Patient | None:
    if not person_hash:
        raise ValueError("A person is named by the hash of their e-mail address.")
    if patient is None:
        return (
            Patient.objects.select_related("location__page", "primary_clinician")
            .filter(email_hash=person_hash)
            .first()
        )
    if patient.email_hash != person_hash:
        raise ValueError("This patient record belongs to another person.")
    return patient


# Reads, one query each (two for the charts' prefetched parts) -----------------------------


def appointment_rows(person_hash: str):
    return (
        Appointment.objects.filter(patient_email_hash=person_hash)
        .select_related("service", "provider", "location__page", "variant")
        .prefetch_related("add_ons")
        .order_by("starts_at", "pk")
    )


def submission_rows(person_hash: str, patient: Patient | None):
    tied = Q(email_hash=person_hash)
    if patient is not None and patient.submission_id:
        tied |= Q(pk=patient.submission_id)
    return Submission.objects.filter(tied).order_by("submitted_at", "pk")


def check_in_rows(patient: Patient | None):
    if patient is None:
        return CheckIn.objects.none()
    return patient.check_ins.order_by("created_at", "pk")


def plan_rows(patient: Patient | None):
    if patient is None:
        return TreatmentPlan.objects.none()
    return patient.plans.select_related("protocol").order_by("started_on", "pk")


def chart_rows(patient: Patient | None):
    if patient is None:
        return InfusionChart.objects.none()
    return (
        patient.charts.select_related("protocol", "given_by", "signed_by", "dose_confirmed_by")
        .select_related("rems", "appointment")
        .prefetch_related(
            Prefetch("vitals", queryset=VitalSign.objects.order_by("taken_at", "pk")),
            Prefetch("events", queryset=ChartEvent.objects.order_by("occurred_at", "pk")),
            "alerts",
            "addenda__author",
        )
        .order_by("session_date", "pk")
    )


def signature_rows(person_hash: str):
    # The drawn image and the PDF copy are large and add nothing the rest does not say.
    return (
        ConsentSignature.objects.of_person(person_hash)
        .select_related("version__document", "witnessed_by")
        .defer("drawn_signature", "pdf")
        .order_by("signed_at", "pk")
    )


def decline_rows(person_hash: str):
    return ConsentDecline.objects.of_person(person_hash).listed().order_by("recorded_at", "pk")


# Each row as plain data -----------------------------------------------------------------


def patient_fields(patient: Patient) -> dict:
    data = {name: plain(getattr(patient, name)) for name in PATIENT_FIELDS}
    data["id"] = patient.pk
    data["conditions"] = list(patient.conditions)
    data["medical_history"] = plain_json(patient.medical_history)
    data["home_clinic"] = str(patient.location) if patient.location_id else ""
    data["clinician"] = staff_name(patient.primary_clinician)
    return data


def appointment_data(visit: Appointment) -> dict:
    return {
        "id": visit.pk,
        "service": visit.service.name,
        "variant": visit.variant.name if visit.variant_id else "",
        "add_ons": [add_on.name for add_on in visit.add_ons.all()],
        "status": visit.status,
        "starts_at": plain(visit.starts_at),
        "ends_at": plain(visit.ends_at),
        "location": str(visit.location),
        "at_home": visit.at_home,
        "home_address": visit.home_address,
        "provider": visit.provider.name,
        "name_given": visit.patient_name,
        "email_given": visit.patient_email,
        "phone_given": visit.patient_phone,
        "price": plain(visit.total),
        "cancel_reason": visit.cancel_reason,
        "booked_at": plain(visit.created_at),
    }


def submission_data(submission: Submission) -> dict:
    return {
        "id": submission.pk,
        "submitted_at": plain(submission.submitted_at),
        "full_name": submission.full_name,
        "email": submission.email,
        "phone": submission.phone,
        "date_of_birth": plain(submission.date_of_birth),
        "zip_code": submission.zip_code,
        "preferred_contact": submission.preferred_contact,
        "preferred_location": submission.location,
        "conditions": list(submission.conditions),
        "answers": plain_json(submission.answers),
        "results": plain_json(submission.results),
        "status": submission.status,
    }


def measurement_data(measurement) -> dict:
    return {
        "id": measurement.pk,
        "taken_at": plain(measurement.taken_at),
        "source": measurement.source,
        "scores": plain_json(measurement.scores),
        "urgent": measurement.urgent,
        "reviewed_at": plain(measurement.reviewed_at),
    }


def check_in_data(check_in: CheckIn) -> dict:
    return {
        "id": check_in.pk,
        "reason": check_in.reason,
        "measures": list(check_in.measures),
        "created_at": plain(check_in.created_at),
        "expires_at": plain(check_in.expires_at),
        "completed_at": plain(check_in.completed_at),
        "measurement_id": check_in.measurement_id,
        "appointment_id": check_in.appointment_id,
    }


def plan_data(plan: TreatmentPlan) -> dict:
    return {
        "id": plan.pk,
        "protocol": plan.protocol.name,
        "medicine": plan.protocol.medicine,
        "indication": plan.indication,
        "goals": plan.goals,
        "planned_sessions": plan.planned_sessions,
        "status": plan.status,
        "started_on": plain(plan.started_on),
        "ended_on": plain(plan.ended_on),
    }


def chart_data(chart: InfusionChart) -> dict:
    return {
        "id": chart.pk,
        "plan_id": chart.plan_id,
        "appointment_id": chart.appointment_id,
        "protocol": chart.protocol.name,
        "medicine": chart.medicine,
        "session_date": plain(chart.session_date),
        "status": chart.status,
        "dose": {
            "weight_kg": plain(chart.weight_kg),
            "mg_per_kg": plain(chart.mg_per_kg),
            "dose_mg": plain(chart.dose_mg),
            "working": chart.dose_working,
            "override_reason": chart.override_reason,
            "confirmed_at": plain(chart.dose_confirmed_at),
            "confirmed_by": staff_name(chart.dose_confirmed_by),
        },
        "given_by": staff_name(chart.given_by),
        "started_at": plain(chart.started_at),
        "stopped_at": plain(chart.stopped_at),
        "short_infusion_reason": chart.short_infusion_reason,
        "vitals": [vital_data(v) for v in chart.vitals.all()],
        "alerts": [alert_data(a) for a in chart.alerts.all()],
        "events": [event_data(e) for e in chart.events.all()],
        "discharge": discharge_data(chart),
        "notes": chart.notes,
        "signed_at": plain(chart.signed_at),
        "signed_by": staff_name(chart.signed_by),
        "addenda": [note_data(a) for a in chart.addenda.all()],
    }


def vital_data(vital: VitalSign) -> dict:
    return {"taken_at": plain(vital.taken_at), "phase": vital.phase, **vital.reading()}


def alert_data(alert) -> dict:
    return {
        "raised_at": plain(alert.raised_at),
        "text": alert.text,
        "acknowledged_at": plain(alert.acknowledged_at),
        "note": alert.note,
    }


def event_data(event: ChartEvent) -> dict:
    return {
        "occurred_at": plain(event.occurred_at),
        "kind": event.kind,
        "detail": event.detail,
        "new_rate_ml_per_hour": plain(event.new_rate),
    }


def discharge_data(chart: InfusionChart) -> dict:
    return {
        "discharged_at": plain(chart.discharged_at),
        "vitals_stable": chart.discharge_vitals_stable,
        "alert_and_oriented": chart.discharge_alert,
        "escort_present": chart.discharge_escort_present,
        "no_driving_advice_given": chart.discharge_no_driving_given,
    }


def rems_data(chart: InfusionChart) -> dict:
    rems = chart.rems
    return {
        "chart_id": chart.pk,
        "session_date": plain(chart.session_date),
        "dose_mg": plain(chart.dose_mg),
        "patient_rems_id": rems.patient_rems_id,
        "setting_rems_id": rems.setting_rems_id,
        "device_lot_number": rems.device_lot_number,
        "first_treatment": rems.first_treatment,
        "vitals_acceptable_before_dosing": rems.vitals_acceptable_before_dosing,
        "vitals_acceptable_before_discharge": rems.vitals_acceptable_before_discharge,
        "concomitant_medicines": list(rems.concomitant_medicines),
        "sedation": rems.sedation,
        "dissociation": rems.dissociation,
        "respiratory_depression": rems.respiratory_depression,
        "hospitalised": rems.hospitalised,
        "adverse_events": rems.adverse_events,
        "ready_without_minimum_at": plain(rems.ready_without_minimum_at),
        "due_on": plain(rems.due_on),
        "submitted_at": plain(rems.submitted_at),
    }


def signature_data(signature: ConsentSignature) -> dict:
    version = signature.version
    return {
        "id": signature.pk,
        "document": version.document.title,
        "kind": version.document.kind,
        "version": version.number,
        "version_title": version.title,
        "signed_at": plain(signature.signed_at),
        "signed_name": signature.signed_name,
        "electronic_consent": signature.electronic_consent,
        "text_sha256": signature.text_sha256,
        "witnessed_by": staff_name(signature.witnessed_by),
    }


def decline_data(decline: ConsentDecline) -> dict:
    version = decline.version
    return {
        "id": decline.pk,
        "document": version.document.title,
        "kind": version.document.kind,
        "version": version.number,
        "declined_at": plain(decline.recorded_at),
        "reason": decline.reason,
        "recorded_by": staff_name(decline.recorded_by),
    }


def note_data(note) -> dict:
    return {
        "written_at": plain(note.created_at),
        "author": staff_name(note.author),
        "text": note.text,
    }
