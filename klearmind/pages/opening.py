"""Whether a location is open at a moment, read on the clinic's wall clock.

Opening hours are wall-clock times in the clinic's time zone, so the moment is turned into
that zone's local time first: on the days the clocks change, 8:00 is still 8:00, however
many hours the day has.
"""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.dates import WEEKDAYS  # Monday 0, as `date.weekday()` numbers them
from django.utils.translation import gettext


@dataclass(frozen=True)
class OpeningStatus:
    is_open: bool
    day: str
    today: tuple[datetime.time, datetime.time] | None
    next_opening: str  # "today at 8:00 AM", "Monday at 8:00 AM", "" while open or never

    @property
    def summary(self) -> str:
        """In the active language, like the day names: a status is made per request."""
        if self.is_open:
            return gettext("Open now, until %(time)s") % {"time": clock(self.today[1])}
        if self.next_opening:
            return gettext("Closed now, opens %(when)s") % {"when": self.next_opening}
        return gettext("Closed now")


def clock(value: datetime.time) -> str:
    return value.strftime("%-I:%M %p")


def clinic_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def status_at(week: dict[int, tuple], moment: datetime.datetime | None = None) -> OpeningStatus:
    """`week` maps a weekday (Monday 0) to its (opens, closes); a day not in it is closed."""
    local = timezone.localtime(moment or timezone.now(), clinic_zone())
    today = week.get(local.weekday())
    now = local.time()
    is_open = today is not None and today[0] <= now < today[1]
    return OpeningStatus(
        is_open=is_open,
        day=str(WEEKDAYS[local.weekday()]),
        today=today,
        next_opening="" if is_open else next_opening(week, local),
    )


def next_opening(week: dict[int, tuple], local: datetime.datetime) -> str:
    today = week.get(local.weekday())
    if today is not None and local.time() < today[0]:
        return gettext("today at %(time)s") % {"time": clock(today[0])}
    for ahead in range(1, 8):
        day = (local.weekday() + ahead) % 7
        if day in week:
            time = clock(week[day][0])
            if ahead == 1:
                return gettext("tomorrow at %(time)s") % {"time": time}
            return gettext("%(day)s at %(time)s") % {"day": WEEKDAYS[day], "time": time}
    return ""
