"""The infusion chart of one session (what is recorded on it lives in chart_parts.py).

A signed chart is locked here, in the model layer: every save or delete of the chart or of
anything on it is refused with the code "chart_signed", whichever form or view asks. After
signing, an Addendum is the only way to add to it.
"""

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from klearmind.booking.models import Appointment
from klearmind.encryption.fields import (
    EncryptedCharField,
    EncryptedDecimalField,
    EncryptedTextField,
)

from .. import rules

if TYPE_CHECKING:
    from .chart_parts import VitalSign
from .patients import LONG_TEXT_MAX_LENGTH, Patient, TreatmentPlan
from .protocols import CareSettings, Medicine, Protocol

CHECKLIST = {
    "fasting_confirmed": "fasting confirmed",
    "escort_confirmed": "escort confirmed",
    "medications_reviewed": "medications reviewed",
    "consent_on_file": "consent on file",
}
DISCHARGE_CHECKLIST = {
    "discharge_alert": "alert and oriented",
    "discharge_vitals_stable": "vital signs stable",
    "discharge_escort_present": "escort present",
    "discharge_no_driving_given": "no-driving instruction given",
}
# A Spravato blood pressure "about 40 minutes" after dosing: a reading in this window counts.
REMS_40_MINUTE_WINDOW = (30, 55)
# Clocks on a ward drift a little: a time entered this far ahead still counts as now.
FUTURE_SLACK = datetime.timedelta(minutes=5)


def chart_signed_error() -> ValidationError:
    return ValidationError(
        "This chart is signed and locked. Add an addendum instead.", code="chart_signed"
    )


class Phase(models.TextChoices):
    BASELINE = "baseline", "Baseline"
    DURING = "during", "During"
    AFTER = "after", "After"


VITAL_NAMES = ("systolic", "diastolic", "heart_rate", "spo2", "respiratory_rate")


class ChartStatus(models.TextChoices):
    OPEN = "open", "Open"
    SIGNED = "signed", "Signed"


class InfusionChartQuerySet(models.QuerySet):
    def signed(self):
        return self.filter(status=ChartStatus.SIGNED)

    def for_page(self):
        return self.select_related(
            "patient", "protocol", "appointment__location__page", "signed_by", "dose_confirmed_by"
        )


