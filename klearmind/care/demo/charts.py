"""Demo charts: the series patient's infusions so far, signed, each with vitals every 15 minutes
until discharge 35 minutes after the stop, one with a reading past the alert threshold that
the clinician acknowledged with what was done; and a Spravato session (patient enrolled in the
REMS first) whose monitoring form is still due."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from klearmind.accounts import roles
from klearmind.accounts.demo import demo_user

from ..charts.models.charts import CHECKLIST, DISCHARGE_CHECKLIST
from ..charts.services import start_chart
from ..models import (
    ChartAlert,
    ChartEvent,
    EventKind,
    InfusionChart,
    Medicine,
    Patient,
    Phase,
    Protocol,
    RemsRecord,
    TreatmentPlan,
    VitalSign,
)
from .consents import ensure_demo_consents, sign_demo_consents
from .register import draw_demo_dose

WEIGHT_KG = Decimal("78.4")
# (minutes after the start, systolic, diastolic, heart rate, SpO2, respiratory rate): the usual
# rise to a peak about 40 minutes in, then settling.
INFUSION_VITALS = [
    (15, 134, 84, 78, 98, 15),
    (30, 141, 88, 82, 97, 14),
    (40, 144, 90, 84, 97, 14),
]
INFUSION_MINUTES = 40
# Recovery: readings every 15 minutes after the stop; the patient leaves 35 minutes after it,
# on the last reading (taken after the 30 minutes, back near the baseline).
AFTER_VITALS = [
    (55, 136, 86, 78, 98, 14),
    (70, 130, 82, 76, 98, 14),
    (75, 128, 80, 74, 98, 14),
]
LEAVE_MINUTES = 75
BASELINE = (-10, 126, 80, 72, 98, 14)
REMS_ENROLMENT = {"patient_id": "SPR-0048213", "days_before": 14}
FLAGGED_SESSION = 3
FLAGGED_READING = (30, 184, 96, 88, 97, 16)

SPRAVATO_PATIENT = {
    "full_name": "Riley Chen",
    "email": "riley.chen@example.com",
    "date_of_birth": datetime.date(1986, 7, 22),
    "phone": "(916) 555-0177",
    "conditions": ["depression"],
    "current_medications": "Escitalopram 20 mg daily",
    "escort_name": "Sam Chen",
    "escort_phone": "(916) 555-0178",
}


def load_charts(*, patient, plan, clinician) -> None:
    """Signed charts for the plan's visits already past; a Spravato chart with a form due."""
    with transaction.atomic():
        ensure_demo_consents()
        past = [v for v in plan.sessions() if v.ends_at < timezone.now()]
        for number, visit in enumerate(past, start=1):
            if not InfusionChart.objects.filter(appointment=visit).exists():
                chart_infusion(patient, plan, visit, number=number, clinician=clinician)
        spravato_session(clinician)


def reading(chart, start, values, *, phase, by) -> VitalSign:
    """A reading, with its alert raised as the charting service does."""
    minutes, systolic, diastolic, heart_rate, spo2, respiratory_rate = values
    vital = VitalSign.objects.create(
        chart=chart,
        taken_at=start + datetime.timedelta(minutes=minutes),
        phase=phase,
        systolic=systolic,
        diastolic=diastolic,
        heart_rate=heart_rate,
        spo2=spo2,
        respiratory_rate=respiratory_rate,
        recorded_by=by,
    )
    ChartAlert.raise_for(vital)
    return vital


# The patient signed the consents at the front desk this long before their first treatment.
SIGNED_BEFORE = datetime.timedelta(days=2)


def prepare(chart, start, *, by) -> None:
    front_desk = demo_user(roles.FRONT_DESK)
    sign_demo_consents(
        chart.patient, kind=chart.visit_kind, at=start - SIGNED_BEFORE, witness=front_desk
    )
    chart.record_checklist(**dict.fromkeys(CHECKLIST, True))
    reading(chart, start, BASELINE, phase=Phase.BASELINE, by=by)


def finish(chart, start, *, by, notes: str) -> None:
    chart.stop(by=by, at=start + datetime.timedelta(minutes=INFUSION_MINUTES))
    for values in AFTER_VITALS:
        reading(chart, start, values, phase=Phase.AFTER, by=by)
    leave = start + datetime.timedelta(minutes=LEAVE_MINUTES)
    chart.discharge(by=by, at=leave, **dict.fromkeys(DISCHARGE_CHECKLIST, True))
    chart.record_notes(notes)
    draw_demo_dose(chart, by)
    chart.sign(by=by, at=leave + datetime.timedelta(minutes=10))


def chart_infusion(patient, plan, visit, *, number: int, clinician) -> InfusionChart:
    day = timezone.localtime(visit.starts_at, visit.location.zone).date()
    chart = start_chart(
        patient=patient, plan=plan, protocol=plan.protocol, day=day, by=clinician, appointment=visit
    )
    start = visit.starts_at
    prepare(chart, start, by=clinician)
    chart.confirm_dose(
        by=clinician,
        weight_kg=WEIGHT_KG,
        mg_per_kg=plan.protocol.dose_mg_per_kg,
        at=start - datetime.timedelta(minutes=5),
    )
    chart.start(by=clinician, at=start)
    for values in INFUSION_VITALS:
        flagged = number == FLAGGED_SESSION and values[0] == FLAGGED_READING[0]
        reading(
            chart, start, FLAGGED_READING if flagged else values, phase=Phase.DURING, by=clinician
        )
    note = "Calm session; mild dissociation that eased once the infusion stopped."
    if number == FLAGGED_SESSION:
        note = flagged_session_events(chart, start, clinician)
    else:
        event(
            chart, start, 25, EventKind.DISSOCIATION, "Mild, pleasant; talking freely.", clinician
        )
    finish(chart, start, by=clinician, notes=note)
    return chart


