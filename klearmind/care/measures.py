"""The measures a patient fills over a course, scored by intake's scoring (never again here),
and the `Measurement.scores` dict built from the answers."""

from collections.abc import Sequence
from dataclasses import dataclass, replace

from klearmind.intake import scoring
from klearmind.intake.models import Condition, IntakeSettings

PHQ9, GAD7, PCL5, PAIN = "phq9", "gad7", "pcl5", "pain"


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    maximum: int
    bands: tuple[scoring.Band, ...]


def pcl5_bands(cutoff: int) -> tuple[scoring.Band, ...]:
    """PCL-5 has no published severity bands; the chart shades either side of the provisional
    PTSD cut-off (National Center for PTSD), the clinic's own setting."""
    return (
        scoring.Band(0, cutoff - 1, "below the provisional cut-off"),
        scoring.Band(cutoff, scoring.PCL5_ITEM_COUNT * scoring.PCL5_ITEM_MAX, "provisional PTSD"),
    )


PCL5_BANDS = pcl5_bands(scoring.PCL5_DEFAULT_CUTOFF)
MEASURES = {
    PHQ9: Measure(PHQ9, "PHQ-9", 27, scoring.PHQ9_BANDS),
    GAD7: Measure(GAD7, "GAD-7", 21, scoring.GAD7_BANDS),
    PCL5: Measure(PCL5, "PCL-5", 80, PCL5_BANDS),
    PAIN: Measure(PAIN, "Pain (0–10)", scoring.PAIN_MAX, ()),
}
# The questionnaires a check-in asks for: PHQ-9 always, the others with their condition; the
# 0-10 pain score in every check-in of a chronic-pain patient (CLINICAL.md, "pain").
CONDITION_MEASURES = (
    (Condition.ANXIETY, GAD7),
    (Condition.PTSD, PCL5),
    (Condition.CHRONIC_PAIN, PAIN),
)


def measure_spec(measure: str, *, pcl5_cutoff: int = scoring.PCL5_DEFAULT_CUTOFF) -> Measure:
    """The measure as charted, the PCL-5 banded at the clinic's cut-off."""
    spec = MEASURES[measure]
    return replace(spec, bands=pcl5_bands(pcl5_cutoff)) if measure == PCL5 else spec


def clinic_pcl5_cutoff() -> int:
    """The clinic's PCL-5 cut-off, set once for intake, check-ins and progress alike."""
    return IntakeSettings.load().pcl5_cutoff


def check_in_measures(conditions: Sequence[str]) -> list[str]:
    applying = [measure for condition, measure in CONDITION_MEASURES if condition in conditions]
    return [PHQ9, *applying]


def measurement_scores(
    *,
    phq9: Sequence[int] | None = None,
    gad7: Sequence[int] | None = None,
    pcl5: Sequence[int] | None = None,
    pain: int | None = None,
    phq9_difficulty: int | None = None,
    gad7_difficulty: int | None = None,
    pcl5_cutoff: int = scoring.PCL5_DEFAULT_CUTOFF,
) -> dict:
    """The scores of one sitting, as `Measurement.scores` keeps them; ScoringError when an
    answer does not fit its instrument. The PCL-5 is judged at the clinic's `pcl5_cutoff`."""
    scores = {}
    if phq9 is not None:
        score = scoring.score_phq9(phq9)
        scores[PHQ9] = {"total": score.total, "band": score.band, "items": list(phq9)}
        if phq9_difficulty is not None:
            scores[PHQ9]["difficulty"] = phq9_difficulty
    if gad7 is not None:
        score = scoring.score_gad7(gad7)
        scores[GAD7] = {"total": score.total, "band": score.band, "items": list(gad7)}
        if gad7_difficulty is not None:
            scores[GAD7]["difficulty"] = gad7_difficulty
    if pcl5 is not None:
        score = scoring.score_pcl5(pcl5, cutoff=pcl5_cutoff)
        scores[PCL5] = {
            "total": score.total,
            "band": "provisional PTSD" if score.provisional_by_cutoff else "below cut-off",
            "cutoff": score.cutoff,
            "items": list(pcl5),
        }
    if pain is not None:
        scores[PAIN] = {"total": scoring.checked_pain(pain)}
    return scores


def is_urgent(scores: dict) -> bool:
    """PHQ-9 item 9 above "not at all" (CLINICAL.md)."""
    items = scores.get(PHQ9, {}).get("items")
    item9 = items[scoring.PHQ9_SELF_HARM_ITEM - 1] if items else None
    return scoring.needs_crisis_resources(item9)
