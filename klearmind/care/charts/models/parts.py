"""What is recorded on an infusion chart (vital signs, events, addenda) and the Spravato REMS
patient monitoring record. Each is locked with its chart once the chart is signed."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from klearmind.encryption.fields import (
    EncryptedCharField,
    EncryptedDecimalField,
    EncryptedIntegerField,
    EncryptedJSONField,
    EncryptedTextField,
)

from ... import rules
from ...patients.models import LONG_TEXT_MAX_LENGTH
from .charts import (
    REMS_40_MINUTE_WINDOW,
    VITAL_NAMES,
    InfusionChart,
    Phase,
    chart_signed_error,
)


class ChartPart(models.Model):
    """Something recorded on a chart: locked with it."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.chart.is_signed_in_database():
            raise chart_signed_error()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.chart.is_signed_in_database():
            raise chart_signed_error()
        return super().delete(*args, **kwargs)


class VitalSign(ChartPart):
    chart = models.ForeignKey(InfusionChart, on_delete=models.CASCADE, related_name="vitals")
    taken_at = models.DateTimeField(default=timezone.now)
    phase = models.CharField(max_length=8, choices=Phase.choices, default=Phase.DURING)
    systolic = EncryptedIntegerField(
        "systolic (mmHg)", validators=[MinValueValidator(40), MaxValueValidator(300)]
    )
    diastolic = EncryptedIntegerField(
        "diastolic (mmHg)", validators=[MinValueValidator(20), MaxValueValidator(200)]
    )
    heart_rate = EncryptedIntegerField(
        "heart rate (per minute)", validators=[MinValueValidator(20), MaxValueValidator(250)]
    )
    spo2 = EncryptedIntegerField(
        "SpO2 (%)", validators=[MinValueValidator(50), MaxValueValidator(100)]
    )
    respiratory_rate = EncryptedIntegerField(
        "respiratory rate (per minute)",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(80)],
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["taken_at", "pk"]

    def __str__(self):
        return f"Vital signs {self.pk} on chart {self.chart_id}"

    def reading(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in VITAL_NAMES}

    @property
    def flags(self) -> list[rules.Flag]:
        if not hasattr(self, "_flags"):
            self._flags = rules.vital_flags(self.reading(), self.chart.thresholds)
        return self._flags

    def flag_for(self, field: str) -> str:
        return "; ".join(flag.text for flag in self.flags if flag.field == field)

    @property
    def blood_pressure(self) -> str:
        return f"{self.systolic}/{self.diastolic}"


class ChartAlertQuerySet(models.QuerySet):
    def unacknowledged(self):
        """Alerts no clinician has acknowledged yet, oldest first: for a clinic-wide list."""
        return self.filter(acknowledged_at__isnull=True).order_by("raised_at", "pk")

    def acknowledged(self):
        return self.filter(acknowledged_at__isnull=False)

    def for_list(self):
        return self.select_related("chart__patient", "vital", "acknowledged_by")


class ChartAlert(ChartPart):
    """A reading past an alert limit, raised when the reading is recorded; a clinician
    acknowledges it with a note before the chart can be signed."""

    chart = models.ForeignKey(InfusionChart, on_delete=models.CASCADE, related_name="alerts")
    vital = models.OneToOneField(VitalSign, on_delete=models.CASCADE, related_name="alert")
    raised_at = models.DateTimeField(help_text="When the reading was taken.")
    text = EncryptedTextField(max_length=1000)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = EncryptedTextField("what was done", max_length=2000, blank=True)

    objects = ChartAlertQuerySet.as_manager()

    class Meta:
        ordering = ["raised_at", "pk"]

    def __str__(self):
        return f"Alert {self.pk} on chart {self.chart_id}"

    @classmethod
    def raise_for(cls, vital: VitalSign) -> "ChartAlert | None":
        """The alert of a reading past a limit (made once); None for a reading inside them."""
        if not vital.flags:
            return None
        text = "; ".join(flag.text for flag in vital.flags)
        alert, _ = cls.objects.get_or_create(
            vital=vital, defaults={"chart": vital.chart, "raised_at": vital.taken_at, "text": text}
        )
        return alert

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    def acknowledge(self, *, by, note: str, at: datetime.datetime | None = None) -> None:
        """A clinician acknowledges the alert, saying what was done."""
        if self.is_acknowledged:
            raise ValidationError("This alert was acknowledged already.", code="acknowledged")
        if by is None or not by.has_perm("accounts.change_health_record"):
            raise ValidationError(
                "Only a clinician may acknowledge an alert.", code="not_a_clinician"
            )
        if not note.strip():
            raise ValidationError(
                {"note": "Say what was done about the alert."}, code="note_needed"
            )
        self.acknowledged_at = InfusionChart.checked_time(at)
        self.acknowledged_by, self.note = by, note.strip()
        self.save(update_fields=["acknowledged_at", "acknowledged_by", "note"])


