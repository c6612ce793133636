"""Scores, bands, contraindications and the triage suggestion: pure functions, no database.

Every number is published; each sits in a named constant beside its source (see
../docs and CLINICAL.md). A clinician always confirms the triage suggestion.
"""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

from .questionnaires import (
    HARD_STOP,
    NO,
    NOT_SURE,
    SCREENING_LABELS,
    SCREENING_QUESTIONS,
    SOFT_FLAG,
    SPRAVATO_ONLY,
    YES,
)


class ScoringError(ValueError):
    """Answers that do not fit the instrument (wrong count, out of range, unknown answer)."""


@dataclass(frozen=True)
class Band:
    low: int
    high: int
    label: str


# PHQ-9: Kroenke, Spitzer & Williams 2001, J Gen Intern Med 16:606-613. Items 0-3, total 0-27.
PHQ9_ITEM_COUNT = 9
PHQ9_ITEM_MAX = 3
PHQ9_BANDS = (
    Band(0, 4, "minimal"),
    Band(5, 9, "mild"),
    Band(10, 14, "moderate"),
    Band(15, 19, "moderately severe"),
    Band(20, 27, "severe"),
)
# Item 9 (thoughts of being better off dead or of self-harm): any answer above "not at all"
# shows crisis resources at once and marks the submission urgent (CLINICAL.md).
PHQ9_SELF_HARM_ITEM = 9

# GAD-7: Spitzer, Kroenke, Williams & Löwe 2006, Arch Intern Med 166:1092-1097. Total 0-21.
GAD7_ITEM_COUNT = 7
GAD7_ITEM_MAX = 3
GAD7_BANDS = (
    Band(0, 4, "minimal"),
    Band(5, 9, "mild"),
    Band(10, 14, "moderate"),
    Band(15, 21, "severe"),
)
# Spitzer et al. 2006: a score of 10 or more suggests further evaluation.
GAD7_FURTHER_EVALUATION_AT = 10

# PCL-5: National Center for PTSD (Weathers et al. 2013). Items 0-4, total 0-80.
PCL5_ITEM_COUNT = 20
PCL5_ITEM_MAX = 4
# DSM-5 symptom clusters by item number.
PCL5_CLUSTERS = {
    "B": range(1, 6),  # intrusion
    "C": range(6, 8),  # avoidance
    "D": range(8, 15),  # negative alterations in cognition and mood
    "E": range(15, 21),  # alterations in arousal and reactivity
}
# Provisional PTSD at a total of 31-33 or more (National Center for PTSD); 33 by default, a
# clinic setting within this range.
PCL5_DEFAULT_CUTOFF = 33
PCL5_CUTOFF_MIN = 31
PCL5_CUTOFF_MAX = 33
# DSM-5 rule: an item rated 2 ("moderately") or higher counts as endorsed; a provisional
# diagnosis needs at least 1 B, 1 C, 2 D and 2 E items endorsed.
PCL5_ENDORSED_AT = 2
PCL5_DSM_MINIMUM = {"B": 1, "C": 1, "D": 2, "E": 2}

# Pain numeric rating scale 0-10; 4 and above is moderate pain (Serlin et al. 1995, Pain
# 61:277-284), used here only to say whether pain is a reason to consider treatment.
PAIN_MIN = 0
PAIN_MAX = 10
PAIN_MODERATE_AT = 4

# PHQ-9 10 or more is moderate depression (Kroenke et al. 2001): a reason to consider
# treatment, as is GAD-7 further evaluation and a provisional PTSD diagnosis.
PHQ9_MODERATE_AT = 10

LIKELY_CANDIDATE = "likely_candidate"
CLINICIAN_REVIEW = "clinician_review"
LIKELY_NOT_CANDIDATE = "likely_not_candidate"
# How the triage names each kind of finding, so nobody reads a hard stop as Spravato-only.
HARD_STOP_REASON = "Hard stop for any ketamine (IV ketamine and Spravato)"
SPRAVATO_ONLY_REASON = "Spravato contraindicated (not a hard stop for IV ketamine)"
TRIAGE_LABELS = {
    LIKELY_CANDIDATE: "Likely candidate",
    CLINICIAN_REVIEW: "Clinician review needed",
    LIKELY_NOT_CANDIDATE: "Likely not a candidate",
}


def band_for(total: int, bands: Sequence[Band]) -> str:
    for band in bands:
        if band.low <= total <= band.high:
            return band.label
    raise ScoringError(f"The total {total} is outside every band.")


