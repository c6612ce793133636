"""Visits, scores and check-ins for the outcome tests, made straight through the models."""

import datetime

from django.utils import timezone

from klearmind.booking.models import Appointment, AppointmentStatus, Series, ServiceKind
from klearmind.booking.tests.factories import make_location, make_provider, make_service
from klearmind.care.check_ins.services import check_in_path
from klearmind.care.measures import measurement_scores
from klearmind.care.models import CheckIn, CheckInReason, Measurement, MeasurementSource

from .factories import PATIENT_EMAIL, PATIENT_NAME

PHQ9_ITEMS = {
    18: [3, 3, 2, 2, 2, 2, 2, 2, 0],
    16: [2, 2, 2, 2, 2, 2, 2, 2, 0],
    10: [2, 2, 1, 1, 1, 1, 1, 1, 0],
    6: [1, 1, 1, 1, 1, 1, 0, 0, 0],
    4: [1, 1, 1, 1, 0, 0, 0, 0, 0],
}
PHQ9_URGENT = [1, 1, 1, 1, 1, 1, 1, 1, 1]


class Treatment:
    """A location, an infusion service and a provider to book visits with."""

    def __init__(self, slug="midtown"):
        self.location = make_location(slug)
        self.service = make_service(self.location, slug=f"{slug}-iv", kind=ServiceKind.KETAMINE)
        self.provider = make_provider(f"Dr {slug}", [self.service], location=self.location)
        self.series = Series.objects.create(service=self.service)

    def visit(self, starts_at, *, status=AppointmentStatus.BOOKED, email=PATIENT_EMAIL, **extra):
        return Appointment.objects.create(
            service=self.service,
            location=self.location,
            provider=self.provider,
            chair=1,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(minutes=90),
            occupied_from=starts_at,
            occupied_until=starts_at + datetime.timedelta(minutes=90),
            status=status,
            patient_name=PATIENT_NAME,
            patient_email=email,
            patient_phone="(916) 555-0143",
            series=self.series,
            **extra,
        )


def days_ago(days: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def score(patient, *, phq9=None, gad7=None, pcl5=None, taken_at=None, source="check_in"):
    items = PHQ9_ITEMS[phq9] if isinstance(phq9, int) else phq9
    scores = measurement_scores(phq9=items, gad7=gad7, pcl5=pcl5)
    return Measurement.objects.create(
        patient=patient,
        source=source or MeasurementSource.CHECK_IN,
        scores=scores,
        taken_at=taken_at or timezone.now(),
        urgent=bool(items and items[8] > 0),
    )


def make_check_in(patient, *, key="test-1", **fields) -> CheckIn:
    values = {"reason": CheckInReason.WEEKLY, "measures": ["phq9"], **fields}
    return CheckIn.objects.create(patient=patient, key=key, **values)


def open_check_in(client, check_in: CheckIn) -> str:
    """Open the e-mailed link in `client`, as the patient does; the check-in's own address."""
    response = client.get(check_in_path(check_in))
    assert response.status_code == 302, response.content.decode()
    return response["Location"]
