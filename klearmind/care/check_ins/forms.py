"""The check-in questionnaire: the applicable measures in their published wording, made of
intake's own question fields. It validates and never acts."""

from klearmind.intake.forms import Gad7Form, IntakeForm, PainForm, Pcl5Form, Phq9Form

from ..measures import GAD7, MEASURES, PAIN, PCL5, PHQ9

MEASURE_FORMS = {PHQ9: Phq9Form, GAD7: Gad7Form, PCL5: Pcl5Form, PAIN: PainForm}


class CheckInForm(IntakeForm):
    measures: tuple[str, ...] = ()

    def sections(self) -> list[tuple]:
        """Per measure: its key, its label and its bound fields, in the order asked."""
        return [
            (measure, MEASURES[measure].label, [self[name] for name in self.names(measure)])
            for measure in self.measures
        ]

    def names(self, measure: str) -> list[str]:
        return [name for name in self.fields if name == measure or name.startswith(f"{measure}_")]

    def measure_answers(self) -> dict:
        """The answers as `measurement_scores` takes them: item lists, the 0-10 pain score as
        one number, and the unscored difficulty answers."""
        data = self.cleaned_data
        answers = {
            measure: [data[name] for name in self.names(measure) if name[-1].isdigit()]
            for measure in self.measures
            if measure != PAIN
        }
        if PAIN in self.measures:
            answers[PAIN] = data[PAIN]
        difficulty = {name: data.get(name) for name in ("phq9_difficulty", "gad7_difficulty")}
        return {**answers, **difficulty}


def check_in_form(measures) -> type[CheckInForm]:
    measures = tuple(measure for measure in MEASURE_FORMS if measure in measures)
    fields = {}
    for measure in measures:
        fields.update(MEASURE_FORMS[measure].base_fields)
    return type(CheckInForm)("CheckInForm", (CheckInForm,), {**fields, "measures": measures})
