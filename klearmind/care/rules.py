"""The clinical numbers a treatment protocol starts from (CLINICAL.md). A clinic may set its
own on each protocol; these are the defaults, each with its source."""

import datetime
import itertools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# IV ketamine induction: Sanacora et al., JAMA Psychiatry 2017 (APA consensus).
KETAMINE_DOSE_MG_PER_KG = Decimal("0.5")
KETAMINE_INFUSION_MINUTES = 40
# The studied range of doses, the protocol's default allowed range.
KETAMINE_MIN_MG_PER_KG = Decimal("0.1")
KETAMINE_MAX_MG_PER_KG = Decimal("0.75")
# Hard ceiling: the highest dose of the dose-ranging trials (Fava et al., Mol Psychiatry 2018).
# No protocol and no override goes above it; the weight a dose is worked from stays in range.
HARD_CEILING_MG_PER_KG = Decimal("1.0")
WEIGHT_MIN_KG = Decimal("30")
WEIGHT_MAX_KG = Decimal("250")
# Six infusions over two to three weeks: every 2 to 3 days.
INDUCTION_SESSIONS = 6
INDUCTION_MIN_DAYS_APART = 2
INDUCTION_MAX_DAYS_APART = 3

# Vital-sign rules (CLINICAL.md defaults; ASKP3 standards of practice 2020). Do not start
# unless a baseline taken within 30 minutes before the start is inside all of these.
BASELINE_MAX_AGE_MINUTES = 30
DO_NOT_START_SYSTOLIC_ABOVE = 140
DO_NOT_START_DIASTOLIC_ABOVE = 90
DO_NOT_START_HEART_RATE_ABOVE = 110
DO_NOT_START_HEART_RATE_BELOW = 50
DO_NOT_START_SPO2_BELOW = 94
DO_NOT_START_RESPIRATORY_RATE_ABOVE = 24
DO_NOT_START_RESPIRATORY_RATE_BELOW = 10
# Alert: ACC/AHA 2017 hypertensive crisis is above 180 and/or above 120.
ALERT_SYSTOLIC_ABOVE = 180
ALERT_DIASTOLIC_ABOVE = 120
ALERT_SYSTOLIC_BELOW = 90
ALERT_HEART_RATE_ABOVE = 150
ALERT_HEART_RATE_BELOW = 50
ALERT_RESPIRATORY_RATE_ABOVE = 30
ALERT_RESPIRATORY_RATE_BELOW = 10
ALERT_SPO2_BELOW = 92
VITALS_EVERY_MINUTES = 15
# Recovery: at least 30 minutes of observation after the infusion stops; discharge needs a
# reading after that time with no alert value and a blood pressure within 20 % of the baseline
# or within the do-not-start limits (vital-sign criterion of the modified Aldrete score and
# PADSS: Aldrete 1995, Chung 1995).
RECOVERY_MINUTES = 30
DISCHARGE_BP_WITHIN = Decimal("0.20")

# Spravato REMS: at least 2 hours of observation after every dose; the patient monitoring
# form is due within 7 days; doses of 56 or 84 mg.
REMS_OBSERVATION_MINUTES = 120
REMS_FORM_DUE_DAYS = 7
SPRAVATO_DOSES_MG = (56, 84)

