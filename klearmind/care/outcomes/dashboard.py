"""The clinic's figures over a period: patients in treatment, series completed, response and
remission by condition and by location, and the no-show rate. Aggregates only: no row
names a patient."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from klearmind.booking.models import Appointment, AppointmentStatus
from klearmind.intake.models import Condition

from ..measures import GAD7, MEASURES, PCL5, PHQ9, clinic_pcl5_cutoff
from ..models import Patient, TreatmentPlan
from .progress import outcomes_of_many
from .rules import REMISSION_BELOW, Rate, not_counted, rates

# Each condition is judged on its own measure; a clinic location on the PHQ-9.
CONDITION_MEASURE = (
    (Condition.DEPRESSION, PHQ9),
    (Condition.ANXIETY, GAD7),
    (Condition.PTSD, PCL5),
)
NO_LOCATION = "No clinic recorded"
ATTENDED_OR_MISSED = (
    AppointmentStatus.COMPLETED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.NO_SHOW,
)


@dataclass(frozen=True)
class GroupRow:
    group: str
    measure: str
    patients: int
    response: Rate
    remission: Rate | None  # None for a measure without a remission rule (PCL-5)
    # Courses left out of the rates, per reason (outcomes.NOT_COUNTED_REASONS).
    not_counted: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Dashboard:
    start: datetime.date
    end: datetime.date
    in_treatment: int
    completed: int
    no_shows: Rate
    by_condition: list[GroupRow]
    by_location: list[GroupRow]
    pcl5_cutoff: int


def clinic_dashboard(*, start: datetime.date, end: datetime.date) -> Dashboard:
    """The figures in a fixed number of queries whatever the clinic's size: the patients, their
    scores and their first sessions are each read once, and grouped here."""
    in_period = Patient.objects.filter(
        pk__in=TreatmentPlan.objects.overlapping(start, end).values("patient_id")
    )
    patients = list(
        in_period.select_related("location__page").only("conditions", "location__page__title")
    )
    until = day_start(end + datetime.timedelta(days=1))
    cutoff = clinic_pcl5_cutoff()
    found = outcomes_of_many(in_period.values("pk"), until=until, pcl5_cutoff=cutoff)
    outcomes = {
        patient.pk: {item.measure: item for item in found.get(patient.pk, [])}
        for patient in patients
    }
    return Dashboard(
        start=start,
        end=end,
        in_treatment=len(patients),
        completed=TreatmentPlan.objects.completed_between(start, end).count(),
        no_shows=no_show_rate(start, end),
        by_condition=condition_rows(patients, outcomes),
        by_location=location_rows(patients, outcomes),
        pcl5_cutoff=cutoff,
    )


def day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def group_row(group: str, measure: str, members, outcomes) -> GroupRow:
    judged = [outcomes[p.pk][measure] for p in members if measure in outcomes[p.pk]]
    response, remission = rates(judged)
    if measure not in REMISSION_BELOW:
        remission = None
    return GroupRow(
        group, MEASURES[measure].label, len(members), response, remission, not_counted(judged)
    )


def condition_rows(patients, outcomes) -> list[GroupRow]:
    labels = dict(Condition.choices)
    rows = [group_row("All patients in treatment", PHQ9, patients, outcomes)]
    for condition, measure in CONDITION_MEASURE:
        members = [patient for patient in patients if condition in patient.conditions]
        rows.append(group_row(labels[condition], measure, members, outcomes))
    return rows


def location_rows(patients, outcomes) -> list[GroupRow]:
    groups = {}
    for patient in patients:
        name = str(patient.location.page.title) if patient.location else NO_LOCATION
        groups.setdefault(name, []).append(patient)
    return [group_row(name, PHQ9, members, outcomes) for name, members in sorted(groups.items())]


def no_show_rate(start: datetime.date, end: datetime.date) -> Rate:
    visits = Appointment.objects.filter(
        starts_at__gte=day_start(start),
        starts_at__lt=day_start(end + datetime.timedelta(days=1)),
        status__in=ATTENDED_OR_MISSED,
    )
    missed = visits.filter(status=AppointmentStatus.NO_SHOW).count()
    return Rate(missed, visits.count())
