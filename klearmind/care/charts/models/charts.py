"""The infusion chart of one session (what is recorded on it lives in chart_parts.py).

A signed chart is locked here, in the model layer: every save or delete of the chart or of
anything on it is refused with the code "chart_signed", whichever form or view asks. After
signing, an Addendum is the only way to add to it.
"""

import datetime
from decimal import Decimal

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

from ... import rules
from ...patients.models import LONG_TEXT_MAX_LENGTH, Patient
from ...plans.models import Medicine, Protocol, TreatmentPlan
from .checks import (
    CEILING_MESSAGE,
    CHECKLIST,
    DISCHARGE_CHECKLIST,
    VITAL_NAMES,
    WEIGHT_MESSAGE,
    ChartChecks,
    ChartStatus,
    Phase,
)

__all__ = [
    "CHECKLIST",
    "DISCHARGE_CHECKLIST",
    "VITAL_NAMES",
    "ChartStatus",
    "InfusionChart",
    "Phase",
]

# A Spravato blood pressure "about 40 minutes" after dosing: a reading in this window counts.
REMS_40_MINUTE_WINDOW = (30, 55)
# Clocks on a ward drift a little: a time entered this far ahead still counts as now.
FUTURE_SLACK = datetime.timedelta(minutes=5)


def chart_signed_error() -> ValidationError:
    return ValidationError(
        "This chart is signed and locked. Add an addendum instead.", code="chart_signed"
    )


class InfusionChartQuerySet(models.QuerySet):
    def signed(self):
        return self.filter(status=ChartStatus.SIGNED)

    def for_page(self):
        return self.select_related(
            "patient",
            "protocol",
            "appointment__service",
            "appointment__location__page",
            "signed_by",
            "dose_confirmed_by",
            "given_by",
        )


