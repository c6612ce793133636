"""A patient's progress read from the database: score series per measure, the treatment
dates, and the outcome of each measure over the current plan."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models

from klearmind.booking.models import Appointment, AppointmentStatus, ServiceKind

from ..measures import GAD7, MEASURES, PCL5, PHQ9, clinic_pcl5_cutoff
from ..models import InfusionChart, Measurement, Patient, TreatmentPlan
from ..plans.models import SERVICE_KINDS
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


def first_sessions(patients) -> dict[int, datetime.datetime | None]:
    """`first_session` of many patients at once, by patient id, in one query: each plan's
    first booked session is found in SQL (the same visits as `TreatmentPlan.sessions`), and
    the latest plan of each patient kept. `patients` is a queryset or a list of ids."""
    visits = Appointment.objects.active()

    def first(matching) -> models.Subquery:
        return models.Subquery(matching.order_by("starts_at").values("starts_at")[:1])

    by_medicine = [
        models.When(
            protocol__medicine=medicine,
            then=first(
                visits.filter(
                    patient_email_hash=models.OuterRef("patient__email_hash"),
                    service__kind__in=kinds,
                    starts_at__date__gte=models.OuterRef("started_on"),
                )
            ),
        )
        for medicine, kinds in SERVICE_KINDS.items()
    ]
    plans = (
        TreatmentPlan.objects.filter(patient__in=patients)
        .annotate(
            first_visit=models.Case(
                models.When(
                    series__isnull=False,
                    then=first(visits.filter(series_id=models.OuterRef("series_id"))),
                ),
                *by_medicine,
                default=None,
                output_field=models.DateTimeField(),
            )
        )
        .order_by("patient_id", "-started_on", "-pk")
        .values_list("patient_id", "first_visit")
    )
    found: dict[int, datetime.datetime | None] = {}
    for patient_id, first_visit in plans:
        found.setdefault(patient_id, first_visit)  # the first row is the latest plan
    return found


def judged(
    series: dict[str, list[Point]], start: datetime.datetime | None, pcl5_cutoff: int
) -> list[Outcome]:
    """The outcome of each judged measure the patient answered."""
    return [
        outcome(measure, series[measure], first_session=start, pcl5_cutoff=pcl5_cutoff)
        for measure in JUDGED
        if measure in series
    ]


def outcomes_of_many(
    patients, *, until: datetime.datetime, pcl5_cutoff: int
) -> dict[int, list[Outcome]]:
    """`patient_progress(...).outcomes` of many patients, by patient id, in two queries
    whatever their number: their scores up to `until`, and their first sessions."""
    scores = (
        Measurement.objects.filter(patient__in=patients, taken_at__lte=until)
        .only("patient_id", "taken_at", "scores")
        .order_by()
    )
    sittings = sittings_by_patient(scores)
    starts = first_sessions(patients)
    return {
        patient_id: judged(score_series(rows), starts.get(patient_id), pcl5_cutoff)
        for patient_id, rows in sittings.items()
    }


def sittings_by_patient(measurements: Iterable) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for measurement in measurements:
        grouped.setdefault(measurement.patient_id, []).append(measurement)
    return grouped


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
    outcomes = judged(series, start, pcl5_cutoff)
    return Progress(series, outcomes, treatment_dates(patient), pcl5_cutoff)