def event(chart, start, minutes, kind, detail, by, new_rate=None) -> ChartEvent:
    return ChartEvent.objects.create(
        chart=chart,
        kind=kind,
        occurred_at=start + datetime.timedelta(minutes=minutes),
        detail=detail,
        new_rate=new_rate,
        recorded_by=by,
    )


def flagged_session_events(chart, start, clinician) -> str:
    event(
        chart,
        start,
        30,
        EventKind.HYPERTENSION,
        "Systolic 184 on the 30-minute reading.",
        clinician,
    )
    event(
        chart,
        start,
        31,
        EventKind.RATE_CHANGE,
        "Rate lowered while the pressure settled; patient asymptomatic.",
        clinician,
        new_rate=Decimal("75.0"),
    )
    for alert in chart.alerts.unacknowledged():
        alert.acknowledge(
            by=clinician,
            note="Seen at once: no headache or chest pain; rate lowered, recheck in 10 minutes.",
            at=start + datetime.timedelta(minutes=32),
        )
    return (
        "Systolic 184 at 30 minutes, no headache or chest pain. Rate lowered; 144/90 by "
        "40 minutes. Plan: recheck the resting pressure before the next infusion."
    )


def spravato_session(clinician) -> None:
    """Riley Chen's Spravato session three days ago: signed, its REMS form due in four days."""
    patient = Patient.objects.with_email(SPRAVATO_PATIENT["email"]).first()
    if patient is None:
        patient = Patient.objects.create(**SPRAVATO_PATIENT, primary_clinician=clinician)
    if InfusionChart.objects.filter(patient=patient, medicine=Medicine.SPRAVATO).exists():
        return
    plan = spravato_plan(patient, clinician)
    protocol = plan.protocol
    day = timezone.localdate() - datetime.timedelta(days=3)
    if not patient.rems_enrolled_by(day):
        patient.record_rems_enrolment(
            by=clinician,
            enrolled_on=day - datetime.timedelta(days=REMS_ENROLMENT["days_before"]),
            patient_id=REMS_ENROLMENT["patient_id"],
        )
    start = datetime.datetime.combine(
        day, datetime.time(10), tzinfo=timezone.get_current_timezone()
    )
    chart = start_chart(patient=patient, plan=plan, protocol=protocol, day=day, by=clinician)
    prepare(chart, start, by=clinician)
    chart.confirm_fixed_dose(by=clinician, dose_mg=56, at=start - datetime.timedelta(minutes=5))
    chart.start(by=clinician, at=start)
    reading(chart, start, (40, 146, 88, 80, 97, 14), phase=Phase.DURING, by=clinician)
    event(
        chart, start, 20, EventKind.DISSOCIATION, "Felt detached for about half an hour.", clinician
    )
    fill_rems(chart.rems)
    chart.stop(by=clinician, at=start + datetime.timedelta(minutes=5))
    reading(chart, start, (115, 130, 82, 74, 98, 14), phase=Phase.AFTER, by=clinician)
    leave = start + datetime.timedelta(minutes=125)
    chart.discharge(by=clinician, at=leave, **dict.fromkeys(DISCHARGE_CHECKLIST, True))
    chart.record_notes("First 56 mg session. Transient dissociation; pressure back to baseline.")
    draw_demo_dose(chart, clinician)
    chart.sign(by=clinician, at=leave + datetime.timedelta(minutes=10))


def spravato_plan(patient, clinician) -> TreatmentPlan:
    """The patient's Spravato plan, or a new one under the clinic's Spravato protocol."""
    plan = patient.plans.active().filter(protocol__medicine=Medicine.SPRAVATO).first()
    if plan is not None:
        return plan
    protocol = Protocol.objects.filter(medicine=Medicine.SPRAVATO, active=True).first()
    if protocol is None:
        protocol = Protocol.objects.create(
            name="Spravato (esketamine) induction",
            medicine=Medicine.SPRAVATO,
            sessions=8,
            infusion_minutes=5,
        )
    return TreatmentPlan.objects.create(
        patient=patient,
        protocol=protocol,
        indication="Depression that has not responded to two antidepressants",
        planned_sessions=protocol.sessions,
        created_by=clinician,
    )


def fill_rems(rems: RemsRecord) -> None:
    rems.patient_rems_id = REMS_ENROLMENT["patient_id"]
    rems.setting_rems_id = "HCS-1190457"
    rems.device_lot_number = "LOT-24F3318"
    rems.first_treatment = "yes"
    rems.vitals_acceptable_before_dosing = rems.vitals_acceptable_before_discharge = "yes"
    rems.monitoring_clinician_contact = "Dr. Maya Ellison, (916) 555-0110"
    rems.ready_without_minimum_at = datetime.time(11, 15)
    rems.concomitant_medicines = ["none"]
    rems.sedation, rems.dissociation = "no", "yes"
    rems.respiratory_depression, rems.hospitalised = "no", "no"
    rems.adverse_events = "Transient dissociation, resolved before discharge."
    rems.save()
