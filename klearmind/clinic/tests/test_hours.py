import datetime

import pytest
from django.core.exceptions import ValidationError

from klearmind.clinic.hours import WORKDAYS, Weekday, check_in_order


def test_weekdays_are_numbered_as_dates_number_them():
    assert Weekday(datetime.date(2026, 12, 7).weekday()) == Weekday.MONDAY
    assert [day.short_label for day in Weekday][:2] == ["Mon", "Tue"]
    assert Weekday.SATURDAY not in WORKDAYS


def test_hours_must_end_after_they_start():
    nine, five = datetime.time(9), datetime.time(17)
    check_in_order(nine, five, field="ends", message="After, please.")
    with pytest.raises(ValidationError) as raised:
        check_in_order(five, five, field="ends", message="After, please.")
    assert raised.value.message_dict == {"ends": ["After, please."]}
    check_in_order(None, five, field="ends", message="After, please.")  # the field's own error
