"""Patients and their scores over time.

Everything about a patient is health information: encrypted at rest (decision 008), read only
by roles holding `accounts.view_health_record`, and every view audited.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from klearmind.booking.models import Location
from klearmind.encryption.fields import (
    EncryptedCharField,
    EncryptedDateField,
    EncryptedJSONField,
    EncryptedTextField,
    LookupHashField,
)
from klearmind.intake.models import Submission

NAME_MAX_LENGTH = 120
PHONE_MAX_LENGTH = 30
EMAIL_MAX_LENGTH = 254
SHORT_TEXT_MAX_LENGTH = 200
LONG_TEXT_MAX_LENGTH = 5000


class PatientStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    DISCHARGED = "discharged", "Discharged"


class PatientQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=PatientStatus.ACTIVE)

    def with_email(self, email: str):
        field = self.model._meta.get_field("email_hash")
        return self.filter(email_hash=field.hash(email))


class Patient(models.Model):
    full_name = EncryptedCharField(max_length=NAME_MAX_LENGTH)
    date_of_birth = EncryptedDateField()
    email = EncryptedCharField(max_length=EMAIL_MAX_LENGTH)
    email_hash = LookupHashField(source="email", purpose="email", normalise=True)
    phone = EncryptedCharField(max_length=PHONE_MAX_LENGTH)
    # The desk's finder looks a caller up by whole name or phone (docs/decisions/038).
    name_hash = LookupHashField(
        source="full_name", purpose="name", normalise="name", db_index=False
    )
    phone_hash = LookupHashField(source="phone", purpose="phone", normalise="phone", db_index=False)
    address = EncryptedTextField(max_length=300, blank=True)
    conditions = EncryptedJSONField(default=list, blank=True)
    allergies = EncryptedTextField("allergies", max_length=LONG_TEXT_MAX_LENGTH, blank=True)
    current_medications = EncryptedTextField(max_length=LONG_TEXT_MAX_LENGTH, blank=True)
    # The screening answers carried over from the questionnaire, keyed like intake's.
    medical_history = EncryptedJSONField(default=dict, blank=True)
    history_notes = EncryptedTextField(max_length=LONG_TEXT_MAX_LENGTH, blank=True)
    emergency_contact_name = EncryptedCharField(max_length=NAME_MAX_LENGTH, blank=True)
    emergency_contact_phone = EncryptedCharField(max_length=PHONE_MAX_LENGTH, blank=True)
    emergency_contact_relationship = EncryptedCharField(max_length=60, blank=True)
    escort_name = EncryptedCharField(
        "usual escort",
        max_length=NAME_MAX_LENGTH,
        blank=True,
        help_text="The responsible adult who drives the patient home after treatment.",
    )
    escort_phone = EncryptedCharField(max_length=PHONE_MAX_LENGTH, blank=True)
    psychiatrist = EncryptedCharField(max_length=SHORT_TEXT_MAX_LENGTH, blank=True)
    psychiatrist_contact = EncryptedCharField(max_length=SHORT_TEXT_MAX_LENGTH, blank=True)
    therapist = EncryptedCharField(max_length=SHORT_TEXT_MAX_LENGTH, blank=True)
    therapist_contact = EncryptedCharField(max_length=SHORT_TEXT_MAX_LENGTH, blank=True)
    primary_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="care_patients",
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.SET_NULL, related_name="patients"
    )
    submission = models.OneToOneField(
        Submission,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="patient",
        help_text="The candidacy questionnaire this record was opened from.",
    )
    status = models.CharField(
        max_length=12, choices=PatientStatus.choices, default=PatientStatus.ACTIVE
    )
    # Spravato REMS: the patient is enrolled in the program before the first dose.
    rems_enrolled_on = EncryptedDateField("enrolled in the Spravato REMS on", null=True, blank=True)
    rems_patient_id = EncryptedCharField("Spravato REMS patient ID", max_length=40, blank=True)
    rems_recorded_at = models.DateTimeField(null=True, blank=True)
    rems_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        # The patient list, newest first, read a page at a time.
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="care_patient_newest_idx"),
            models.Index(fields=["name_hash"], name="care_patient_name_hash_idx"),
            models.Index(fields=["phone_hash"], name="care_patient_phone_hash_idx"),
        ]
        # Bookings reach a record by e-mail address, so one address is one patient; it also
        # stops a double-clicked "open the record" from making two.
        constraints = [models.UniqueConstraint(fields=["email_hash"], name="one_patient_per_email")]

    def __str__(self):
        # Never the name: model reprs reach logs and error reports.
        return f"Patient {self.pk}"

    def age_on(self, day: datetime.date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def condition_labels(self) -> list[str]:
        from klearmind.intake.models import Condition

        labels = dict(Condition.choices)
        return [labels.get(value, value) for value in self.conditions]

    def history_flags(self) -> list[tuple[str, str]]:
        """The screening questions answered "yes" or "not sure", in the clinic's words."""
        from klearmind.intake.questionnaires import NOT_SURE, SCREENING_LABELS, YES

        answers = {YES: "yes", NOT_SURE: "not sure"}
        return [
            (SCREENING_LABELS.get(key, key), answers[value])
            for key, value in self.medical_history.items()
            if value in answers
        ]

    def record_rems_enrolment(self, *, by, enrolled_on: datetime.date, patient_id: str) -> None:
        """Record the patient's Spravato REMS enrolment: the day and the program's ID."""
        if enrolled_on > timezone.localdate():
            raise ValidationError(
                {"enrolled_on": "That day is still to come: enter the day of enrolment."},
                code="in_future",
            )
        if not patient_id.strip():
            raise ValidationError({"patient_id": "Give the REMS patient ID."}, code="id_needed")
        self.rems_enrolled_on, self.rems_patient_id = enrolled_on, patient_id.strip()
        self.rems_recorded_at, self.rems_recorded_by = timezone.now(), by
        fields = ["rems_enrolled_on", "rems_patient_id", "rems_recorded_at", "rems_recorded_by"]
        self.save(update_fields=fields)

    def rems_enrolled_by(self, day: datetime.date) -> bool:
        return (
            bool(self.rems_patient_id)
            and self.rems_enrolled_on is not None
            and (self.rems_enrolled_on <= day)
        )

    def appointments(self):
        """The bookings made under this patient's e-mail address, newest first."""
        from klearmind.booking.models import Appointment

        return (
            Appointment.objects.filter(patient_email_hash=self.email_hash)
            .for_calendar()
            .order_by("-starts_at")
        )


