import datetime
from zoneinfo import ZoneInfo

from django.test import SimpleTestCase

from klearmind.booking.availability import ProviderPlan, Schedule
from klearmind.booking.series import (
    SERIES_GAP_DAYS,
    SERIES_INFUSIONS,
    SERIES_MAX_DAYS,
    propose_series,
)

LA = ZoneInfo("America/Los_Angeles")
MONDAY = datetime.date(2026, 12, 7)
WEEKDAYS = range(5)


def clinic_schedule(days=WEEKDAYS) -> Schedule:
    hours = (datetime.time(8), datetime.time(18))
    return Schedule(
        zone=LA,
        opening=dict.fromkeys(days, hours),
        closures=[],
        providers=[ProviderPlan(1, {day: [hours] for day in days})],
        chairs=1,
        chair_busy={},
        before=0,
        length=90 * 60,
        after=0,
    )


def at(day: datetime.date, hour: int, minute: int = 0) -> int:
    return int(datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LA).timestamp())


class ProposeSeriesTests(SimpleTestCase):
    def test_six_infusions_every_two_to_three_days_at_the_same_time_within_three_weeks(self):
        schedule = clinic_schedule()
        first = schedule.slot_at(datetime.datetime.combine(MONDAY, datetime.time(10), tzinfo=LA))
        proposals = propose_series(schedule, first)
        days = [p.slot.starts_at.astimezone(LA).date() for p in proposals]
        assert SERIES_INFUSIONS == 6 and len(proposals) == 6  # CLINICAL.md: 6 infusions
        assert all(p.slot.starts_at.astimezone(LA).hour == 10 for p in proposals)
        assert not any(p.alternative for p in proposals)
        gaps = [(b - a).days for a, b in zip(days, days[1:], strict=False)]
        assert all(gap in SERIES_GAP_DAYS for gap in gaps)  # Mon, Wed, Fri, then again
        assert (days[-1] - days[0]).days <= SERIES_MAX_DAYS
        assert all(day.weekday() < 5 for day in days)

    def test_where_the_time_is_taken_the_nearest_free_time_that_day_is_proposed(self):
        schedule = clinic_schedule()
        wednesday = MONDAY + datetime.timedelta(days=2)
        friday = MONDAY + datetime.timedelta(days=4)
        thursday = MONDAY + datetime.timedelta(days=3)
        schedule.chair_busy = {
            1: [
                (at(wednesday, 9), at(wednesday, 11)),
                (at(thursday, 8), at(thursday, 18)),
                (at(friday, 8), at(friday, 18)),
            ]
        }
        first = schedule.slot_at(datetime.datetime.combine(MONDAY, datetime.time(10), tzinfo=LA))
        proposals = propose_series(schedule, first)
        second = proposals[1]
        assert second.alternative
        assert second.slot.starts_at.astimezone(LA).date() == wednesday
        assert second.slot.starts_at.astimezone(LA).time() == datetime.time(11)
        third = proposals[2]  # Friday is full and Saturday closed: the next Monday, flagged
        assert third.slot.starts_at.astimezone(LA).date() == MONDAY + datetime.timedelta(days=7)
        assert third.slot.starts_at.astimezone(LA).hour == 10
        assert third.alternative

    def test_without_room_within_three_weeks_the_series_stops_short(self):
        schedule = clinic_schedule()
        later = MONDAY + datetime.timedelta(days=1)
        schedule.chair_busy = {1: [(at(later, 0), at(later + datetime.timedelta(days=30), 0))]}
        first = schedule.slot_at(datetime.datetime.combine(MONDAY, datetime.time(10), tzinfo=LA))
        proposals = propose_series(schedule, first)
        assert proposals[-1].slot is None
        assert len(proposals) == 2
