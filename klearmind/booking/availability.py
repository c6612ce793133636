"""Free slots: opening hours ∩ provider hours − closures − time off − bookings − chairs.

Everything for a date range is loaded in a handful of queries (`load_schedule`); the rest is
pure arithmetic on intervals of epoch seconds. Days and hours are the location's wall clock
(its time zone), turned into absolute instants day by day, so a day on which clocks change
is 23 or 25 hours long and every slot on it is still at the right instant.
"""

import bisect
import datetime
import itertools
import math
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from django.core.validators import MaxValueValidator
from django.db.models import F, Max, Prefetch, Q, Subquery

from .models import Appointment, Closure, Location, Provider, ProviderHours, Service, TimeOff

STEP_MINUTES = 15
STEP = STEP_MINUTES * 60
UTC = datetime.UTC

Interval = tuple[int, int]  # [start, end) in epoch seconds


@dataclass(frozen=True)
class Place:
    """Where a visit happens: a location, or a home visit sent out from that location."""

    location: Location
    at_home: bool = False

    @property
    def key(self) -> str:
        return "home" if self.at_home else self.location.slug

    @property
    def label(self) -> str:
        return "At home" if self.at_home else self.location.page.title


@dataclass(frozen=True)
class Slot:
    starts_at: datetime.datetime  # UTC
    provider_id: int
    chair: int | None


@dataclass
class ProviderPlan:
    id: int
    hours: dict[int, list[tuple[datetime.time, datetime.time]]]
    away: list[Interval] = field(default_factory=list)
    busy: list[Interval] = field(default_factory=list)


@dataclass
class Schedule:
    """What decides the free slots of one service at one place over a range of days."""

    zone: ZoneInfo
    opening: dict[int, tuple[datetime.time, datetime.time]]
    closures: list[tuple[datetime.date, datetime.date, datetime.time | None, datetime.time | None]]
    providers: list[ProviderPlan]
    chairs: int | None  # None for home visits and phone calls: a provider but no chair
    chair_busy: dict[int, list[Interval]]
    before: int  # seconds held before the visit (buffer, and travel for home visits)
    length: int
    after: int

    def without_bookings(self) -> "Schedule":
        providers = [replace(plan, busy=[]) for plan in self.providers]
        return replace(self, providers=providers, chair_busy={})

    def day_bounds(self, day: datetime.date) -> Interval:
        return local_interval(day, datetime.time(0), datetime.time(0), self.zone, next_day=True)

    def open_windows(self, day: datetime.date) -> list[Interval]:
        """The location's opening hours that day, less closures."""
        hours = self.opening.get(day.weekday())
        if hours is None:
            return []
        windows = [local_interval(day, *hours, self.zone)]
        for first, last, starts, ends in self.closures:
            if first <= day <= last:
                if starts is None:
                    return []
                windows = subtract(windows, [local_interval(day, starts, ends, self.zone)])
        return windows

    def slots_on(self, day: datetime.date, *, not_before: int = 0) -> list[Slot]:
        opening = self.open_windows(day)
        if not opening:
            return []
        day_start, day_end = self.day_bounds(day)
        reach = (day_start - self.before - 86400, day_end + self.after + 86400)
        chair_busy = {c: Busy(overlapping(b, reach)) for c, b in self.chair_busy.items()}
        chairs: dict[int, int | None] = {}  # per start: the first free chair, whoever treats
        found: dict[int, Slot] = {}
        for plan in self.providers:
            hours = [
                local_interval(day, s, e, self.zone) for s, e in plan.hours.get(day.weekday(), [])
            ]
            windows = subtract(intersect(opening, hours), plan.away)
            busy = Busy(overlapping(plan.busy, reach))
            for start in self._starts(windows, not_before):
                if start in found:
                    continue
                block = (start - self.before, start + self.length + self.after)
                if busy.overlaps(block):
                    continue
                if start not in chairs:
                    chairs[start] = self._free_chair(chair_busy, block)
                chair = chairs[start]
                if self.chairs is None or chair is not None:
                    found[start] = Slot(datetime.datetime.fromtimestamp(start, UTC), plan.id, chair)
        return [found[start] for start in sorted(found)]

    def _starts(self, windows: list[Interval], not_before: int):
        for window_start, window_end in windows:
            start = max(align(window_start + self.before), align(not_before))
            while start + self.length + self.after <= window_end:
                yield start
                start += STEP

    def _free_chair(self, chair_busy: dict[int, "Busy"], block: Interval) -> int | None:
        if self.chairs is None:
            return None
        for chair in range(1, self.chairs + 1):
            busy = chair_busy.get(chair)
            if busy is None or not busy.overlaps(block):
                return chair
        return None

    def days(
        self, first: datetime.date, last: datetime.date, *, not_before: int = 0
    ) -> dict[datetime.date, list[Slot]]:
        """Every day from first to last (inclusive) with its free slots."""
        result = {}
        day = first
        while day <= last:
            result[day] = self.slots_on(day, not_before=not_before)
            day += datetime.timedelta(days=1)
        return result

    def slot_at(self, starts_at: datetime.datetime, *, not_before: int = 0) -> Slot | None:
        day = starts_at.astimezone(self.zone).date()
        for slot in self.slots_on(day, not_before=not_before):
            if slot.starts_at == starts_at:
                return slot
        return None