def checked_items(items: Sequence[int], *, count: int, maximum: int, name: str) -> tuple:
    """The answers as a tuple of ints, or ScoringError when one is missing or out of range."""
    if len(items) != count:
        raise ScoringError(f"{name} has {count} items; {len(items)} were given.")
    for number, value in enumerate(items, start=1):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= maximum:
            raise ScoringError(f"{name} item {number} must be a whole number from 0 to {maximum}.")
    return tuple(items)


@dataclass(frozen=True)
class Phq9Score:
    total: int
    band: str
    item9: int

    @property
    def self_harm(self) -> bool:
        return self.item9 > 0


def score_phq9(items: Sequence[int]) -> Phq9Score:
    items = checked_items(items, count=PHQ9_ITEM_COUNT, maximum=PHQ9_ITEM_MAX, name="PHQ-9")
    total = sum(items)
    return Phq9Score(total, band_for(total, PHQ9_BANDS), items[PHQ9_SELF_HARM_ITEM - 1])


def needs_crisis_resources(item9: int | None) -> bool:
    """PHQ-9 item 9 above "not at all": show 988 and 911 at once, and mark the form urgent."""
    return item9 is not None and item9 > 0


@dataclass(frozen=True)
class Gad7Score:
    total: int
    band: str
    further_evaluation: bool


def score_gad7(items: Sequence[int]) -> Gad7Score:
    items = checked_items(items, count=GAD7_ITEM_COUNT, maximum=GAD7_ITEM_MAX, name="GAD-7")
    total = sum(items)
    return Gad7Score(total, band_for(total, GAD7_BANDS), total >= GAD7_FURTHER_EVALUATION_AT)


@dataclass(frozen=True)
class Pcl5Score:
    total: int
    cluster_b: int
    cluster_c: int
    cluster_d: int
    cluster_e: int
    cutoff: int
    provisional_by_cutoff: bool
    provisional_by_dsm: bool


def score_pcl5(items: Sequence[int], *, cutoff: int = PCL5_DEFAULT_CUTOFF) -> Pcl5Score:
    if not PCL5_CUTOFF_MIN <= cutoff <= PCL5_CUTOFF_MAX:
        raise ScoringError(f"The PCL-5 cut-off must be {PCL5_CUTOFF_MIN}-{PCL5_CUTOFF_MAX}.")
    items = checked_items(items, count=PCL5_ITEM_COUNT, maximum=PCL5_ITEM_MAX, name="PCL-5")
    sums = {name: sum(items[n - 1] for n in numbers) for name, numbers in PCL5_CLUSTERS.items()}
    total = sum(items)
    return Pcl5Score(
        total=total,
        cluster_b=sums["B"],
        cluster_c=sums["C"],
        cluster_d=sums["D"],
        cluster_e=sums["E"],
        cutoff=cutoff,
        provisional_by_cutoff=total >= cutoff,
        provisional_by_dsm=meets_dsm5_rule(items),
    )


def meets_dsm5_rule(items: Sequence[int]) -> bool:
    """At least 1 B, 1 C, 2 D and 2 E items rated 2 or higher."""
    for name, numbers in PCL5_CLUSTERS.items():
        endorsed = sum(1 for n in numbers if items[n - 1] >= PCL5_ENDORSED_AT)
        if endorsed < PCL5_DSM_MINIMUM[name]:
            return False
    return True


def checked_pain(score: int) -> int:
    if isinstance(score, bool) or not isinstance(score, int) or not PAIN_MIN <= score <= PAIN_MAX:
        raise ScoringError(f"The pain score must be a whole number from {PAIN_MIN} to {PAIN_MAX}.")
    return score


def age_on(date_of_birth: datetime.date, today: datetime.date) -> int:
    before_birthday = (today.month, today.day) < (date_of_birth.month, date_of_birth.day)
    return today.year - date_of_birth.year - before_birthday


@dataclass(frozen=True)
class Flag:
    key: str
    label: str


@dataclass(frozen=True)
class Screening:
    """Hard stops exclude any ketamine or esketamine (IV ketamine and Spravato alike);
    Spravato-only contraindications exclude esketamine; soft flags and "not sure" answers
    need a clinician's judgment (CLINICAL.md, "IV ketamine", screening)."""

    hard_stops: tuple[Flag, ...]
    spravato_contraindications: tuple[Flag, ...]
    soft_flags: tuple[Flag, ...]
    unsure: tuple[Flag, ...]


