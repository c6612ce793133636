"""Free visit times for the drills that book."""

import datetime


def free_times(service, place, count: int) -> list[datetime.datetime]:
    """The first free time on each of the next `count` open days, a week ahead: far enough
    apart that booking one cannot change what the others can take."""
    from django.utils import timezone

    from klearmind.booking.availability import load_schedule

    first = timezone.localdate() + datetime.timedelta(days=7)
    last = first + datetime.timedelta(days=21)
    days = load_schedule(service=service, place=place, first=first, last=last).days(first, last)
    return [slots[0].starts_at for day, slots in sorted(days.items()) if slots][:count]