class InfusionChart(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="charts")
    plan = models.ForeignKey(
        TreatmentPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="charts"
    )
    appointment = models.OneToOneField(
        Appointment, null=True, blank=True, on_delete=models.SET_NULL, related_name="chart"
    )
    protocol = models.ForeignKey(Protocol, on_delete=models.PROTECT, related_name="charts")
    medicine = models.CharField(max_length=20, choices=Medicine.choices)
    # The protocol's numbers when the chart was opened: a later protocol edit rewrites no chart.
    thresholds = models.JSONField(default=dict)
    min_mg_per_kg = models.DecimalField(max_digits=4, decimal_places=2)
    max_mg_per_kg = models.DecimalField(max_digits=4, decimal_places=2)
    session_date = models.DateField(default=timezone.localdate)
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    fasting_confirmed = models.BooleanField(default=False)
    escort_confirmed = models.BooleanField(default=False)
    medications_reviewed = models.BooleanField(default=False)
    consent_on_file = models.BooleanField(default=False)
    weight_kg = EncryptedDecimalField(
        "weight (kg)",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("20")), MaxValueValidator(Decimal("350"))],
    )
    mg_per_kg = EncryptedDecimalField(
        "dose (mg/kg)", max_digits=4, decimal_places=2, null=True, blank=True
    )
    dose_mg = EncryptedDecimalField("dose (mg)", max_digits=6, decimal_places=2, null=True)
    dose_working = EncryptedCharField(max_length=120, blank=True)
    override_reason = EncryptedTextField(
        "reason for a dose outside the protocol's range", max_length=2000, blank=True
    )
    dose_confirmed_at = models.DateTimeField(null=True, blank=True)
    dose_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    discharge_alert = models.BooleanField(default=False)
    discharge_vitals_stable = models.BooleanField(default=False)
    discharge_escort_present = models.BooleanField(default=False)
    discharge_no_driving_given = models.BooleanField(default=False)
    discharged_at = models.DateTimeField(null=True, blank=True)
    notes = EncryptedTextField("clinician notes", max_length=LONG_TEXT_MAX_LENGTH, blank=True)
    status = models.CharField(max_length=8, choices=ChartStatus.choices, default=ChartStatus.OPEN)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = InfusionChartQuerySet.as_manager()

    class Meta:
        ordering = ["-session_date", "-pk"]

    def __str__(self):
        return f"Chart {self.pk}"

    # The lock ------------------------------------------------------------------------------

    def save(self, *args, **kwargs):
        if self.pk and self.is_signed_in_database():
            raise chart_signed_error()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_signed_in_database():
            raise chart_signed_error()
        return super().delete(*args, **kwargs)

    def is_signed_in_database(self) -> bool:
        return InfusionChart.objects.filter(pk=self.pk, status=ChartStatus.SIGNED).exists()

    @staticmethod
    def checked_time(at: datetime.datetime | None) -> datetime.datetime:
        now = timezone.now()
        if at is not None and at > now + FUTURE_SLACK:
            raise ValidationError("That time is still to come.", code="in_future")
        return at or now

    def refuse_if_signed(self) -> None:
        if self.is_signed:
            raise chart_signed_error()

    # Reading the chart ---------------------------------------------------------------------

    @property
    def is_signed(self) -> bool:
        return self.status == ChartStatus.SIGNED

    @property
    def is_spravato(self) -> bool:
        return self.medicine == Medicine.SPRAVATO

    @property
    def zone(self):
        return (
            self.appointment.location.zone
            if self.appointment_id
            else timezone.get_current_timezone()
        )

    def missing_checklist(self) -> list[str]:
        return [label for name, label in CHECKLIST.items() if not getattr(self, name)]

    def missing_discharge(self) -> list[str]:
        return [label for name, label in DISCHARGE_CHECKLIST.items() if not getattr(self, name)]

    def latest_baseline(self):
        return self.vitals.filter(phase=Phase.BASELINE).order_by("-taken_at", "-pk").first()

    def dose_outside_range(self) -> bool:
        return self.mg_per_kg is not None and not rules.dose_in_range(
            self.mg_per_kg, self.min_mg_per_kg, self.max_mg_per_kg
        )

    def start_refusals(self) -> list[str]:
        baseline = self.latest_baseline()
        if baseline is None:
            return ["No baseline vital signs recorded"]
        return rules.start_refusals(baseline.systolic, baseline.diastolic, self.thresholds)

    def vitals_gaps(self):
        if not (self.started_at and self.stopped_at):
            return []
        times = self.vitals.values_list("taken_at", flat=True)
        every = self.thresholds["vitals_every_minutes"]
        return rules.vitals_gaps(times, self.started_at, self.stopped_at, every)

    def observed_minutes(self) -> int | None:
        if not (self.started_at and self.discharged_at):
            return None
        return rules.observation_minutes(self.started_at, self.discharged_at)

    def flagged_vitals(self) -> list["VitalSign"]:
        return [vital for vital in self.vitals.all() if vital.flags]

    # State changes -------------------------------------------------------------------------

    def record_checklist(self, **checklist: bool) -> None:
        self.refuse_if_signed()
        for name in CHECKLIST:
            setattr(self, name, bool(checklist.get(name)))
        self.save(update_fields=list(CHECKLIST))

    def record_notes(self, notes: str) -> None:
        self.refuse_if_signed()
        self.notes = notes
        self.save(update_fields=["notes"])

    def confirm_dose(
        self,
        *,
        by,
        weight_kg: Decimal,
        mg_per_kg: Decimal,
        override_reason: str = "",
        at: datetime.datetime | None = None,
    ) -> None:
        """Work out an IV dose from the weight; outside the protocol's range needs a reason."""
        self.refuse_if_signed()
        if self.is_spravato:
            raise ValidationError("Spravato is dosed at 56 or 84 mg.", code="fixed_dose")
        if self.started_at:
            raise ValidationError("The infusion has started; the dose is set.", code="started")
        inside = rules.dose_in_range(mg_per_kg, self.min_mg_per_kg, self.max_mg_per_kg)
        if not inside and not override_reason.strip():
            raise ValidationError(
                "%(dose)s mg/kg is outside this protocol's range of %(low)s–%(high)s mg/kg. "
                "Give a clinical reason to override it.",
                code="override_needed",
                params={"dose": mg_per_kg, "low": self.min_mg_per_kg, "high": self.max_mg_per_kg},
            )
        self.dose_mg, self.dose_working = rules.dose_mg(weight_kg, mg_per_kg)
        self.weight_kg, self.mg_per_kg = weight_kg, mg_per_kg
        self.override_reason = "" if inside else override_reason.strip()
        self._confirmed_by(by, at)

    def confirm_fixed_dose(self, *, by, dose_mg: int, at: datetime.datetime | None = None) -> None:
        """Record a Spravato dose: 56 or 84 mg."""
        self.refuse_if_signed()
        if not self.is_spravato or dose_mg not in rules.SPRAVATO_DOSES_MG:
            raise ValidationError("Spravato is dosed at 56 or 84 mg.", code="fixed_dose")
        if self.started_at:
            raise ValidationError("Dosing has started; the dose is set.", code="started")
        self.dose_mg, self.dose_working = Decimal(dose_mg), f"{dose_mg} mg (Spravato)"
        self._confirmed_by(by, at)

    def _confirmed_by(self, by, at) -> None:
        self.dose_confirmed_by, self.dose_confirmed_at = by, self.checked_time(at)
        self.save(
            update_fields=[
                "weight_kg",
                "mg_per_kg",
                "dose_mg",
                "dose_working",
                "override_reason",
                "dose_confirmed_by",
                "dose_confirmed_at",
            ]
        )

    def start(self, *, by, at: datetime.datetime | None = None) -> None:
        """Start the infusion (or Spravato dosing): checklist done, dose confirmed, resting BP
        not above the do-not-start limit."""
        self.refuse_if_signed()
        if self.started_at:
            raise ValidationError("This session has started already.", code="started")
        if missing := self.missing_checklist():
            raise ValidationError(
                "Complete the checklist first: %(missing)s.",
                code="checklist_incomplete",
                params={"missing": ", ".join(missing)},
            )
        if not self.dose_confirmed_at:
            raise ValidationError("Confirm the dose first.", code="dose_not_confirmed")
        if refusals := self.start_refusals():
            raise ValidationError(
                "Do not start: %(why)s. Let the patient rest and record a new baseline reading.",
                code="do_not_start",
                params={"why": "; ".join(refusals)},
            )
        self.started_at = self.checked_time(at)
        self.save(update_fields=["started_at"])

    def stop(self, *, by, at: datetime.datetime | None = None) -> None:
        self.refuse_if_signed()
        if not self.started_at:
            raise ValidationError("The session has not started.", code="not_started")
        if self.stopped_at:
            raise ValidationError("The session has stopped already.", code="stopped")
        at = self.checked_time(at)
        if at < self.started_at:
            raise ValidationError("The stop time is before the start.", code="stop_before_start")
        self.stopped_at = at
        self.save(update_fields=["stopped_at"])

    def discharge(self, *, by, at: datetime.datetime | None = None, **checklist: bool) -> None:
        """Record the discharge checklist and the time the patient was ready to leave."""
        self.refuse_if_signed()
        if not self.stopped_at:
            raise ValidationError("Stop the session before discharge.", code="not_stopped")
        at = self.checked_time(at)
        if at < self.stopped_at:
            raise ValidationError("Discharge is before the stop time.", code="discharge_early")
        for name in DISCHARGE_CHECKLIST:
            setattr(self, name, bool(checklist.get(name)))
        self.discharged_at = at
        self.refuse_short_observation()
        self.save(update_fields=[*DISCHARGE_CHECKLIST, "discharged_at"])

    def refuse_short_observation(self) -> None:
        if not self.is_spravato:
            return
        required = CareSettings.load().rems_observation_minutes
        observed = self.observed_minutes() or 0
        if observed < required:
            raise ValidationError(
                "Spravato needs at least %(required)s minutes of observation after dosing; "
                "%(observed)s minutes have been recorded.",
                code="observation_too_short",
                params={"required": required, "observed": observed},
            )

    def sign_refusals(self) -> list[str]:
        """What still stands between this chart and a signature, in words."""
        missing = [f"checklist: {label}" for label in self.missing_checklist()]
        if not self.dose_confirmed_at:
            missing.append("a confirmed dose")
        if not (self.started_at and self.stopped_at):
            missing.append("start and stop times")
        missing += [f"discharge: {label}" for label in self.missing_discharge()]
        if not self.discharged_at:
            missing.append("the discharge time")
        every = self.thresholds["vitals_every_minutes"]
        for first, last in self.vitals_gaps():
            missing.append(
                f"vital signs between {timezone.localtime(first, self.zone):%H:%M} and "
                f"{timezone.localtime(last, self.zone):%H:%M} (at least every {every} minutes)"
            )
        if self.is_spravato:
            missing += self.rems_refusals()
        return missing

    def rems_refusals(self) -> list[str]:
        rems = getattr(self, "rems", None)
        missing = [] if rems is None else [f"REMS form: {label}" for label in rems.missing()]
        if rems is None:
            missing.append("the REMS monitoring record")
        return missing

    def sign(self, *, by, at: datetime.datetime | None = None) -> None:
        """Sign and lock the chart; from now on only addenda may be added."""
        self.refuse_if_signed()
        if self.is_spravato and self.discharged_at:
            self.refuse_short_observation()
        if missing := self.sign_refusals():
            raise ValidationError(
                "The chart cannot be signed yet. Still needed: %(missing)s.",
                code="chart_incomplete",
                params={"missing": "; ".join(missing)},
            )
        from .register import register_entry_missing  # register.py builds on this module

        if missing := register_entry_missing(self):
            raise ValidationError(
                "The chart cannot be signed without its register entry: %(missing)s.",
                code="register_entry_missing",
                params={"missing": missing},
            )
        self.status, self.signed_by = ChartStatus.SIGNED, by
        self.signed_at = self.checked_time(at)
        self.save(update_fields=["status", "signed_by", "signed_at"])
