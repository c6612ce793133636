"""What a clinic sets for its care: the treatment protocols it uses and the care settings
(neither is health information; clinicians and the owner edit both); and each patient's
treatment plans under those protocols (health information, encrypted at rest)."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from klearmind.booking.models import Series
from klearmind.encryption.fields import EncryptedCharField, EncryptedTextField

from .. import rules
from ..patients.models import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH, Patient


@register_setting(icon="cog")
class CareSettings(BaseGenericSetting):
    """Care rules a clinic sets for itself, with CLINICAL.md's defaults; edited by clinicians
    and the owner in the back office."""

    rems_observation_minutes = models.PositiveSmallIntegerField(
        "Minimum Spravato observation (minutes)",
        default=rules.REMS_OBSERVATION_MINUTES,
        validators=[MinValueValidator(rules.REMS_OBSERVATION_MINUTES), MaxValueValidator(480)],
        help_text="The REMS program asks for at least 120 minutes after every dose.",
    )
    rems_form_due_days = models.PositiveSmallIntegerField(
        "Days to submit a REMS monitoring form",
        default=rules.REMS_FORM_DUE_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(rules.REMS_FORM_DUE_DAYS)],
    )
    follow_up_every_days = models.PositiveSmallIntegerField(
        "Days between check-in questionnaires during a series",
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    follow_up_hours_before_visit = models.PositiveSmallIntegerField(
        "Hours before a visit that its check-in questionnaire is sent",
        default=48,
        validators=[MinValueValidator(2), MaxValueValidator(168)],
    )

    class Meta:
        verbose_name = "Care settings"


class Medicine(models.TextChoices):
    KETAMINE_IV = "ketamine_iv", "IV ketamine"
    SPRAVATO = "spravato", "Spravato (esketamine)"


def bounded(name: str, unit: str = "") -> list:
    """Validators holding a protocol setting inside its bounds, with the bounds in the message."""
    low, high = rules.PROTOCOL_BOUNDS[name]
    message = f"Enter a value from {low} to {high}{unit}: outside that it would not be safe."
    return [MinValueValidator(low, message=message), MaxValueValidator(high, message=message)]


def threshold(verbose_name: str, name: str, unit: str = "") -> models.PositiveSmallIntegerField:
    low, high = rules.PROTOCOL_BOUNDS[name]
    return models.PositiveSmallIntegerField(
        verbose_name,
        default=rules.DEFAULT_THRESHOLDS[name],
        validators=bounded(name, unit),
        help_text=f"From {low} to {high}{unit}; CLINICAL.md's default is "
        f"{rules.DEFAULT_THRESHOLDS[name]}.",
    )


def in_bounds(name: str) -> models.CheckConstraint:
    low, high = rules.PROTOCOL_BOUNDS[name]
    return models.CheckConstraint(
        condition=models.Q(**{f"{name}__gte": low, f"{name}__lte": high}),
        name=f"protocol_{name}_in_bounds",
    )


CEILING_MESSAGE = (
    f"Enter a dose from 0.01 to {rules.HARD_CEILING_MG_PER_KG} mg/kg: "
    f"{rules.HARD_CEILING_MG_PER_KG} mg/kg is the hard ceiling no protocol goes above."
)


def dose_field(verbose_name: str, default, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        verbose_name,
        max_digits=4,
        decimal_places=2,
        default=default,
        validators=[
            MinValueValidator(Decimal("0.01"), message=CEILING_MESSAGE),
            MaxValueValidator(rules.HARD_CEILING_MG_PER_KG, message=CEILING_MESSAGE),
        ],
        **kwargs,
    )


class Protocol(models.Model):
    """A treatment protocol the clinic defines: dose, allowed range, schedule and the
    vital-sign thresholds its charts check, each inside bounds a typo cannot leave."""

    name = models.CharField(max_length=120, unique=True)
    medicine = models.CharField(max_length=20, choices=Medicine.choices)
    dose_mg_per_kg = dose_field(
        "usual dose (mg/kg)",
        rules.KETAMINE_DOSE_MG_PER_KG,
        help_text="IV ketamine only; Spravato is dosed at 56 or 84 mg.",
    )
    min_mg_per_kg = dose_field("lowest allowed dose (mg/kg)", rules.KETAMINE_MIN_MG_PER_KG)
    max_mg_per_kg = dose_field(
        "highest allowed dose (mg/kg)",
        rules.KETAMINE_MAX_MG_PER_KG,
        help_text=f"At most {rules.HARD_CEILING_MG_PER_KG} mg/kg, the hard ceiling.",
    )
    infusion_minutes = threshold("infusion length (minutes)", "infusion_minutes", " minutes")
    recovery_minutes = threshold(
        "observation after the infusion stops (minutes)", "recovery_minutes", " minutes"
    )
    sessions = models.PositiveSmallIntegerField(
        "sessions in the course",
        default=rules.INDUCTION_SESSIONS,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
    )
    min_days_apart = models.PositiveSmallIntegerField(default=rules.INDUCTION_MIN_DAYS_APART)
    max_days_apart = models.PositiveSmallIntegerField(default=rules.INDUCTION_MAX_DAYS_APART)
    do_not_start_systolic_above = threshold(
        "do not start: resting systolic above", "do_not_start_systolic_above", " mmHg"
    )
    do_not_start_diastolic_above = threshold(
        "do not start: resting diastolic above", "do_not_start_diastolic_above", " mmHg"
    )
    do_not_start_heart_rate_above = threshold(
        "do not start: resting heart rate above", "do_not_start_heart_rate_above", " per minute"
    )
    do_not_start_heart_rate_below = threshold(
        "do not start: resting heart rate below", "do_not_start_heart_rate_below", " per minute"
    )
    do_not_start_spo2_below = threshold(
        "do not start: resting SpO2 below (%)", "do_not_start_spo2_below", " %"
    )
    do_not_start_respiratory_rate_above = threshold(
        "do not start: resting respiratory rate above",
        "do_not_start_respiratory_rate_above",
        " per minute",
    )
    do_not_start_respiratory_rate_below = threshold(
        "do not start: resting respiratory rate below",
        "do_not_start_respiratory_rate_below",
        " per minute",
    )
    alert_systolic_above = threshold("alert: systolic above", "alert_systolic_above", " mmHg")
    alert_systolic_below = threshold("alert: systolic below", "alert_systolic_below", " mmHg")
    alert_diastolic_above = threshold("alert: diastolic above", "alert_diastolic_above", " mmHg")
    alert_heart_rate_above = threshold(
        "alert: heart rate above", "alert_heart_rate_above", " per minute"
    )
    alert_heart_rate_below = threshold(
        "alert: heart rate below", "alert_heart_rate_below", " per minute"
    )
    alert_respiratory_rate_above = threshold(
        "alert: respiratory rate above", "alert_respiratory_rate_above", " per minute"
    )
    alert_respiratory_rate_below = threshold(
        "alert: respiratory rate below", "alert_respiratory_rate_below", " per minute"
    )
    alert_spo2_below = threshold("alert: SpO2 below (%)", "alert_spo2_below", " %")
    vitals_every_minutes = threshold(
        "vitals at least every (minutes)", "vitals_every_minutes", " minutes"
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_mg_per_kg__lte=models.F("dose_mg_per_kg"))
                & models.Q(dose_mg_per_kg__lte=models.F("max_mg_per_kg")),
                name="protocol_dose_inside_its_range",
            ),
            models.CheckConstraint(
                condition=models.Q(min_mg_per_kg__gt=0)
                & models.Q(max_mg_per_kg__lte=rules.HARD_CEILING_MG_PER_KG),
                name="protocol_dose_under_the_hard_ceiling",
            ),
            models.CheckConstraint(
                condition=models.Q(min_days_apart__lte=models.F("max_days_apart")),
                name="protocol_days_apart_in_order",
            ),
            *[in_bounds(name) for name in rules.PROTOCOL_BOUNDS],
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.min_mg_per_kg > self.max_mg_per_kg:
            raise ValidationError(
                {"max_mg_per_kg": "The highest allowed dose must not be below the lowest."}
            )
        if not self.min_mg_per_kg <= self.dose_mg_per_kg <= self.max_mg_per_kg:
            raise ValidationError(
                {"dose_mg_per_kg": "The usual dose must lie inside the allowed range."}
            )
        if self.min_days_apart > self.max_days_apart:
            raise ValidationError(
                {"max_days_apart": "The longest gap must not be shorter than the shortest."}
            )


# The booked services that give each medicine: a plan's sessions when it names no series.
SERVICE_KINDS = {
    Medicine.KETAMINE_IV: ("ketamine", "booster"),
    Medicine.SPRAVATO: ("spravato",),
}


class PlanStatus(models.TextChoices):
    ACTIVE = "active", "In treatment"
    COMPLETED = "completed", "Completed"
    STOPPED = "stopped", "Stopped early"


class TreatmentPlanQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=PlanStatus.ACTIVE)

    def overlapping(self, start: datetime.date, end: datetime.date):
        """Plans under way at some time from `start` to `end`, both days included."""
        return self.filter(started_on__lte=end).filter(
            models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=start)
        )

    def completed_between(self, start: datetime.date, end: datetime.date):
        return self.filter(status=PlanStatus.COMPLETED, ended_on__range=(start, end))


class TreatmentPlan(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="plans")
    protocol = models.ForeignKey(Protocol, on_delete=models.PROTECT, related_name="plans")
    status = models.CharField(max_length=12, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    indication = EncryptedCharField(
        "treated for",
        max_length=SHORT_TEXT_MAX_LENGTH,
        help_text="The condition this course treats, as written in the chart.",
    )
    goals = EncryptedTextField(max_length=LONG_TEXT_MAX_LENGTH, blank=True)
    planned_sessions = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    series = models.ForeignKey(
        Series,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plans",
        help_text="The booked series whose visits are this plan's sessions.",
    )
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TreatmentPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "-pk"]
        indexes = [
            # Plans in treatment (the check-in sweep), and series completed in a period.
            models.Index(fields=["status", "started_on"], name="care_plan_status_start_idx"),
            models.Index(fields=["status", "ended_on"], name="care_plan_status_end_idx"),
            # Plans under way in a period (the outcomes dashboard).
            models.Index(fields=["started_on", "ended_on"], name="care_plan_period_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "protocol"],
                condition=models.Q(status="active"),
                name="one_active_plan_per_protocol",
            )
        ]

    def __str__(self):
        return f"Treatment plan {self.pk}"

    def sessions(self):
        """The booked visits of this plan: its series, or else the patient's visits for the
        protocol's medicine since the plan began."""
        from klearmind.booking.models import Appointment

        if self.series_id:
            visits = Appointment.objects.filter(series_id=self.series_id)
        else:
            visits = Appointment.objects.filter(
                patient_email_hash=self.patient.email_hash,
                service__kind__in=SERVICE_KINDS[self.protocol.medicine],
                starts_at__date__gte=self.started_on,
            )
        return visits.active().for_calendar().select_related("chart").order_by("starts_at")

    def sessions_with_charts(self) -> list[tuple]:
        """Each session with its infusion chart, or None before one is opened."""
        return [(visit, getattr(visit, "chart", None)) for visit in self.sessions()]

    def end(self, *, status: str) -> None:
        if self.status != PlanStatus.ACTIVE:
            raise ValidationError("This plan has ended already.", code="plan_ended")
        if status not in (PlanStatus.COMPLETED, PlanStatus.STOPPED):
            raise ValidationError("A plan ends completed or stopped.", code="invalid_status")
        self.status = status
        self.ended_on = timezone.localdate()
        self.save(update_fields=["status", "ended_on"])
