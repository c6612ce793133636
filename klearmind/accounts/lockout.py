"""Lockout after failed sign-ins: a username from one address, and one address whatever the names.

django-axes compares one number with one limit. Its combined lockout parameters give the two
counts (failures for this username from this address, and failures from this address); this
handler reports the first, unless the second has reached its own, higher limit. Five wrong
passwords typed by a stranger therefore lock the owner out only at the stranger's address.
See docs/decisions/009.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum


class LockoutHandler(AxesDatabaseHandler):
    """Counts in the order of settings.AXES_LOCKOUT_PARAMETERS: [["username", "ip_address"],
    "ip_address"]."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        for_name_here, from_here = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        request.login_locked_by_address = from_here >= settings.LOGIN_ADDRESS_FAILURE_LIMIT
        if request.login_locked_by_address:
            return max(for_name_here, settings.AXES_FAILURE_LIMIT)
        return for_name_here


def locked_logins():
    """Usernames locked at an address after too many failed sign-ins, newest first."""
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    ).order_by("-attempt_time")


def locked_addresses():
    """Addresses past their own limit, whatever the usernames tried, newest first."""
    return (
        AccessAttempt.objects.values("ip_address")
        .annotate(failures=Sum("failures_since_start"), last_attempt=Max("attempt_time"))
        .filter(failures__gte=settings.LOGIN_ADDRESS_FAILURE_LIMIT)
        .order_by("-last_attempt")
    )