# The numbers a chart checks its vital signs against, named as on Protocol.
DEFAULT_THRESHOLDS = {
    "do_not_start_systolic_above": DO_NOT_START_SYSTOLIC_ABOVE,
    "do_not_start_diastolic_above": DO_NOT_START_DIASTOLIC_ABOVE,
    "do_not_start_heart_rate_above": DO_NOT_START_HEART_RATE_ABOVE,
    "do_not_start_heart_rate_below": DO_NOT_START_HEART_RATE_BELOW,
    "do_not_start_spo2_below": DO_NOT_START_SPO2_BELOW,
    "do_not_start_respiratory_rate_above": DO_NOT_START_RESPIRATORY_RATE_ABOVE,
    "do_not_start_respiratory_rate_below": DO_NOT_START_RESPIRATORY_RATE_BELOW,
    "alert_systolic_above": ALERT_SYSTOLIC_ABOVE,
    "alert_diastolic_above": ALERT_DIASTOLIC_ABOVE,
    "alert_systolic_below": ALERT_SYSTOLIC_BELOW,
    "alert_heart_rate_above": ALERT_HEART_RATE_ABOVE,
    "alert_heart_rate_below": ALERT_HEART_RATE_BELOW,
    "alert_respiratory_rate_above": ALERT_RESPIRATORY_RATE_ABOVE,
    "alert_respiratory_rate_below": ALERT_RESPIRATORY_RATE_BELOW,
    "alert_spo2_below": ALERT_SPO2_BELOW,
    "vitals_every_minutes": VITALS_EVERY_MINUTES,
    "infusion_minutes": KETAMINE_INFUSION_MINUTES,
    "recovery_minutes": RECOVERY_MINUTES,
}
THRESHOLD_NAMES = tuple(DEFAULT_THRESHOLDS)
# Bounds on what a protocol may set, so that a typo cannot make it unsafe: physiological
# ranges around CLINICAL.md's defaults, the vitals interval 5-15 minutes, recovery at least
# the published 30 minutes. Each is both a model validator and a database check constraint.
PROTOCOL_BOUNDS = {
    "do_not_start_systolic_above": (100, 160),
    "do_not_start_diastolic_above": (60, 100),
    "do_not_start_heart_rate_above": (80, 130),
    "do_not_start_heart_rate_below": (40, 60),
    "do_not_start_spo2_below": (88, 100),
    "do_not_start_respiratory_rate_above": (16, 30),
    "do_not_start_respiratory_rate_below": (6, 12),
    "alert_systolic_above": (140, 220),
    "alert_diastolic_above": (90, 130),
    "alert_systolic_below": (70, 110),
    "alert_heart_rate_above": (100, 180),
    "alert_heart_rate_below": (30, 60),
    "alert_respiratory_rate_above": (20, 40),
    "alert_respiratory_rate_below": (6, 12),
    "alert_spo2_below": (85, 95),
    "vitals_every_minutes": (5, 15),
    "infusion_minutes": (1, 240),
    "recovery_minutes": (RECOVERY_MINUTES, 240),
}
# Baseline rules: the reading, its name in words, the direction, the threshold.
START_RULES = (
    ("systolic", "Resting systolic", "above", "do_not_start_systolic_above"),
    ("diastolic", "Resting diastolic", "above", "do_not_start_diastolic_above"),
    ("heart_rate", "Resting heart rate", "above", "do_not_start_heart_rate_above"),
    ("heart_rate", "Resting heart rate", "below", "do_not_start_heart_rate_below"),
    ("spo2", "Resting SpO2", "below", "do_not_start_spo2_below"),
    (
        "respiratory_rate",
        "Resting respiratory rate",
        "above",
        "do_not_start_respiratory_rate_above",
    ),
    (
        "respiratory_rate",
        "Resting respiratory rate",
        "below",
        "do_not_start_respiratory_rate_below",
    ),
)
# Each alert rule: the reading it reads, its name in words, the direction, the threshold.
ALERT_RULES = (
    ("systolic", "Systolic", "above", "alert_systolic_above"),
    ("systolic", "Systolic", "below", "alert_systolic_below"),
    ("diastolic", "Diastolic", "above", "alert_diastolic_above"),
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


def dose_limit_refusals(weight_kg: Decimal | None, mg_per_kg: Decimal | None) -> list[str]:
    """What no override may pass: a weight outside 30-250 kg, a dose above 1.0 mg/kg."""
    reasons = []
    if weight_kg is not None and not WEIGHT_MIN_KG <= weight_kg <= WEIGHT_MAX_KG:
        reasons.append(f"A weight of {weight_kg} kg is outside {WEIGHT_MIN_KG}-{WEIGHT_MAX_KG} kg")
    if mg_per_kg is not None and mg_per_kg > HARD_CEILING_MG_PER_KG:
        reasons.append(
            f"{mg_per_kg} mg/kg is above the hard ceiling of {HARD_CEILING_MG_PER_KG} mg/kg"
        )
    return reasons


def limit(thresholds: Mapping[str, int], name: str) -> int:
    """The chart's number, or the default for a number added after the chart was opened."""
    return thresholds.get(name, DEFAULT_THRESHOLDS[name])


def broken_rules(
    reading: Mapping[str, int | None], thresholds: Mapping[str, int], checks: Iterable[tuple]
) -> list[Flag]:
    """Each check (reading, words, "above" or "below", threshold name) the reading breaks."""
    flags = []
    for field, label, direction, name in checks:
        value, bound = reading.get(field), limit(thresholds, name)
        if value is None:
            continue
        broken = value > bound if direction == "above" else value < bound
        if broken:
            flags.append(Flag(field, f"{label} {value} is {direction} {bound}"))
    return flags


def start_refusals(reading: Mapping[str, int | None], thresholds: Mapping[str, int]) -> list[str]:
    """Why a baseline reading forbids starting; 140/90, heart rate 50 or 110, SpO2 94 and
    respiratory rate 10 or 24 may start. A baseline needs every value, respiratory rate too."""
    missing = [label for field, label, *_ in START_RULES if reading.get(field) is None]
    reasons = [f"{label} not recorded" for label in dict.fromkeys(missing)]
    return reasons + [flag.text for flag in broken_rules(reading, thresholds, START_RULES)]


def may_start(reading: Mapping[str, int | None], thresholds: Mapping[str, int]) -> bool:
    return not start_refusals(reading, thresholds)


def baseline_is_recent(taken_at: datetime.datetime, start: datetime.datetime) -> bool:
    """Taken within the 30 minutes before the start (the start's own minute included)."""
    age = start - taken_at
    return datetime.timedelta(0) <= age <= datetime.timedelta(minutes=BASELINE_MAX_AGE_MINUTES)


def vital_flags(reading: Mapping[str, int | None], thresholds: Mapping[str, int]) -> list[Flag]:
    """Every alert rule the reading breaks, in words ("Systolic 186 is above 180")."""
    return broken_rules(reading, thresholds, ALERT_RULES)


def within_fraction(value: int, baseline: int, fraction: Decimal) -> bool:
    return abs(Decimal(value) - baseline) <= fraction * baseline


def discharge_refusals(
    reading: Mapping[str, int | None],
    baseline: Mapping[str, int | None],
    thresholds: Mapping[str, int],
) -> list[str]:
    """Why a reading after the recovery time is not stable enough to discharge: any alert
    value, or a blood pressure neither within 20 % of the baseline nor within the
    do-not-start limits."""
    reasons = [flag.text for flag in vital_flags(reading, thresholds)]
    systolic, diastolic = reading["systolic"], reading["diastolic"]
    near_baseline = within_fraction(
        systolic, baseline["systolic"], DISCHARGE_BP_WITHIN
    ) and within_fraction(diastolic, baseline["diastolic"], DISCHARGE_BP_WITHIN)
    inside_start_limits = systolic <= limit(
        thresholds, "do_not_start_systolic_above"
    ) and diastolic <= limit(thresholds, "do_not_start_diastolic_above")
    if not (near_baseline or inside_start_limits):
        reasons.append(
            f"Blood pressure {systolic}/{diastolic} is more than 20 % from the baseline "
            f"{baseline['systolic']}/{baseline['diastolic']} and above the do-not-start limits"
        )
    return reasons


def recovery_ends(stopped_at: datetime.datetime, minutes: int) -> datetime.datetime:
    return stopped_at + datetime.timedelta(minutes=minutes)


def infusion_shortfall(
    started_at: datetime.datetime, stopped_at: datetime.datetime, minutes: int
) -> int:
    """Whole minutes the infusion ran short of the protocol's length (0 when it ran its time)."""
    ran = (stopped_at - started_at).total_seconds() / 60
    return max(0, math.ceil(minutes - ran))


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
