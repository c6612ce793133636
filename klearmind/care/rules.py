"""The clinical numbers a treatment protocol starts from (CLINICAL.md). A clinic may set its
own on each protocol; these are the defaults, each with its source."""

import datetime
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# IV ketamine induction: Sanacora et al., JAMA Psychiatry 2017 (APA consensus).
KETAMINE_DOSE_MG_PER_KG = Decimal("0.5")
KETAMINE_INFUSION_MINUTES = 40
# The studied range of doses, the protocol's default allowed range.
KETAMINE_MIN_MG_PER_KG = Decimal("0.1")
KETAMINE_MAX_MG_PER_KG = Decimal("0.75")
# Six infusions over two to three weeks: every 2 to 3 days.
INDUCTION_SESSIONS = 6
INDUCTION_MIN_DAYS_APART = 2
INDUCTION_MAX_DAYS_APART = 3

# Vital-sign rules (CLINICAL.md defaults; ASKP3 standards of practice 2020).
DO_NOT_START_SYSTOLIC_ABOVE = 140
DO_NOT_START_DIASTOLIC_ABOVE = 90
ALERT_SYSTOLIC_ABOVE = 180
ALERT_SYSTOLIC_BELOW = 90
ALERT_HEART_RATE_ABOVE = 150
ALERT_HEART_RATE_BELOW = 50
ALERT_RESPIRATORY_RATE_ABOVE = 30
ALERT_RESPIRATORY_RATE_BELOW = 10
ALERT_SPO2_BELOW = 92
VITALS_EVERY_MINUTES = 15

# Spravato REMS: at least 2 hours of observation after every dose; the patient monitoring
# form is due within 7 days; doses of 56 or 84 mg.
REMS_OBSERVATION_MINUTES = 120
REMS_FORM_DUE_DAYS = 7
SPRAVATO_DOSES_MG = (56, 84)

# The numbers a chart checks its vital signs against, named as on Protocol.
THRESHOLD_NAMES = (
    "do_not_start_systolic_above",
    "do_not_start_diastolic_above",
    "alert_systolic_above",
    "alert_systolic_below",
    "alert_heart_rate_above",
    "alert_heart_rate_below",
    "alert_respiratory_rate_above",
    "alert_respiratory_rate_below",
    "alert_spo2_below",
    "vitals_every_minutes",
)
DEFAULT_THRESHOLDS = {
    "do_not_start_systolic_above": DO_NOT_START_SYSTOLIC_ABOVE,
    "do_not_start_diastolic_above": DO_NOT_START_DIASTOLIC_ABOVE,
    "alert_systolic_above": ALERT_SYSTOLIC_ABOVE,
    "alert_systolic_below": ALERT_SYSTOLIC_BELOW,
    "alert_heart_rate_above": ALERT_HEART_RATE_ABOVE,
    "alert_heart_rate_below": ALERT_HEART_RATE_BELOW,
    "alert_respiratory_rate_above": ALERT_RESPIRATORY_RATE_ABOVE,
    "alert_respiratory_rate_below": ALERT_RESPIRATORY_RATE_BELOW,
    "alert_spo2_below": ALERT_SPO2_BELOW,
    "vitals_every_minutes": VITALS_EVERY_MINUTES,
}
# Each alert rule: the reading it reads, its name in words, the direction, the threshold.
ALERT_RULES = (
    ("systolic", "Systolic", "above", "alert_systolic_above"),
    ("systolic", "Systolic", "below", "alert_systolic_below"),
    ("heart_rate", "Heart rate", "above", "alert_heart_rate_above"),
    ("heart_rate", "Heart rate", "below", "alert_heart_rate_below"),
    ("respiratory_rate", "Respiratory rate", "above", "alert_respiratory_rate_above"),
    ("respiratory_rate", "Respiratory rate", "below", "alert_respiratory_rate_below"),
    ("spo2", "SpO2", "below", "alert_spo2_below"),
)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Flag:
    """One broken rule: which reading broke it and the rule in words."""

    field: str
    text: str


def dose_mg(weight_kg: Decimal, mg_per_kg: Decimal) -> tuple[Decimal, str]:
    """Dose (mg) = weight (kg) × mg/kg, to the hundredth of a mg, with its working in words."""
    dose = (weight_kg * mg_per_kg).quantize(CENT, rounding=ROUND_HALF_UP)
    return dose, f"{weight_kg} kg × {mg_per_kg.quantize(CENT)} mg/kg = {dose} mg"


def dose_in_range(mg_per_kg: Decimal, minimum: Decimal, maximum: Decimal) -> bool:
    return minimum <= mg_per_kg <= maximum


def start_refusals(systolic: int, diastolic: int, thresholds: Mapping[str, int]) -> list[str]:
    """Why a resting blood pressure forbids starting; 140/90 itself may start."""
    limit_s = thresholds["do_not_start_systolic_above"]
    limit_d = thresholds["do_not_start_diastolic_above"]
    reasons = []
    if systolic > limit_s:
        reasons.append(f"Resting systolic {systolic} is above {limit_s}")
    if diastolic > limit_d:
        reasons.append(f"Resting diastolic {diastolic} is above {limit_d}")
    return reasons


def may_start(systolic: int, diastolic: int, thresholds: Mapping[str, int]) -> bool:
    return not start_refusals(systolic, diastolic, thresholds)


def vital_flags(reading: Mapping[str, int | None], thresholds: Mapping[str, int]) -> list[Flag]:
    """Every alert rule the reading breaks, in words ("Systolic 186 is above 180")."""
    flags = []
    for field, label, direction, name in ALERT_RULES:
        value, limit = reading.get(field), thresholds[name]
        if value is None:
            continue
        broken = value > limit if direction == "above" else value < limit
        if broken:
            flags.append(Flag(field, f"{label} {value} is {direction} {limit}"))
    return flags


def vitals_gaps(
    times: Iterable[datetime.datetime],
    start: datetime.datetime,
    stop: datetime.datetime,
    every_minutes: int,
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """The stretches between start and stop longer than every_minutes without a reading."""
    inside = sorted(t for t in times if start < t < stop)
    points = [start, *inside, stop]
    most = datetime.timedelta(minutes=every_minutes)
    return [(a, b) for a, b in itertools.pairwise(points) if b - a > most]


def observation_minutes(dosed_at: datetime.datetime, ready_at: datetime.datetime) -> int:
    """Whole minutes observed from dosing to the time the patient could leave."""
    return max(0, int((ready_at - dosed_at).total_seconds() // 60))


def rems_form_due_on(session_day: datetime.date, due_days: int) -> datetime.date:
    return session_day + datetime.timedelta(days=due_days)
