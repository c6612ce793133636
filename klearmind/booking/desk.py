"""The front desk's calendars: a day with the chairs as columns and lanes for home visits
and calls, and a week with the days as columns. Hours are rows, in the location's time."""

import datetime
from dataclasses import dataclass, field

from .availability import epoch, load_schedule
from .models import Appointment, Location, Provider
from .services import earliest_start

HOME_LANE = "At home"
NO_CHAIR_LANE = "Phone / no chair"
FIRST_HOUR, LAST_HOUR = 7, 19  # rows drawn at least for these hours


@dataclass
class Grid:
    columns: list[str]
    rows: list[tuple[datetime.time, list[list[Appointment]]]] = field(default_factory=list)
    count: int = 0
    visits: list[Appointment] = field(default_factory=list)


def local_day_range(location: Location, day: datetime.date, days: int = 1):
    zone = location.zone
    start = datetime.datetime.combine(day, datetime.time(0), tzinfo=zone)
    end = datetime.datetime.combine(
        day + datetime.timedelta(days=days), datetime.time(0), tzinfo=zone
    )
    return start, end


def appointments_between(location: Location, start, end, *, provider=None):
    visits = (
        Appointment.objects.for_calendar()
        .at(location)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .order_by("starts_at")
    )
    if provider is not None:
        visits = visits.filter(provider=provider)
    return list(visits)


def lane(appointment: Appointment) -> str:
    if appointment.at_home:
        return HOME_LANE
    if appointment.chair is None:
        return NO_CHAIR_LANE
    return f"Chair {appointment.chair}"


def day_grid(location: Location, day: datetime.date, *, provider=None) -> Grid:
    start, end = local_day_range(location, day)
    visits = appointments_between(location, start, end, provider=provider)
    columns = [f"Chair {n}" for n in range(1, location.chairs + 1)] + [NO_CHAIR_LANE, HOME_LANE]
    return _fill(Grid(columns), visits, column_of=lane, zone=location.zone)


def week_grid(location: Location, monday: datetime.date, *, provider=None) -> Grid:
    start, end = local_day_range(location, monday, days=7)
    visits = appointments_between(location, start, end, provider=provider)
    days = [monday + datetime.timedelta(days=n) for n in range(7)]
    grid = Grid([f"{day:%a %-d %b}" for day in days])
    return _fill(
        grid,
        visits,
        column_of=lambda a: f"{a.starts_at.astimezone(location.zone):%a %-d %b}",
        zone=location.zone,
    )


def _fill(grid: Grid, visits, *, column_of, zone) -> Grid:
    hours = {visit.starts_at.astimezone(zone).hour for visit in visits}
    hours |= set(range(FIRST_HOUR, LAST_HOUR))
    index = {name: n for n, name in enumerate(grid.columns)}
    cells = {hour: [[] for _ in grid.columns] for hour in sorted(hours)}
    for visit in visits:
        cells[visit.starts_at.astimezone(zone).hour][index[column_of(visit)]].append(visit)
    grid.rows = [(datetime.time(hour), cells[hour]) for hour in sorted(hours)]
    grid.count = len(visits)
    grid.visits = list(visits)
    return grid


def schedule_of(provider, start, end) -> list[Appointment]:
    """One provider's visits in [start, end), at every location, cancelled ones left out."""
    return list(
        Appointment.objects.for_calendar()
        .filter(provider=provider, starts_at__gte=start, starts_at__lt=end)
        .exclude(status="cancelled")
        .order_by("starts_at")
    )


def by_day(visits, days: list[datetime.date], zone) -> list[tuple[datetime.date, list]]:
    """The visits grouped under each of `days`, in `zone`, an empty list for a free day."""
    grouped = {day: [] for day in days}
    for visit in visits:
        grouped.setdefault(visit.starts_at.astimezone(zone).date(), []).append(visit)
    return [(day, grouped[day]) for day in days]


@dataclass(frozen=True)
class FreeTime:
    starts_at: datetime.datetime  # in the location's time
    provider: str
    chair: int | None


def free_days(service, place, first: datetime.date, last: datetime.date) -> set[datetime.date]:
    """The days from first to last with a time the desk may book (from now on)."""
    schedule = load_schedule(service=service, place=place, first=first, last=last)
    not_before = epoch(earliest_start(staff=True))
    return {
        day for day, slots in schedule.days(first, last, not_before=not_before).items() if slots
    }


def free_times(service, place, day: datetime.date) -> list[FreeTime]:
    """The day's free times, each with the chair and the provider it would take."""
    schedule = load_schedule(service=service, place=place, first=day, last=day)
    slots = schedule.slots_on(day, not_before=epoch(earliest_start(staff=True)))
    names = dict(
        Provider.objects.filter(pk__in={s.provider_id for s in slots}).values_list("pk", "name")
    )
    return [
        FreeTime(slot.starts_at.astimezone(schedule.zone), names[slot.provider_id], slot.chair)
        for slot in slots
    ]
