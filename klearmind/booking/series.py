"""The induction series: from a first slot, the rest of the infusions at the same place and
time of day, with the nearest free time where that time is taken."""

import datetime
from dataclasses import dataclass

from .availability import Schedule, Slot

# CLINICAL.md, IV ketamine: "typically 6 infusions over 2–3 weeks".
SERIES_INFUSIONS = 6
# Every two to three days puts six infusions inside two to three weeks (10 to 15 days).
SERIES_GAP_DAYS = (2, 3)
# CLINICAL.md: the series fits in three weeks; no infusion is proposed beyond this.
SERIES_MAX_DAYS = 21


@dataclass(frozen=True)
class Proposal:
    number: int
    slot: Slot | None
    wanted_day: datetime.date
    alternative: bool  # True when the time of day (or the day) differs from the first


def propose_series(
    schedule: Schedule, first: Slot, *, not_before: int = 0, count: int = SERIES_INFUSIONS
) -> list[Proposal]:
    """The whole series: the first slot, then every 2–3 days the same time of day when free,
    otherwise the nearest free time on those days, otherwise the next day with room. `count`
    visits in all: fewer when the remaining visits of a series move together."""
    local_first = first.starts_at.astimezone(schedule.zone)
    first_day, time_of_day = local_first.date(), local_first.time()
    proposals = [Proposal(1, first, first_day, alternative=False)]
    previous = first_day
    for number in range(2, count + 1):
        wanted_day = previous + datetime.timedelta(days=SERIES_GAP_DAYS[0])
        found = _next_slot(schedule, previous, time_of_day, first_day, not_before)
        if found is None:
            proposals.append(Proposal(number, None, wanted_day, alternative=True))
            return proposals
        day, slot, exact = found
        proposals.append(Proposal(number, slot, day, alternative=not exact))
        previous = day
    return proposals


def _next_slot(schedule, previous, time_of_day, first_day, not_before):
    last_day = first_day + datetime.timedelta(days=SERIES_MAX_DAYS)
    preferred = [previous + datetime.timedelta(days=gap) for gap in SERIES_GAP_DAYS]
    preferred = [day for day in preferred if day <= last_day]
    by_day = {day: schedule.slots_on(day, not_before=not_before) for day in preferred}
    for day in preferred:  # the same time of day, two or three days on
        exact = _at_time(schedule, by_day[day], day, time_of_day)
        if exact is not None:
            return day, exact, True
    for day in preferred:  # the nearest free time on those days
        if by_day[day]:
            return day, _nearest(schedule, by_day[day], day, time_of_day), False
    day = previous + datetime.timedelta(days=SERIES_GAP_DAYS[-1] + 1)
    while day <= last_day:  # the next day with room at all
        slots = schedule.slots_on(day, not_before=not_before)
        if slots:
            exact = _at_time(schedule, slots, day, time_of_day)
            return day, exact or _nearest(schedule, slots, day, time_of_day), False
        day += datetime.timedelta(days=1)
    return None


def _wanted(schedule, day, time_of_day) -> datetime.datetime:
    return datetime.datetime.combine(day, time_of_day, tzinfo=schedule.zone)


def _at_time(schedule, slots, day, time_of_day) -> Slot | None:
    wanted = _wanted(schedule, day, time_of_day)
    return next((slot for slot in slots if slot.starts_at == wanted), None)


def _nearest(schedule, slots, day, time_of_day) -> Slot:
    wanted = _wanted(schedule, day, time_of_day)
    return min(slots, key=lambda slot: (abs(slot.starts_at - wanted), slot.starts_at))
