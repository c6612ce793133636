"""Check-in questionnaires: the PHQ-9 (and GAD-7 / PCL-5 where they apply) a patient fills
behind a private link before a visit and weekly during a series."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from klearmind.booking.models import Appointment
from klearmind.encryption.fields import EncryptedJSONField

from ..patients.models import Measurement, Patient

# How long a check-in link works: a week, the period between weekly check-ins.
CHECK_IN_VALID_DAYS = 7


def check_in_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=CHECK_IN_VALID_DAYS)


class CheckInReason(models.TextChoices):
    VISIT = "visit", "Before a visit"
    WEEKLY = "weekly", "Weekly during a series"
    REQUESTED = "requested", "Sent by a clinician"


class CheckInQuerySet(models.QuerySet):
    def open(self, *, now: datetime.datetime | None = None):
        now = now or timezone.now()
        return self.filter(completed_at__isnull=True, expires_at__gt=now)

    def created_since(self, moment: datetime.datetime):
        return self.filter(created_at__gte=moment)


class CheckIn(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="check_ins")
    appointment = models.ForeignKey(
        Appointment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The visit this check-in comes before.",
    )
    reason = models.CharField(max_length=12, choices=CheckInReason.choices)
    # Which questionnaires apply reveals the patient's conditions: encrypted.
    measures = EncryptedJSONField(default=list)
    # One check-in per visit and per period, even when two sweeps run at once.
    key = models.CharField(max_length=80, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=check_in_expiry)
    completed_at = models.DateTimeField(null=True, blank=True)
    measurement = models.OneToOneField(
        Measurement, null=True, blank=True, on_delete=models.SET_NULL, related_name="check_in"
    )
    # The e-mail with the link, sent by the task worker and retried on failure.
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    # The on-call clinician's alert when PHQ-9 item 9 was above "not at all".
    alert_sent_at = models.DateTimeField(null=True, blank=True)
    alert_attempts = models.PositiveSmallIntegerField(default=0)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        # A patient's latest check-ins: their progress page, and the sweep's "none this week".
        indexes = [
            models.Index(fields=["patient", "-created_at"], name="care_checkin_patient_new_idx")
        ]

    def __str__(self):
        return f"Check-in {self.pk} of patient {self.patient_id}"

    def is_expired(self, *, now: datetime.datetime | None = None) -> bool:
        return self.completed_at is None and self.expires_at <= (now or timezone.now())

    @property
    def state(self) -> str:
        if self.completed_at:
            return "Completed"
        if self.is_expired():
            return "Expired"
        return "Sent" if self.sent_at else "Waiting to be sent"

    def complete(self, measurement: Measurement) -> None:
        """Attach the answers; a check-in is completed once, and only while its link works."""
        if self.completed_at is not None:
            raise ValidationError("This check-in was completed already.", code="completed")
        if self.is_expired(now=measurement.taken_at):
            raise ValidationError("This check-in link has expired.", code="expired")
        self.completed_at = measurement.taken_at
        self.measurement = measurement
        self.save(update_fields=["completed_at", "measurement"])
