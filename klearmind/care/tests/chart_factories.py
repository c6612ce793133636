"""Charts for care tests: opened, filled in to any step, made straight through the models."""

import datetime
from decimal import Decimal

from django.utils import timezone

from klearmind.care.charts.models.charts import CHECKLIST, DISCHARGE_CHECKLIST
from klearmind.care.charts.services import start_chart
from klearmind.care.models import ChartAlert, InfusionChart, Phase, VitalSign

from .factories import make_patient, make_plan, make_protocol
from .register_factories import draw_dose
from .signature_factories import consent_on_file

CALM = {"systolic": 122, "diastolic": 78, "heart_rate": 74, "spo2": 98, "respiratory_rate": 14}


def spravato_protocol():
    return make_protocol(
        "Spravato twice weekly",
        medicine="spravato",
        dose_mg_per_kg=Decimal("0.5"),
    )


def make_chart(*, spravato=False, patient=None, day=None, by=None) -> InfusionChart:
    protocol = spravato_protocol() if spravato else make_protocol()
    patient = patient or make_patient()
    plan = make_plan(patient=patient, protocol=protocol)
    day = day or timezone.localdate()
    return start_chart(patient=patient, plan=plan, protocol=protocol, day=day, by=by)


def vital(chart, at, *, phase=Phase.DURING, **values) -> VitalSign:
    """A reading, with its alert raised as the charting service does."""
    reading = VitalSign.objects.create(chart=chart, taken_at=at, phase=phase, **{**CALM, **values})
    ChartAlert.raise_for(reading)
    return reading


def enrol(patient, *, by=None) -> None:
    patient.record_rems_enrolment(
        by=by,
        enrolled_on=timezone.localdate() - datetime.timedelta(days=30),
        patient_id="PT-4471902",
    )


def ready_to_start(chart, *, by, baseline_at=None) -> InfusionChart:
    """Checklist done, consents signed, a calm baseline 10 minutes ago (or at baseline_at), dose
    confirmed."""
    consent_on_file(chart.patient, chart.visit_kind, on=chart.session_date)
    chart.record_checklist(**dict.fromkeys(CHECKLIST, True))
    baseline_at = baseline_at or timezone.now() - datetime.timedelta(minutes=10)
    vital(chart, baseline_at, phase=Phase.BASELINE)
    if chart.is_spravato:
        enrol(chart.patient, by=by)
        chart.confirm_fixed_dose(by=by, dose_mg=56)
    else:
        chart.confirm_dose(by=by, weight_kg=Decimal("72.5"), mg_per_kg=Decimal("0.5"))
    return chart


def after(start, minutes: int) -> datetime.datetime:
    return start + datetime.timedelta(minutes=minutes)


def complete(chart, *, by, register: bool = True) -> InfusionChart:
    """Started 150 minutes ago, vitals every 15 minutes, stopped and discharged: ready to sign.
    IV: a 40-minute infusion, readings until discharge 35 minutes after the stop. Spravato:
    dosing over 5 minutes, a reading at 40 minutes, discharge at 130 minutes. With `register`,
    its dose is drawn in the controlled-substance register."""
    start = timezone.now() - datetime.timedelta(minutes=150)
    ready_to_start(chart, by=by, baseline_at=after(start, -10))
    chart.start(by=by, at=start)
    if chart.is_spravato:
        chart.stop(by=by, at=after(start, 5))
        vital(chart, after(start, 40))
        fill_rems(chart)
        vital(chart, after(start, 125), phase=Phase.AFTER)
        leave = after(start, 130)
    else:
        vital(chart, after(start, 15))
        vital(chart, after(start, 30))
        chart.stop(by=by, at=after(start, 40))
        for minutes in (45, 60, 75):
            vital(chart, after(start, minutes), phase=Phase.AFTER)
        leave = after(start, 75)
    chart.discharge(by=by, at=leave, **dict.fromkeys(DISCHARGE_CHECKLIST, True))
    if register:
        draw_dose(chart, by=by)
    return chart


def fill_rems(chart) -> None:
    rems = chart.rems
    rems.patient_rems_id = "PT-4471902"
    rems.setting_rems_id = "HCS-880113"
    rems.concomitant_medicines = ["none"]
    rems.sedation, rems.dissociation = "no", "yes"
    rems.respiratory_depression, rems.hospitalised = "no", "no"
    rems.device_lot_number = "LOT-23K117"
    rems.first_treatment = "yes"
    rems.vitals_acceptable_before_dosing = rems.vitals_acceptable_before_discharge = "yes"
    rems.monitoring_clinician_contact = "Dr. Maya Ellison, (916) 555-0110"
    rems.ready_without_minimum_at = datetime.time(11, 30)
    rems.save()
