"""The month grid patients pick a day from: weeks from Monday, each day with or without slots."""

import calendar
import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class Day:
    date: datetime.date
    in_month: bool
    free: bool


@dataclass(frozen=True)
class Month:
    first: datetime.date
    weeks: list[list[Day]]
    previous: datetime.date | None
    next: datetime.date | None

    @property
    def has_free_days(self) -> bool:
        return any(day.free for week in self.weeks for day in week)


def parse_month(value: str | None, *, today: datetime.date) -> datetime.date:
    """The first of the month asked for ("2026-12"), never before this month."""
    this_month = today.replace(day=1)
    try:
        asked = datetime.date.fromisoformat(f"{value}-01") if value else this_month
    except ValueError:
        return this_month
    return max(asked, this_month)


def month_bounds(first: datetime.date) -> tuple[datetime.date, datetime.date]:
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def build_month(
    first: datetime.date, free_days: set[datetime.date], *, today: datetime.date, last_month
) -> Month:
    weeks = [
        [Day(day, day.month == first.month, day in free_days) for day in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return Month(
        first=first,
        weeks=weeks,
        previous=previous if previous >= today.replace(day=1) else None,
        next=following if following <= last_month else None,
    )
