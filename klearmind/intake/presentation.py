"""A submission's answers as a clinician reads them: each question in its published wording,
the answer's label, and whether it is a flag to highlight."""

from dataclasses import dataclass

from . import steps
from .questionnaires import NOT_SURE, SCREENING_BY_KEY, YES


@dataclass(frozen=True)
class AnswerRow:
    question: str
    answer: str
    flagged: bool = False


@dataclass(frozen=True)
class AnswerSection:
    title: str
    rows: tuple[AnswerRow, ...]


def answer_sections(answers: dict) -> list[AnswerSection]:
    sections = []
    for step in steps.active_steps(answers):
        if step.slug not in answers:
            continue
        form = step.form_class()
        rows = [
            row(name, field, answers[step.slug].get(name))
            for name, field in form.fields.items()
            if name != "website"
        ]
        sections.append(AnswerSection(step.title, tuple(rows)))
    return sections


def row(name: str, field, value) -> AnswerRow:
    return AnswerRow(str(field.label), display(field, value), is_flagged(name, value))


def display(field, value) -> str:
    if value in (None, "", []):
        return "—"
    # Labels may be lazy translations: made text here, in the language the page is shown in.
    choices = {str(key): str(label) for key, label in getattr(field, "choices", [])}
    if isinstance(value, list):
        return ", ".join(choices.get(str(item), str(item)) for item in value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if choices:
        label = choices.get(str(value), str(value))
        return f"{label} ({value})" if isinstance(value, int) else label
    return str(value)


def is_flagged(name: str, value) -> bool:
    if name == "phq9_9":
        return bool(value)
    question = SCREENING_BY_KEY.get(name)
    return question is not None and value in (YES, NOT_SURE)