def local_interval(
    day: datetime.date,
    starts: datetime.time,
    ends: datetime.time,
    zone: ZoneInfo,
    *,
    next_day: bool = False,
) -> Interval:
    start = datetime.datetime.combine(day, starts, tzinfo=zone)
    end_day = day + datetime.timedelta(days=1) if next_day else day
    end = datetime.datetime.combine(end_day, ends, tzinfo=zone)
    return int(start.timestamp()), int(end.timestamp())


def align(seconds: int) -> int:
    return math.ceil(seconds / STEP) * STEP


def intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    out = []
    for a_start, a_end in a:
        for b_start, b_end in b:
            start, end = max(a_start, b_start), min(a_end, b_end)
            if start < end:
                out.append((start, end))
    return sorted(out)


def subtract(windows: list[Interval], holes) -> list[Interval]:
    for hole_start, hole_end in holes:
        pieces = []
        for start, end in windows:
            if hole_end <= start or hole_start >= end:
                pieces.append((start, end))
                continue
            if start < hole_start:
                pieces.append((start, hole_start))
            if hole_end < end:
                pieces.append((hole_end, end))
        windows = pieces
    return windows


class Busy:
    """Busy intervals, sorted, answering "does this block overlap any?" by bisection."""

    def __init__(self, intervals: list[Interval]):
        ordered = sorted(intervals)
        self.starts = [start for start, _ in ordered]
        self.latest_end = list(itertools.accumulate((end for _, end in ordered), max))

    def overlaps(self, block: Interval) -> bool:
        before_end = bisect.bisect_left(self.starts, block[1])  # intervals starting before it ends
        return before_end > 0 and self.latest_end[before_end - 1] > block[0]


def overlapping(intervals, reach: Interval) -> list[Interval]:
    return [(s, e) for s, e in intervals if s < reach[1] and e > reach[0]]


def epoch(moment: datetime.datetime) -> int:
    return int(moment.timestamp())


def load_schedule(
    *,
    service: Service,
    place: Place,
    first: datetime.date,
    last: datetime.date,
    exclude: tuple[int, ...] = (),
) -> Schedule:
    """Read the hours, closures, providers, time off and bookings for [first, last]."""
    location = place.location
    zone = location.zone
    range_start = datetime.datetime.combine(first, datetime.time(0), tzinfo=zone)
    range_end = datetime.datetime.combine(last, datetime.time(0), tzinfo=zone)
    range_end += datetime.timedelta(days=2)
    range_start -= datetime.timedelta(days=1)
    if place.at_home:
        hours_here = ProviderHours.objects.filter(location__isnull=True)
    else:
        hours_here = ProviderHours.objects.filter(location=location)
    providers = list(
        Provider.objects.filter(active=True, services=service)
        .prefetch_related(Prefetch("hours", queryset=hours_here))
        .order_by("pk")
    )
    plans = {p.pk: ProviderPlan(p.pk, hours_by_weekday(p.hours.all())) for p in providers}
    for off in TimeOff.objects.filter(
        provider__in=plans, starts_at__lt=range_end, ends_at__gt=range_start
    ):
        plans[off.provider_id].away.append((epoch(off.starts_at), epoch(off.ends_at)))
    chair_busy: dict[int, list[Interval]] = {}
    booked = booked_between(
        location, list(plans), range_start, range_end, exclude=exclude
    ).values_list("provider_id", "location_id", "chair", "occupied_from", "occupied_until")
    for provider_id, location_id, chair, occupied_from, occupied_until in booked:
        interval = (epoch(occupied_from), epoch(occupied_until))
        if provider_id in plans:
            plans[provider_id].busy.append(interval)
        if location_id == location.pk and chair is not None:
            chair_busy.setdefault(chair, []).append(interval)
    travel = location.travel_buffer_minutes * 60 if place.at_home else 0
    return Schedule(
        zone=zone,
        opening={h.weekday: (h.opens, h.closes) for h in location.page.hours.all()},
        closures=closures_between(location, first, last),
        providers=list(plans.values()),
        chairs=location.chairs if service.needs_chair and not place.at_home else None,
        chair_busy=chair_busy,
        before=service.buffer_before_minutes * 60 + travel,
        length=service.duration_minutes * 60,
        after=service.buffer_after_minutes * 60 + travel,
    )


