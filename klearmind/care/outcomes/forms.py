"""The dashboard's period. It validates and never acts; every message names its field."""

import datetime

from django.utils import timezone

from klearmind.clinic.forms import date_field
from klearmind.intake.forms import IntakeForm

DEFAULT_PERIOD_DAYS = 90
LONGEST_PERIOD_DAYS = 3660  # ten years: longer than any clinic's records here


class PeriodForm(IntakeForm):
    start = date_field("From")
    end = date_field("To")

    @classmethod
    def default_initial(cls) -> dict:
        today = timezone.localdate()
        return {"start": today - datetime.timedelta(days=DEFAULT_PERIOD_DAYS), "end": today}

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "The “to” date must be on or after the “from” date.")
        elif start and end and (end - start).days > LONGEST_PERIOD_DAYS:
            self.add_error("start", "Please choose a period of at most ten years.")
        return data


def chosen_period(query) -> tuple[PeriodForm, tuple[datetime.date, datetime.date] | None]:
    """The form bound to the query, or to the default period when nothing was asked; and the
    period to show, None when what was typed is not a valid period."""
    asked = "start" in query or "end" in query
    form = PeriodForm(query if asked else PeriodForm.default_initial())
    if form.is_valid():
        return form, (form.cleaned_data["start"], form.cleaned_data["end"])
    return form, None