class MeasurementSource(models.TextChoices):
    INTAKE = "intake", "Candidacy questionnaire"
    CHECK_IN = "check_in", "Check-in questionnaire"
    CLINIC = "clinic", "Entered in clinic"


class MeasurementQuerySet(models.QuerySet):
    def in_order(self):
        return self.order_by("taken_at", "pk")


class Measurement(models.Model):
    """One sitting of questionnaires. `scores` holds, per measure answered, its total, band
    and items: {"phq9": {"total": 14, "band": "moderate", "items": [...]}, "gad7": ...,
    "pcl5": ..., "pain": {"total": 6}}."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="measurements")
    taken_at = models.DateTimeField(default=timezone.now, db_index=True)
    source = models.CharField(max_length=12, choices=MeasurementSource.choices)
    scores = EncryptedJSONField(default=dict)
    # PHQ-9 item 9 above "not at all": a clinician reviews it the same day.
    urgent = models.BooleanField(default=False)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Why a paper questionnaire was entered more than 30 days after it was filled in.
    late_reason = EncryptedTextField(max_length=500, blank=True)

    objects = MeasurementQuerySet.as_manager()

    class Meta:
        ordering = ["taken_at", "pk"]
        # A patient's scores up to a day: progress, and the dashboard over many patients.
        indexes = [
            models.Index(fields=["patient", "taken_at"], name="care_score_patient_time_idx"),
            # Needs attention, counted on every back-office page: the urgent sittings not yet
            # reviewed, a handful among years of scores.
            models.Index(
                fields=["source", "taken_at"],
                condition=models.Q(urgent=True, reviewed_at__isnull=True),
                name="care_score_open_urgent_idx",
            ),
        ]

    def __str__(self):
        return f"Measurement {self.pk} of patient {self.patient_id}"

    def total(self, measure: str) -> int | None:
        score = self.scores.get(measure)
        return None if score is None else score["total"]

    def mark_reviewed(self, *, by) -> None:
        """A clinician has read an urgent sitting and acted on it (through a review with a note
        on Needs attention, which calls this)."""
        if not self.urgent:
            raise ValidationError("Only an urgent measurement needs a review.", code="not_urgent")
        if self.reviewed_at is not None:
            raise ValidationError("This measurement was reviewed already.", code="reviewed")
        self.reviewed_at = timezone.now()
        self.reviewed_by = by
        self.save(update_fields=["reviewed_at", "reviewed_by"])


class PatientNote(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    text = EncryptedTextField(max_length=LONG_TEXT_MAX_LENGTH)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Note {self.pk} on patient {self.patient_id}"
