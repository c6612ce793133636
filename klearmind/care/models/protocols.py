"""What a clinic sets for its care: the treatment protocols it uses and the care settings.
Neither is health information; clinicians and the owner edit both."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from .. import rules


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


class Protocol(models.Model):
    """A treatment protocol the clinic defines: dose, allowed range, schedule and the
    vital-sign thresholds its charts check."""

    name = models.CharField(max_length=120, unique=True)
    medicine = models.CharField(max_length=20, choices=Medicine.choices)
    dose_mg_per_kg = models.DecimalField(
        "usual dose (mg/kg)",
        max_digits=4,
        decimal_places=2,
        default=rules.KETAMINE_DOSE_MG_PER_KG,
        help_text="IV ketamine only; Spravato is dosed at 56 or 84 mg.",
    )
    min_mg_per_kg = models.DecimalField(
        "lowest allowed dose (mg/kg)",
        max_digits=4,
        decimal_places=2,
        default=rules.KETAMINE_MIN_MG_PER_KG,
    )
    max_mg_per_kg = models.DecimalField(
        "highest allowed dose (mg/kg)",
        max_digits=4,
        decimal_places=2,
        default=rules.KETAMINE_MAX_MG_PER_KG,
    )
    infusion_minutes = models.PositiveSmallIntegerField(
        default=rules.KETAMINE_INFUSION_MINUTES, validators=[MinValueValidator(1)]
    )
    sessions = models.PositiveSmallIntegerField(
        "sessions in the course",
        default=rules.INDUCTION_SESSIONS,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
    )
    min_days_apart = models.PositiveSmallIntegerField(default=rules.INDUCTION_MIN_DAYS_APART)
    max_days_apart = models.PositiveSmallIntegerField(default=rules.INDUCTION_MAX_DAYS_APART)
    do_not_start_systolic_above = models.PositiveSmallIntegerField(
        "do not start: resting systolic above", default=rules.DO_NOT_START_SYSTOLIC_ABOVE
    )
    do_not_start_diastolic_above = models.PositiveSmallIntegerField(
        "do not start: resting diastolic above", default=rules.DO_NOT_START_DIASTOLIC_ABOVE
    )
    alert_systolic_above = models.PositiveSmallIntegerField(default=rules.ALERT_SYSTOLIC_ABOVE)
    alert_systolic_below = models.PositiveSmallIntegerField(default=rules.ALERT_SYSTOLIC_BELOW)
    alert_heart_rate_above = models.PositiveSmallIntegerField(default=rules.ALERT_HEART_RATE_ABOVE)
    alert_heart_rate_below = models.PositiveSmallIntegerField(default=rules.ALERT_HEART_RATE_BELOW)
    alert_respiratory_rate_above = models.PositiveSmallIntegerField(
        default=rules.ALERT_RESPIRATORY_RATE_ABOVE
    )
    alert_respiratory_rate_below = models.PositiveSmallIntegerField(
        default=rules.ALERT_RESPIRATORY_RATE_BELOW
    )
    alert_spo2_below = models.PositiveSmallIntegerField(
        "alert: SpO2 below (%)", default=rules.ALERT_SPO2_BELOW
    )
    vitals_every_minutes = models.PositiveSmallIntegerField(
        "vitals at least every (minutes)",
        default=rules.VITALS_EVERY_MINUTES,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
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
                condition=models.Q(min_days_apart__lte=models.F("max_days_apart")),
                name="protocol_days_apart_in_order",
            ),
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
