"""A clinic day to count: visits on a location's own today, and the people asking for a call."""

import datetime
import secrets

from django.test import RequestFactory
from django.utils import timezone

from klearmind.booking.models import Appointment, AppointmentStatus
from klearmind.intake.models import Submission


def local_today(location, hour: int, minute: int = 0) -> datetime.datetime:
    """A time on the location's today: whatever the clock says, its date is today there."""
    day = timezone.now().astimezone(location.zone).date()
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=location.zone)


def visit(
    location,
    service,
    provider,
    starts_at,
    *,
    status=AppointmentStatus.BOOKED,
    by=None,
    name="Dana Reyes",
) -> Appointment:
    """A visit as it stands in the calendar, without the booking checks: a count needs none."""
    ends_at = starts_at + datetime.timedelta(minutes=30)
    return Appointment.objects.create(
        service=service,
        location=location,
        provider=provider,
        starts_at=starts_at,
        ends_at=ends_at,
        occupied_from=starts_at,
        occupied_until=ends_at,
        status=status,
        patient_name=name,
        patient_email=f"{secrets.token_hex(4)}@example.org",
        patient_phone="(916) 555-0199",
        booked_by=by,
    )


def submission(*, status="new", submitted_at=None, urgent=False) -> Submission:
    return Submission.objects.create(
        draft_key=secrets.token_hex(16),
        submitted_at=submitted_at or timezone.now(),
        full_name="Morgan Vale",
        email="morgan.vale@example.org",
        phone="(916) 555-0101",
        date_of_birth=datetime.date(1980, 1, 2),
        zip_code="95816",
        preferred_contact="phone",
        location="sacramento",
        status=status,
        urgent=urgent,
    )


def home_request(user):
    """A request for the home screen by `user`, signed in with a second factor confirmed, the
    user's permissions already loaded (as the admin's own checks load them first)."""
    request = RequestFactory().get("/admin/")
    user.is_verified = lambda: True
    user.has_perm("accounts.view_health_record")
    request.user = user
    return request