def screen(answers: Mapping[str, str]) -> Screening:
    """Sort the answered screening questions; treated hypertension is a soft flag at any age."""
    found = {HARD_STOP: [], SPRAVATO_ONLY: [], SOFT_FLAG: [], NOT_SURE: []}
    for question in SCREENING_QUESTIONS:
        answer = answers.get(question.key)
        if answer not in (YES, NO, NOT_SURE):
            raise ScoringError(f"The screening question {question.key!r} has no valid answer.")
        flag = Flag(question.key, SCREENING_LABELS[question.key])
        if answer == YES:
            found[question.kind].append(flag)
        elif answer == NOT_SURE:
            found[NOT_SURE].append(flag)
    return Screening(
        hard_stops=tuple(found[HARD_STOP]),
        spravato_contraindications=tuple(found[SPRAVATO_ONLY]),
        soft_flags=tuple(found[SOFT_FLAG]),
        unsure=tuple(found[NOT_SURE]),
    )


@dataclass(frozen=True)
class Triage:
    suggestion: str
    reasons: tuple[str, ...]

    @property
    def label(self) -> str:
        return TRIAGE_LABELS[self.suggestion]


def suggest_triage(
    *,
    phq9: Phq9Score,
    gad7: Gad7Score | None,
    pcl5: Pcl5Score | None,
    pain: int | None,
    screening: Screening,
) -> Triage:
    """Likely candidate, clinician review needed, or likely not a candidate, with reasons."""
    reasons = [f"{HARD_STOP_REASON}: {flag.label}." for flag in screening.hard_stops]
    review = []
    if phq9.self_harm:
        review.append("PHQ-9 item 9 above “not at all”: same-day clinician review.")
    review += [f"{SPRAVATO_ONLY_REASON}: {f.label}." for f in screening.spravato_contraindications]
    review += [f"Soft flag: {flag.label}." for flag in screening.soft_flags]
    review += [f"Answered “not sure”: {flag.label}." for flag in screening.unsure]
    indications = treatment_indications(phq9=phq9, gad7=gad7, pcl5=pcl5, pain=pain)
    if not indications:
        review.append("No score in the moderate range or above: is treatment indicated?")
    reasons += review + indications
    if screening.hard_stops:
        return Triage(LIKELY_NOT_CANDIDATE, tuple(reasons))
    return Triage(CLINICIAN_REVIEW if review else LIKELY_CANDIDATE, tuple(reasons))


def treatment_indications(*, phq9, gad7, pcl5, pain) -> list[str]:
    found = []
    if phq9.total >= PHQ9_MODERATE_AT:
        found.append(f"PHQ-9 {phq9.total}: {phq9.band} depression.")
    if gad7 is not None and gad7.further_evaluation:
        found.append(f"GAD-7 {gad7.total}: {gad7.band} anxiety.")
    if pcl5 is not None and (pcl5.provisional_by_cutoff or pcl5.provisional_by_dsm):
        found.append(f"PCL-5 {pcl5.total}: provisional PTSD.")
    if pain is not None and pain >= PAIN_MODERATE_AT:
        found.append(f"Pain {pain}/10.")
    return found


@dataclass(frozen=True)
class Assessment:
    phq9: Phq9Score
    gad7: Gad7Score | None
    pcl5: Pcl5Score | None
    pain: int | None
    screening: Screening
    triage: Triage

    @property
    def urgent(self) -> bool:
        return self.phq9.self_harm

    def as_dict(self) -> dict:
        data = asdict(self)
        data["urgent"] = self.urgent
        data["triage"]["label"] = self.triage.label
        return data


def assess(
    *,
    phq9: Sequence[int],
    gad7: Sequence[int] | None,
    pcl5: Sequence[int] | None,
    pain: int | None,
    screening_answers: Mapping[str, str],
    pcl5_cutoff: int = PCL5_DEFAULT_CUTOFF,
) -> Assessment:
    """Score every measure the candidate answered, screen, and suggest a triage."""
    phq9_score = score_phq9(phq9)
    gad7_score = score_gad7(gad7) if gad7 is not None else None
    pcl5_score = score_pcl5(pcl5, cutoff=pcl5_cutoff) if pcl5 is not None else None
    pain_score = checked_pain(pain) if pain is not None else None
    screening = screen(screening_answers)
    triage = suggest_triage(
        phq9=phq9_score, gad7=gad7_score, pcl5=pcl5_score, pain=pain_score, screening=screening
    )
    return Assessment(phq9_score, gad7_score, pcl5_score, pain_score, screening, triage)
