"""The questionnaire's steps, which of them a candidate sees, and where they may go next."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import forms
from .models import Condition


@dataclass(frozen=True)
class Step:
    slug: str
    title: str  # lazy: shown in the page's language
    form_class: type
    # The condition that brings this step in; None for the steps everyone answers.
    needs: str | None = None


STEPS = (
    Step("about", _("About you"), forms.AboutForm),
    Step("conditions", _("What brings you to us"), forms.ConditionsForm),
    Step("medications", _("Medicines and treatments"), forms.MedicationsForm),
    Step("history", _("Medical history"), forms.HistoryForm),
    Step("phq9", _("How your mood has been (PHQ-9)"), forms.Phq9Form),
    Step("gad7", _("Worry and anxiety (GAD-7)"), forms.Gad7Form, needs=Condition.ANXIETY),
    Step("pcl5", _("After a stressful experience (PCL-5)"), forms.Pcl5Form, needs=Condition.PTSD),
    Step("pain", _("Pain"), forms.PainForm, needs=Condition.CHRONIC_PAIN),
    Step("finish", _("Where, when, and your consent"), forms.FinishForm),
)
BY_SLUG = {step.slug: step for step in STEPS}
FIRST = STEPS[0]


def chosen_conditions(answers: dict) -> list[str]:
    return answers.get("conditions", {}).get("conditions", [])


def active_steps(answers: dict) -> list[Step]:
    chosen = chosen_conditions(answers)
    return [step for step in STEPS if step.needs is None or step.needs in chosen]


def number_of(step: Step, answers: dict) -> int:
    """The step's place among those this candidate sees: what its address shows. A place, not
    the step, so that `/candidacy/step/6/` is the GAD-7 for one candidate and the PCL-5 or the
    last page for another, and an address never names a measure."""
    return active_steps(answers).index(step) + 1


def at_number(number: int, answers: dict) -> Step | None:
    steps = active_steps(answers)
    return steps[number - 1] if 1 <= number <= len(steps) else None


def is_complete(step: Step, answers: dict) -> bool:
    return step.slug in answers and step.form_class(data=answers[step.slug]).is_valid()


def first_incomplete(answers: dict) -> Step | None:
    for step in active_steps(answers):
        if not is_complete(step, answers):
            return step
    return None


def neighbour(step: Step, answers: dict, *, offset: int) -> Step | None:
    steps = active_steps(answers)
    index = steps.index(step) + offset
    return steps[index] if 0 <= index < len(steps) else None


def may_open(step: Step, answers: dict) -> bool:
    """A step is open when it applies and every step before it is answered."""
    steps = active_steps(answers)
    if step not in steps:
        return False
    return all(is_complete(earlier, answers) for earlier in steps[: steps.index(step)])


def phq9_item9(answers: dict) -> int | None:
    return answers.get("phq9", {}).get("phq9_9")
