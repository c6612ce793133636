"""The printable summary: the same plain record, its codes put in the clinic's words and its
times made times again, so the page says what the JSON says."""

import datetime

from klearmind.booking.models import AppointmentStatus
from klearmind.intake.models import Condition
from klearmind.intake.models import Status as QuestionnaireStatus

from ..charts.models import ChartStatus, EventKind, Phase
from ..check_ins.models import CheckInReason
from ..measures import MEASURES
from ..patients.models import MeasurementSource, PatientStatus
from ..plans.models import Medicine, PlanStatus


def moment(value: str | None):
    """An ISO 8601 string from the record back as a date or an aware datetime."""
    if not value:
        return None
    if len(value) == 10:
        return datetime.date.fromisoformat(value)
    return datetime.datetime.fromisoformat(value)


def label(choices, value: str) -> str:
    return dict(choices.choices).get(value, value)


def score_words(scores: dict) -> list[str]:
    """ "PHQ-9 14 of 27 (moderate)" for each measure of a sitting."""
    words = []
    for key, measure in MEASURES.items():
        score = scores.get(key)
        if isinstance(score, dict) and "total" in score:
            band = f" ({score['band']})" if score.get("band") else ""
            words.append(f"{measure.label}: {score['total']} of {measure.maximum}{band}")
    return words


def summary_context(data: dict) -> dict:
    """The record as the summary template shows it."""
    patient = data["patient"]
    return {
        "record": data,
        "produced_at": moment(data["produced_at"]),
        "patient": about(patient) if patient else None,
        "visits": [visit(v) for v in data["appointments"]],
        "questionnaires": [questionnaire(q) for q in data["questionnaires"]],
        "scores": [sitting(m) for m in data["measurements"]],
        "check_ins": [check_in(c) for c in data["check_ins"]],
        "plans": [plan(p) for p in data["treatment_plans"]],
        "treatments": [treatment(c) for c in data["infusion_charts"]],
        "rems": [
            {**r, "session_date": moment(r["session_date"])} for r in data["spravato_rems_records"]
        ],
        "consents": [
            {**s, "signed_at": moment(s["signed_at"])} for s in data["consent_signatures"]
        ],
        "notes": [{**n, "written_at": moment(n["written_at"])} for n in data["notes"]],
    }


def about(patient: dict) -> dict:
    return {
        **patient,
        "date_of_birth": moment(patient["date_of_birth"]),
        "status": label(PatientStatus, patient["status"]),
        "conditions": [label(Condition, c) for c in patient["conditions"]],
        "rems_enrolled_on": moment(patient["rems_enrolled_on"]),
    }


def visit(data: dict) -> dict:
    return {
        **data,
        "starts_at": moment(data["starts_at"]),
        "status": label(AppointmentStatus, data["status"]),
    }


def questionnaire(data: dict) -> dict:
    return {
        **data,
        "submitted_at": moment(data["submitted_at"]),
        "status": label(QuestionnaireStatus, data["status"]),
        "scores": score_words(data["results"]),
    }


def sitting(data: dict) -> dict:
    return {
        **data,
        "taken_at": moment(data["taken_at"]),
        "source": label(MeasurementSource, data["source"]),
        "scores": score_words(data["scores"]),
    }


def check_in(data: dict) -> dict:
    return {
        **data,
        "created_at": moment(data["created_at"]),
        "completed_at": moment(data["completed_at"]),
        "reason": label(CheckInReason, data["reason"]),
    }


def plan(data: dict) -> dict:
    return {
        **data,
        "started_on": moment(data["started_on"]),
        "ended_on": moment(data["ended_on"]),
        "status": label(PlanStatus, data["status"]),
    }


def treatment(data: dict) -> dict:
    return {
        **data,
        "medicine": label(Medicine, data["medicine"]),
        "session_date": moment(data["session_date"]),
        "started_at": moment(data["started_at"]),
        "stopped_at": moment(data["stopped_at"]),
        "status": label(ChartStatus, data["status"]),
        "vitals": [
            {**v, "taken_at": moment(v["taken_at"]), "phase": label(Phase, v["phase"])}
            for v in data["vitals"]
        ],
        "events": [
            {**e, "occurred_at": moment(e["occurred_at"]), "kind": label(EventKind, e["kind"])}
            for e in data["events"]
        ],
        "discharged_at": moment(data["discharge"]["discharged_at"]),
    }