def booked_between(
    location: Location,
    provider_ids: list[int],
    start: datetime.datetime,
    end: datetime.datetime,
    *,
    exclude: tuple[int, ...] = (),
):
    """The active visits holding a chair of `location` (in the clinic) or one of the providers
    at some time in [start, end): the one read behind every free slot and every booking."""
    return (
        Appointment.objects.occupying(start, end, longest=longest_occupancy())
        .filter(Q(location=location, at_home=False) | Q(provider__in=provider_ids))
        .exclude(pk__in=exclude)
    )


def validated_maximum(model, name: str) -> int:
    field = model._meta.get_field(name)
    return next(v.limit_value for v in field.validators if isinstance(v, MaxValueValidator))


def longest_occupancy() -> datetime.timedelta:
    """The longest time one visit can hold a chair or a provider: the longest service with its
    buffers, plus travel both ways. The largest of what the services and locations say now
    (one small query) and of what their fields allow, since a visit booked before a service
    was shortened keeps its longer time (docs/decisions/036)."""
    travel = Location.objects.order_by("-travel_buffer_minutes").values("travel_buffer_minutes")
    now = Service.objects.aggregate(
        span=Max(F("duration_minutes") + F("buffer_before_minutes") + F("buffer_after_minutes")),
        travel=Max(Subquery(travel[:1])),
    )
    allowed_span = sum(
        validated_maximum(Service, name)
        for name in ("duration_minutes", "buffer_before_minutes", "buffer_after_minutes")
    )
    allowed_travel = validated_maximum(Location, "travel_buffer_minutes")
    span = max(now["span"] or 0, allowed_span)
    travel_minutes = max(now["travel"] or 0, allowed_travel)
    return datetime.timedelta(minutes=span + 2 * travel_minutes)


def hours_by_weekday(hours) -> dict[int, list[tuple[datetime.time, datetime.time]]]:
    by_day: dict[int, list] = {}
    for item in hours:
        by_day.setdefault(item.weekday, []).append((item.starts, item.ends))
    return by_day


def closures_between(location: Location, first: datetime.date, last: datetime.date):
    overlapping_days = Q(ends_on__gte=first) | Q(ends_on__isnull=True, starts_on__gte=first)
    return [
        (c.starts_on, c.last_day, c.starts_at, c.ends_at)
        for c in Closure.objects.filter(overlapping_days, location=location, starts_on__lte=last)
    ]


def occupied_span(
    *, service: Service, place: Place, starts_at: datetime.datetime
) -> tuple[datetime.datetime, datetime.datetime, datetime.datetime]:
    """The visit's end, and the time it holds a chair and a provider (from, until)."""
    travel = datetime.timedelta(
        minutes=place.location.travel_buffer_minutes if place.at_home else 0
    )
    ends_at = starts_at + service.duration
    occupied_from = starts_at - datetime.timedelta(minutes=service.buffer_before_minutes) - travel
    occupied_until = ends_at + datetime.timedelta(minutes=service.buffer_after_minutes) + travel
    return ends_at, occupied_from, occupied_until