class EventKind(models.TextChoices):
    NAUSEA = "nausea", "Nausea"
    DISSOCIATION = "dissociation", "Dissociation"
    AGITATION = "agitation", "Agitation"
    HYPERTENSION = "hypertension", "Hypertension"
    RATE_CHANGE = "rate_change", "Rate change"
    OTHER = "other", "Other"


class ChartEvent(ChartPart):
    chart = models.ForeignKey(InfusionChart, on_delete=models.CASCADE, related_name="events")
    kind = EncryptedCharField(max_length=20, choices=EventKind.choices)
    occurred_at = models.DateTimeField(default=timezone.now)
    detail = EncryptedTextField(max_length=2000, blank=True)
    new_rate = EncryptedDecimalField(
        "new rate (mL/h)",
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["occurred_at", "pk"]

    def __str__(self):
        return f"Event {self.pk} on chart {self.chart_id}"

    def clean(self):
        if self.kind == EventKind.RATE_CHANGE and self.new_rate is None:
            raise ValidationError({"new_rate": "Give the new rate for a rate change."})
        if self.kind == EventKind.OTHER and not self.detail.strip():
            raise ValidationError({"detail": "Describe the event."})


class Addendum(models.Model):
    """Added to a signed chart; never edited."""

    chart = models.ForeignKey(InfusionChart, on_delete=models.CASCADE, related_name="addenda")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    text = EncryptedTextField(max_length=LONG_TEXT_MAX_LENGTH)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "addenda"

    def __str__(self):
        return f"Addendum {self.pk} on chart {self.chart_id}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValidationError("An addendum is never edited.", code="addendum_final")
        if not self.chart.is_signed_in_database():
            raise ValidationError(
                "The chart is still open: write in its notes instead.", code="chart_open"
            )
        super().save(*args, **kwargs)


class YesNo(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"


class ConcomitantMedicine(models.TextChoices):
    BENZODIAZEPINES = "benzodiazepines", "Benzodiazepines"
    NON_BENZODIAZEPINE_SLEEP = "sleep_aids", "Non-benzodiazepine sleep medicines"
    OPIOIDS = "opioids", "Opioids"
    PSYCHOSTIMULANTS = "psychostimulants", "Psychostimulants (e.g. amphetamines, methylphenidate)"
    MAOIS = "maois", "Monoamine oxidase inhibitors (MAOIs)"
    OTHER_CNS_DEPRESSANTS = (
        "cns_depressants",
        "Other CNS depressants (e.g. alcohol, sedating antihistamines)",
    )
    NONE = "none", "None of these"


class RemsRecordQuerySet(models.QuerySet):
    def not_submitted(self):
        return self.filter(submitted_at__isnull=True)

    def overdue(self, today: datetime.date):
        return self.not_submitted().filter(due_on__lt=today)


# Filled in with the chart; after signing only the submission may still change.
SUBMISSION_FIELDS = {"submitted_at", "submitted_by", "confirmation_reference"}
REQUIRED_REMS_FIELDS = {
    "patient_rems_id": "patient REMS ID",
    "setting_rems_id": "healthcare setting REMS ID",
    "device_lot_number": "device lot number",
    "first_treatment": "first treatment",
    "vitals_acceptable_before_dosing": "vital signs acceptable before dosing",
    "vitals_acceptable_before_discharge": "vital signs acceptable before discharge",
    "monitoring_clinician_contact": "monitoring clinician's contact",
    "ready_without_minimum_at": "when the patient would have been ready without the 2 hours",
    "concomitant_medicines": "concomitant medicines",
    "sedation": "sedation",
    "dissociation": "dissociation",
    "respiratory_depression": "respiratory depression",
    "hospitalised": "hospitalization or emergency visit",
}


class RemsRecord(models.Model):
    """The Spravato REMS patient monitoring form of one session. The dose, the time of dosing,
    the time the patient was ready to leave and the blood pressures come from the chart."""

    chart = models.OneToOneField(InfusionChart, on_delete=models.CASCADE, related_name="rems")
    patient_rems_id = EncryptedCharField("patient REMS ID", max_length=40, blank=True)
    setting_rems_id = models.CharField("healthcare setting REMS ID", max_length=40, blank=True)
    device_lot_number = EncryptedCharField("device lot number", max_length=40, blank=True)
    first_treatment = EncryptedCharField(
        "first treatment", max_length=3, choices=YesNo.choices, blank=True
    )
    vitals_acceptable_before_dosing = EncryptedCharField(
        "vital signs acceptable before dosing", max_length=3, choices=YesNo.choices, blank=True
    )
    vitals_acceptable_before_discharge = EncryptedCharField(
        "vital signs acceptable before discharge", max_length=3, choices=YesNo.choices, blank=True
    )
    monitoring_clinician_contact = models.CharField(
        "monitoring clinician's contact",
        max_length=200,
        blank=True,
        help_text="Name and phone or e-mail of the clinician who monitored the session.",
    )
    ready_without_minimum_at = models.TimeField(
        "would have been ready to leave without the 2-hour minimum at", null=True, blank=True
    )
    concomitant_medicines = EncryptedJSONField(
        default=list,
        blank=True,
        help_text="Sedating or blood-pressure-raising medicines the patient takes now.",
    )
    sedation = EncryptedCharField(max_length=3, choices=YesNo.choices, blank=True)
    dissociation = EncryptedCharField(max_length=3, choices=YesNo.choices, blank=True)
    respiratory_depression = EncryptedCharField(max_length=3, choices=YesNo.choices, blank=True)
    hospitalised = EncryptedCharField(
        "hospitalisation or emergency visit", max_length=3, choices=YesNo.choices, blank=True
    )
    adverse_events = EncryptedTextField(
        "other adverse events", max_length=LONG_TEXT_MAX_LENGTH, blank=True
    )
    due_on = models.DateField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmation_reference = models.CharField(max_length=60, blank=True)

    objects = RemsRecordQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = "REMS monitoring record"
        # REMS forms due: only the forms not yet submitted, the earliest due first.
        indexes = [
            models.Index(
                fields=["due_on", "id"],
                condition=models.Q(submitted_at__isnull=True),
                name="care_rems_due_idx",
            )
        ]

    def __str__(self):
        return f"REMS record {self.pk} of chart {self.chart_id}"

    def save(self, *args, **kwargs):
        fields = kwargs.get("update_fields")
        only_submission = fields is not None and set(fields) <= SUBMISSION_FIELDS
        if self.pk and not only_submission and self.chart.is_signed_in_database():
            raise chart_signed_error()
        super().save(*args, **kwargs)

    def blood_pressures(self) -> dict[str, "VitalSign | None"]:
        """Pre-dose, about 40 minutes after dosing, and at discharge."""
        chart, vitals = self.chart, list(self.chart.vitals.all())
        pre = [v for v in vitals if v.phase == Phase.BASELINE]
        low, high = REMS_40_MINUTE_WINDOW
        forty = [
            v
            for v in vitals
            if chart.started_at
            and low <= (v.taken_at - chart.started_at).total_seconds() / 60 <= high
        ]
        after = [v for v in vitals if v.phase == Phase.AFTER]
        return {
            "pre-dose": pre[-1] if pre else None,
            "about 40 minutes after dosing": forty[0] if forty else None,
            "at discharge": after[-1] if after else None,
        }

    def missing(self) -> list[str]:
        missing = [label for name, label in REQUIRED_REMS_FIELDS.items() if not getattr(self, name)]
        missing += [
            f"blood pressure {when}" for when, v in self.blood_pressures().items() if v is None
        ]
        return missing

    def concomitant_labels(self) -> list[str]:
        labels = dict(ConcomitantMedicine.choices)
        return [labels.get(value, value) for value in self.concomitant_medicines]

    def mark_submitted(self, *, by, reference: str) -> None:
        if self.submitted_at:
            raise ValidationError("This form was submitted already.", code="submitted")
        if not self.chart.is_signed:
            raise ValidationError("Sign the chart before submitting its form.", code="chart_open")
        if not reference.strip():
            raise ValidationError("Give the confirmation reference.", code="reference_needed")
        self.submitted_at, self.submitted_by = timezone.now(), by
        self.confirmation_reference = reference.strip()
        self.save(update_fields=list(SUBMISSION_FIELDS))
