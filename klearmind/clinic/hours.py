"""The days of the clinic's week, shared by opening hours, providers' hours and every form or
calendar that names a day."""

from django.core.exceptions import ValidationError
from django.db import models


class Weekday(models.IntegerChoices):
    """Numbered as `date.weekday()` numbers them, Monday first."""

    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"

    @property
    def short_label(self) -> str:
        return self.label[:3]


WORKDAYS = [Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY]


def check_in_order(starts, ends, *, field: str, message: str) -> None:
    """Hours of a day end after they start (the database checks it too, without a message)."""
    if starts and ends and ends <= starts:
        raise ValidationError({field: message}, code="hours_out_of_order")
