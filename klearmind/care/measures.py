"""The measures a patient fills over a course, scored by intake's scoring (never again here),
and the `Measurement.scores` dict built from the answers."""

from collections.abc import Sequence
from dataclasses import dataclass

from klearmind.intake import scoring
from klearmind.intake.models import Condition

PHQ9, GAD7, PCL5, PAIN = "phq9", "gad7", "pcl5", "pain"


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    maximum: int
    bands: tuple[scoring.Band, ...]


# PCL-5 has no published severity bands; the chart shades either side of the provisional
# PTSD cut-off (National Center for PTSD), the clinic's default.
PCL5_BANDS = (
    scoring.Band(0, scoring.PCL5_DEFAULT_CUTOFF - 1, "below the provisional cut-off"),
    scoring.Band(scoring.PCL5_DEFAULT_CUTOFF, 80, "provisional PTSD"),
)
MEASURES = {
    PHQ9: Measure(PHQ9, "PHQ-9", 27, scoring.PHQ9_BANDS),
    GAD7: Measure(GAD7, "GAD-7", 21, scoring.GAD7_BANDS),
    PCL5: Measure(PCL5, "PCL-5", 80, PCL5_BANDS),
    PAIN: Measure(PAIN, "Pain (0–10)", scoring.PAIN_MAX, ()),
}
# The questionnaires a check-in asks for: PHQ-9 always, the others with their condition.
CONDITION_MEASURES = ((Condition.ANXIETY, GAD7), (Condition.PTSD, PCL5))


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
) -> dict:
    """The scores of one sitting, as `Measurement.scores` keeps them; ScoringError when an
    answer does not fit its instrument."""
    scores = {}
    if phq9 is not None:
        score = scoring.score_phq9(phq9)
        scores[PHQ9] = {"total": score.total, "band": score.band, "items": list(phq9)}
        if phq9_difficulty is not None:
            scores[PHQ9]["difficulty"] = phq9_difficulty
    if gad7 is not None:
        score = scoring.score_gad7(gad7)
        scores[GAD7] = {"total": score.total, "band": score.band, "items": list(gad7)}
    if pcl5 is not None:
        score = scoring.score_pcl5(pcl5)
        scores[PCL5] = {
            "total": score.total,
            "band": "provisional PTSD" if score.provisional_by_cutoff else "below cut-off",
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
