"""Charts for care tests: opened, filled in to any step, made straight through the models."""

import datetime
from decimal import Decimal

from django.utils import timezone

from klearmind.care.chart_services import start_chart
from klearmind.care.models import InfusionChart, Phase, VitalSign
from klearmind.care.models.charts import CHECKLIST, DISCHARGE_CHECKLIST

from .factories import make_patient, make_plan, make_protocol
from .register_factories import draw_dose

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
    return VitalSign.objects.create(chart=chart, taken_at=at, phase=phase, **{**CALM, **values})


def ready_to_start(chart, *, by, baseline_at=None) -> InfusionChart:
    chart.record_checklist(**dict.fromkeys(CHECKLIST, True))
    vital(chart, baseline_at or timezone.now() - datetime.timedelta(hours=3), phase=Phase.BASELINE)
    if chart.is_spravato:
        chart.confirm_fixed_dose(by=by, dose_mg=56)
    else:
        chart.confirm_dose(by=by, weight_kg=Decimal("72.5"), mg_per_kg=Decimal("0.5"))
    return chart


def complete(chart, *, by, register: bool = True) -> InfusionChart:
    """Started 150 minutes ago, vitals every 15 minutes, stopped and discharged, and (with
    `register`) its dose drawn in the controlled-substance register: ready to sign."""
    ready_to_start(chart, by=by)
    start = timezone.now() - datetime.timedelta(minutes=150)
    chart.start(by=by, at=start)
    minutes = 5 if chart.is_spravato else 40
    for offset in range(15, minutes, 15):
        vital(chart, start + datetime.timedelta(minutes=offset))
    chart.stop(by=by, at=start + datetime.timedelta(minutes=minutes))
    if chart.is_spravato:
        vital(chart, start + datetime.timedelta(minutes=40))
        fill_rems(chart)
    vital(chart, start + datetime.timedelta(minutes=125), phase=Phase.AFTER)
    chart.discharge(
        by=by,
        at=start + datetime.timedelta(minutes=130),
        **dict.fromkeys(DISCHARGE_CHECKLIST, True),
    )
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
    rems.save()
