"""A patient's progress read from the database: score series per measure, the treatment
dates, and the outcome of each measure over the current plan."""

import datetime
from dataclasses import dataclass

from klearmind.booking.models import AppointmentStatus, ServiceKind

from ..measures import GAD7, MEASURES, PCL5, PHQ9, clinic_pcl5_cutoff
from ..models import InfusionChart, Patient
from .rules import Outcome, Point, outcome

TREATMENT_KINDS = (ServiceKind.KETAMINE, ServiceKind.BOOSTER, ServiceKind.SPRAVATO)
TREATMENT_DONE = (AppointmentStatus.COMPLETED, AppointmentStatus.ARRIVED)
# The measures with an outcome rule (CLINICAL.md); pain is charted but not judged.
JUDGED = (PHQ9, GAD7, PCL5)


def treatment_dates(patient: Patient) -> list[datetime.datetime]:
    """When the patient was treated, oldest first: each charted session's start, and the
    ketamine, booster and Spravato visits marked done that have no chart started."""
    charts = list(
        InfusionChart.objects.filter(patient=patient, started_at__isnull=False).values_list(
            "appointment_id", "started_at"
        )
    )
    charted_visits = [visit for visit, _ in charts if visit is not None]
    visits = (
        patient.appointments()
        .filter(service__kind__in=TREATMENT_KINDS, status__in=TREATMENT_DONE)
        .exclude(pk__in=charted_visits)
    )
    return sorted(
        [started for _, started in charts] + list(visits.values_list("starts_at", flat=True))
    )


def score_series(measurements) -> dict[str, list[Point]]:
    """Per measure answered, its scores in time order."""
    series = {}
    for measurement in sorted(measurements, key=lambda item: (item.taken_at, item.pk)):
        for measure in MEASURES:
            total = measurement.total(measure)
            if total is not None:
                series.setdefault(measure, []).append(Point(measurement.taken_at, total))
    return series


def first_session(patient: Patient) -> datetime.datetime | None:
    """When the patient's latest plan began: its first booked session."""
    plan = patient.plans.first()
    if plan is None:
        return None
    visit = plan.sessions().first()
    return visit.starts_at if visit else None


@dataclass(frozen=True)
class Progress:
    series: dict[str, list[Point]]
    outcomes: list[Outcome]
    treatments: list[datetime.datetime]
    pcl5_cutoff: int


def patient_progress(
    patient: Patient,
    *,
    until: datetime.datetime | None = None,
    pcl5_cutoff: int | None = None,
) -> Progress:
    """Scores, outcomes and treatment dates, counting only scores taken up to `until`; the
    PCL-5 judged at the clinic's cut-off unless one is given."""
    if pcl5_cutoff is None:
        pcl5_cutoff = clinic_pcl5_cutoff()
    measurements = patient.measurements.all()
    if until is not None:
        measurements = measurements.filter(taken_at__lte=until)
    series = score_series(measurements)
    start = first_session(patient)
    outcomes = [
        outcome(measure, series[measure], first_session=start, pcl5_cutoff=pcl5_cutoff)
        for measure in JUDGED
        if measure in series
    ]
    return Progress(series, outcomes, treatment_dates(patient), pcl5_cutoff)