class InfusionChart(ChartChecks, models.Model):
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
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who gave the treatment: the visit's provider's login unless changed.",
    )
    fasting_confirmed = models.BooleanField(default=False)
    escort_confirmed = models.BooleanField(default=False)
    medications_reviewed = models.BooleanField(default=False)
    # Whether consent was on file when the session started: ticked by hand on charts made
    # before consent was worked out from signatures, set by start() since. Kept as recorded.
    consent_on_file = models.BooleanField(default=False)
    weight_kg = EncryptedDecimalField(
        "weight (kg)",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(rules.WEIGHT_MIN_KG, message=WEIGHT_MESSAGE),
            MaxValueValidator(rules.WEIGHT_MAX_KG, message=WEIGHT_MESSAGE),
        ],
    )
    mg_per_kg = EncryptedDecimalField(
        "dose (mg/kg)",
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MaxValueValidator(rules.HARD_CEILING_MG_PER_KG, message=CEILING_MESSAGE)],
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
    short_infusion_reason = EncryptedTextField(
        "reason the infusion ran shorter than the protocol", max_length=2000, blank=True
    )
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
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_mg_per_kg__lte=rules.HARD_CEILING_MG_PER_KG),
                name="chart_range_under_the_hard_ceiling",
            ),
        ]

    def __str__(self):
        return f"Chart {self.pk}"

    # The lock and the hard limits -------------------------------------------------------------

    def save(self, *args, **kwargs):
        if self.pk and self.is_signed_in_database():
            raise chart_signed_error()
        self.refuse_unsafe_dose()
        super().save(*args, **kwargs)

    def refuse_unsafe_dose(self) -> None:
        """The weight and dose columns are encrypted, so no database constraint can check
        them: every save checks the hard limits here, whatever path it comes by."""
        if reasons := rules.dose_limit_refusals(self.weight_kg, self.mg_per_kg):
            raise ValidationError(
                "%(why)s. No override goes past these limits.",
                code="dose_limit",
                params={"why": "; ".join(reasons)},
            )

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
        """Work out an IV dose from the weight; outside the protocol's range needs a reason,
        and nothing passes the hard ceiling or a weight outside 30-250 kg."""
        self.refuse_if_signed()
        if self.is_spravato:
            raise ValidationError("Spravato is dosed at 56 or 84 mg.", code="fixed_dose")
        if self.started_at:
            raise ValidationError("The infusion has started; the dose is set.", code="started")
        if reasons := rules.dose_limit_refusals(weight_kg, mg_per_kg):
            raise ValidationError(
                "%(why)s. No override goes past these limits.",
                code="dose_limit",
                params={"why": "; ".join(reasons)},
            )
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
        """Record a Spravato dose: 56 or 84 mg, for a patient enrolled in the REMS."""
        self.refuse_if_signed()
        if not self.is_spravato or dose_mg not in rules.SPRAVATO_DOSES_MG:
            raise ValidationError("Spravato is dosed at 56 or 84 mg.", code="fixed_dose")
        if self.started_at:
            raise ValidationError("Dosing has started; the dose is set.", code="started")
        if refusal := self.rems_enrolment_refusal():
            raise ValidationError(refusal + ".", code="rems_not_enrolled")
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
        """Start the infusion (or Spravato dosing): a setting that allows it, checklist done,
        every consent the visit needs signed, dose confirmed, and a baseline from the 30
        minutes before inside the do-not-start limits."""
        self.refuse_if_signed()
        if self.started_at:
            raise ValidationError("This session has started already.", code="started")
        if refusal := self.setting_refusal():
            raise ValidationError(refusal + ".", code="setting")
        if missing := self.missing_checklist():
            raise ValidationError(
                "Complete the checklist first: %(missing)s.",
                code="checklist_incomplete",
                params={"missing": ", ".join(missing)},
            )
        if refusals := self.consent_refusals():
            raise ValidationError(
                "Consent is needed before the start. %(why)s.",
                code="consent_missing",
                params={"why": ". ".join(refusals)},
            )
        if not self.dose_confirmed_at:
            raise ValidationError("Confirm the dose first.", code="dose_not_confirmed")
        if refusal := self.rems_enrolment_refusal():
            raise ValidationError(refusal + ".", code="rems_not_enrolled")
        at = self.checked_time(at)
        if refusals := self.start_refusals(at):
            raise ValidationError(
                "Do not start: %(why)s. Let the patient rest and record a new baseline reading.",
                code="do_not_start",
                params={"why": "; ".join(refusals)},
            )
        self.started_at, self.consent_on_file = at, True
        self.save(update_fields=["started_at", "consent_on_file"])

    def stop(self, *, by, at: datetime.datetime | None = None, short_reason: str = "") -> None:
        """Stop the infusion; if it ran shorter than the protocol, the reason may come now."""
        self.refuse_if_signed()
        if not self.started_at:
            raise ValidationError("The session has not started.", code="not_started")
        if self.stopped_at:
            raise ValidationError("The session has stopped already.", code="stopped")
        at = self.checked_time(at)
        if at < self.started_at:
            raise ValidationError("The stop time is before the start.", code="stop_before_start")
        self.stopped_at = at
        self.short_infusion_reason = short_reason.strip() if self.infusion_shortfall() else ""
        self.save(update_fields=["stopped_at", "short_infusion_reason"])

    def record_short_reason(self, reason: str) -> None:
        """Why the infusion ran shorter than the protocol: needed before signing."""
        self.refuse_if_signed()
        if not self.infusion_shortfall():
            raise ValidationError("The infusion ran its full time.", code="not_short")
        if not reason.strip():
            raise ValidationError("Give the reason.", code="reason_needed")
        self.short_infusion_reason = reason.strip()
        self.save(update_fields=["short_infusion_reason"])

    def discharge(self, *, by, at: datetime.datetime | None = None, **checklist: bool) -> None:
        """Record the discharge checklist and the time the patient was ready to leave: not
        before the recovery time, and only on a stable reading taken after it."""
        self.refuse_if_signed()
        if not self.stopped_at:
            raise ValidationError("Stop the session before discharge.", code="not_stopped")
        at = self.checked_time(at)
        if at < self.stopped_at:
            raise ValidationError("Discharge is before the stop time.", code="discharge_early")
        if refusals := self.discharge_refusals(at):
            raise ValidationError(
                "The patient may not leave yet. Needed: %(why)s.",
                code="not_ready_to_leave",
                params={"why": "; ".join(refusals)},
            )
        self.discharged_at = at
        self.refuse_short_observation()
        for name in DISCHARGE_CHECKLIST:
            setattr(self, name, bool(checklist.get(name)))
        self.discharge_vitals_stable = True  # worked out above from the readings
        self.save(update_fields=[*DISCHARGE_CHECKLIST, "discharge_vitals_stable", "discharged_at"])

    def refuse_short_observation(self) -> None:
        if short := self.short_observation():
            required, observed = short
            raise ValidationError(
                "Spravato needs at least %(required)s minutes of observation after dosing; "
                "%(observed)s minutes have been recorded.",
                code="observation_too_short",
                params={"required": required, "observed": observed},
            )

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
        from ...register.models import register_entry_missing  # the register builds on this module

        if missing := register_entry_missing(self):
            raise ValidationError(
                "The chart cannot be signed without its register entry: %(missing)s.",
                code="register_entry_missing",
                params={"missing": missing},
            )
        self.status, self.signed_by = ChartStatus.SIGNED, by
        self.signed_at = self.checked_time(at)
        self.save(update_fields=["status", "signed_by", "signed_at"])
