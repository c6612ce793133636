"""Charting workflows that touch several records: opening a session's chart (with its REMS
record for Spravato), entering a grid of vital signs at once, and the day's charted visits."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record
from klearmind.booking.models import Appointment, ServiceKind

from .. import rules
from ..models import (
    CareSettings,
    ChartAlert,
    InfusionChart,
    Medicine,
    Patient,
    Protocol,
    RemsRecord,
    VitalSign,
)

CHARTED_KINDS = (ServiceKind.KETAMINE, ServiceKind.BOOSTER, ServiceKind.SPRAVATO)


def medicine_for(appointment: Appointment) -> str:
    if appointment.service.kind == ServiceKind.SPRAVATO:
        return Medicine.SPRAVATO
    return Medicine.KETAMINE_IV


def patient_for(appointment: Appointment) -> Patient | None:
    return (
        Patient.objects.filter(email_hash=appointment.patient_email_hash)
        .order_by("created_at", "pk")
        .first()
    )


def home_refusal(appointment: Appointment, medicine: str) -> str:
    """Spravato is never charted at home; IV ketamine only where the location allows it."""
    if medicine == Medicine.SPRAVATO:
        return "Spravato is given only in a certified clinic, never at home"
    return appointment.service.home_refusal(appointment.location)


def plan_and_protocol(patient: Patient, medicine: str):
    """The patient's active plan for this medicine and its protocol, or else the clinic's first
    active protocol for the medicine."""
    plan = patient.plans.active().filter(protocol__medicine=medicine).first()
    if plan is not None:
        return plan, plan.protocol
    return None, Protocol.objects.filter(medicine=medicine, active=True).first()


def open_chart(*, appointment: Appointment, by, request=None) -> InfusionChart:
    """The chart of this visit, opened once: a second call returns the same chart. Each call is
    audited in the same transaction."""
    if appointment.service.kind not in CHARTED_KINDS:
        raise ValidationError("This visit is not a treatment that is charted.", code="not_charted")
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        chart = InfusionChart.objects.filter(appointment=appointment).first()
        if chart is None:
            chart = new_chart_for(appointment, by=by)
        record(
            action=AuditEvent.Action.CREATE,
            request=request,
            actor=by,
            target=chart,
            detail="chart opened",
        )
        return chart


def new_chart_for(appointment: Appointment, *, by) -> InfusionChart:
    """A new chart for a visit that has none; call with the visit's row locked."""
    patient = patient_for(appointment)
    if patient is None:
        raise ValidationError("No patient record matches this booking.", code="no_patient_record")
    medicine = medicine_for(appointment)
    if appointment.at_home and (refusal := home_refusal(appointment, medicine)):
        raise ValidationError(refusal + ".", code="setting")
    plan, protocol = plan_and_protocol(patient, medicine)
    if protocol is None:
        raise ValidationError(
            "No active treatment protocol for %(medicine)s.",
            code="no_protocol",
            params={"medicine": Medicine(medicine).label},
        )
    day = timezone.localtime(appointment.starts_at, appointment.location.zone).date()
    return start_chart(
        patient=patient, plan=plan, protocol=protocol, day=day, by=by, appointment=appointment
    )


def start_chart(
    *, patient, plan, protocol: Protocol, day, by, appointment: Appointment | None = None
) -> InfusionChart:
    """Create a chart with the protocol's numbers copied onto it, and its REMS record."""
    with transaction.atomic():
        chart = InfusionChart.objects.create(
            patient=patient,
            plan=plan,
            appointment=appointment,
            protocol=protocol,
            medicine=protocol.medicine,
            thresholds={name: getattr(protocol, name) for name in rules.THRESHOLD_NAMES},
            min_mg_per_kg=protocol.min_mg_per_kg,
            max_mg_per_kg=protocol.max_mg_per_kg,
            mg_per_kg=None if protocol.medicine == Medicine.SPRAVATO else protocol.dose_mg_per_kg,
            session_date=day,
            opened_by=by,
            given_by=appointment.provider.user if appointment else None,
        )
        if chart.is_spravato:
            due_days = CareSettings.load().rems_form_due_days
            RemsRecord.objects.create(chart=chart, due_on=rules.rems_form_due_on(day, due_days))
        return chart


def record_vitals(*, chart: InfusionChart, readings: list[dict], by) -> list[VitalSign]:
    """Save several rows of vital signs at once, all or none; a reading past an alert limit
    raises its alert for a clinician to acknowledge."""
    chart.refuse_if_signed()
    for row in readings:
        InfusionChart.checked_time(row["taken_at"])
    with transaction.atomic():
        saved = [VitalSign.objects.create(chart=chart, recorded_by=by, **row) for row in readings]
        for vital in saved:
            ChartAlert.raise_for(vital)
        return saved


def todays_visits(now: datetime.datetime) -> dict:
    """Today's charted visits (each location's own today), grouped by location."""
    day = datetime.timedelta(days=1)
    visits = (
        Appointment.objects.active()
        .filter(service__kind__in=CHARTED_KINDS, starts_at__range=(now - day, now + day))
        .select_related("service", "location__page", "provider", "chart")
        .order_by("starts_at")
    )
    today = [
        v for v in visits if v.local_start.date() == timezone.localtime(now, v.location.zone).date()
    ]
    hashes = {visit.patient_email_hash for visit in today}
    patients = {p.email_hash: p for p in Patient.objects.filter(email_hash__in=hashes)}
    grouped: dict = {}
    for visit in today:
        row = {"visit": visit, "patient": patients.get(visit.patient_email_hash)}
        row["chart"] = getattr(visit, "chart", None)
        grouped.setdefault(visit.location, []).append(row)
    return grouped
