"""The demo's scores: the series patient's questionnaire before treatment, check-ins that
fall over the first week of infusions, and one check-in sent and waiting, whose link the
demo loader prints."""

import datetime
import uuid

from django.db import transaction
from django.utils import timezone

from klearmind.booking.models import AppointmentStatus

from ..check_ins.models import CHECK_IN_VALID_DAYS
from ..check_ins.services import check_in_url
from ..measures import GAD7, PHQ9, check_in_measures, measurement_scores
from ..models import CheckIn, CheckInReason, Measurement, MeasurementSource, Patient, TreatmentPlan

# PHQ-9 and GAD-7 totals: before treatment, before the first infusion, after the third.
DEMO_TOTALS = {PHQ9: (19, 17, 9), GAD7: (14, 12, 7)}


def spread(total: int, count: int) -> list[int]:
    """Item answers adding up to `total`, the last item left at 0 (PHQ-9 item 9 stays at
    "not at all" in the demo)."""
    items = [0] * count
    for n in range(total):
        items[n % (count - 1)] += 1
    return items


def demo_scores(measures, sitting: int) -> dict:
    phq9 = spread(DEMO_TOTALS[PHQ9][sitting], 9)
    gad7 = spread(DEMO_TOTALS[GAD7][sitting], 7) if GAD7 in measures else None
    return measurement_scores(phq9=phq9, gad7=gad7)


def load_scores(*, patient: Patient, plan: TreatmentPlan) -> str:
    """Give the series patient falling scores and an open check-in; return its link. Safe to
    run again: the history is made once, and a check-in is left open."""
    measures = check_in_measures(patient.conditions)
    sessions = list(plan.sessions())
    with transaction.atomic():
        if not patient.check_ins.exists():
            make_history(patient, measures, sessions)
        waiting = patient.check_ins.open().first()
        if waiting is None:
            upcoming = [visit for visit in sessions if visit.status == AppointmentStatus.BOOKED]
            waiting = open_check_in(patient, measures, visit=upcoming[0] if upcoming else None)
    return check_in_url(waiting)


def make_history(patient, measures, sessions) -> None:
    """The questionnaire before treatment, a check-in before the first infusion and one after
    the last infusion done."""
    now = timezone.now()
    done = [visit for visit in sessions if visit.status == AppointmentStatus.COMPLETED]
    first = sessions[0].starts_at if sessions else now - datetime.timedelta(days=9)
    last_done = done[-1].starts_at if done else now - datetime.timedelta(days=2)
    Measurement.objects.create(
        patient=patient,
        source=MeasurementSource.INTAKE,
        taken_at=first - datetime.timedelta(days=16),
        scores=demo_scores(measures, 0),
    )
    answered(patient, measures, 1, at=first - datetime.timedelta(days=1), visit=sessions[:1])
    after = min(last_done + datetime.timedelta(days=1), now - datetime.timedelta(hours=1))
    answered(patient, measures, 2, at=after, visit=[])


def answered(patient, measures, sitting: int, *, at, visit) -> CheckIn:
    measurement = Measurement.objects.create(
        patient=patient,
        source=MeasurementSource.CHECK_IN,
        taken_at=at,
        scores=demo_scores(measures, sitting),
    )
    appointment = visit[0] if visit else None
    key = f"visit-{appointment.pk}" if appointment else f"demo-{patient.pk}-{sitting}"
    sent = at - datetime.timedelta(hours=20)
    return CheckIn.objects.create(
        patient=patient,
        appointment=appointment,
        reason=CheckInReason.VISIT if appointment else CheckInReason.WEEKLY,
        measures=measures,
        key=key,
        created_at=sent,
        sent_at=sent,
        expires_at=sent + datetime.timedelta(days=CHECK_IN_VALID_DAYS),
        completed_at=at,
        measurement=measurement,
    )


def open_key(patient, visit) -> str:
    if visit is not None and not CheckIn.objects.filter(key=f"visit-{visit.pk}").exists():
        return f"visit-{visit.pk}"
    return f"demo-{patient.pk}-{uuid.uuid4().hex}"


def open_check_in(patient, measures, *, visit) -> CheckIn:
    now = timezone.now()
    return CheckIn.objects.create(
        patient=patient,
        appointment=visit,
        reason=CheckInReason.VISIT if visit else CheckInReason.WEEKLY,
        measures=measures,
        key=open_key(patient, visit),
        created_at=now,
        sent_at=now,
        expires_at=now + datetime.timedelta(days=CHECK_IN_VALID_DAYS),
    )
