"""Everything that happened to one patient, newest first: the questionnaire, appointments,
plans, scores and notes, each as one line of the record's timeline."""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from .models import Measurement, Patient

MEASURE_NAMES = {"phq9": "PHQ-9", "gad7": "GAD-7", "pcl5": "PCL-5", "pain": "Pain"}


@dataclass(frozen=True)
class Entry:
    when: datetime.datetime
    kind: str
    title: str
    detail: str = ""
    url: str = ""


def timeline(patient: Patient) -> list[Entry]:
    entries = [
        *_questionnaire(patient),
        *_appointments(patient),
        *_plans(patient),
        *_measurements(patient),
        *_charts(patient),
        *_notes(patient),
    ]
    return sorted(entries, key=lambda entry: entry.when, reverse=True)


def _questionnaire(patient):
    submission = patient.submission
    if submission is None:
        return []
    return [
        Entry(
            submission.submitted_at,
            "questionnaire",
            "Candidacy questionnaire received",
            submission.results.get("triage", {}).get("label", ""),
            reverse("intake_admin:detail", args=[submission.pk]),
        )
    ]


def _appointments(patient):
    return [
        Entry(
            visit.starts_at,
            "appointment",
            f"{visit.service.name}: {visit.get_status_display().lower()}",
            "At home" if visit.at_home else str(visit.location),
        )
        for visit in patient.appointments()
    ]


def _plans(patient):
    entries = []
    for plan in patient.plans.select_related("protocol", "created_by"):
        started = datetime.datetime.combine(plan.started_on, datetime.time.min)
        entries.append(
            Entry(
                _aware(started),
                "plan",
                f"Plan started: {plan.protocol.name}",
                f"{plan.indication}; {plan.planned_sessions} sessions planned",
            )
        )
        if plan.ended_on:
            ended = _aware(datetime.datetime.combine(plan.ended_on, datetime.time.max))
            entries.append(Entry(ended, "plan", f"Plan {plan.get_status_display().lower()}"))
    return entries


def _measurements(patient):
    return [
        Entry(
            measurement.taken_at,
            "score",
            f"Scores ({measurement.get_source_display().lower()})",
            score_summary(measurement),
        )
        for measurement in patient.measurements.all()
    ]


def score_summary(measurement: Measurement) -> str:
    parts = []
    for measure, name in MEASURE_NAMES.items():
        score = measurement.scores.get(measure)
        if score is not None:
            band = f" ({score['band']})" if score.get("band") else ""
            parts.append(f"{name} {score['total']}{band}")
    if measurement.urgent:
        parts.append("PHQ-9 item 9 above zero")
    return ", ".join(parts)


def _charts(patient):
    entries = []
    for chart in patient.charts.select_related("signed_by", "protocol"):
        url = reverse("care_admin:chart", args=[chart.pk])
        title = f"{chart.get_medicine_display()} chart"
        if chart.signed_at:
            entries.append(
                Entry(
                    chart.signed_at, "chart", f"{title} signed by {_name(chart.signed_by)}", "", url
                )
            )
        else:
            entries.append(
                Entry(chart.opened_at, "chart", f"{title} opened, not yet signed", "", url)
            )
    return entries


def _notes(patient):
    return [
        Entry(
            note.created_at,
            "note",
            f"Note by {_name(note.author)}",
            note.text,
        )
        for note in patient.notes.select_related("author")
    ]


def _name(user) -> str:
    if user is None:
        return "a former staff member"
    return user.get_full_name() or user.get_username()


def _aware(moment: datetime.datetime) -> datetime.datetime:
    return timezone.make_aware(moment)
