"""The morning run that renews the memberships due, enqueued daily by the scheduler."""

from django.utils import timezone
from django_tasks import task

from .memberships import renew_due


@task()
def renew_memberships() -> dict:
    """Charge the next month of every membership due today (the clinic's date); return what
    was renewed, declined and paused, by membership id."""
    return renew_due(timezone.localdate()).as_dict()
