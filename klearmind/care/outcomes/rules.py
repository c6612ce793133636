"""Outcome rules over a course of treatment: pure functions, no database.

Response and remission follow the NCQA HEDIS depression measures (CLINICAL.md): response is a
fall of at least 50 % from the baseline score, remission a PHQ-9 below 5 (GAD-7 below 5 by the
same convention). Rates count only patients ill at baseline (PHQ-9 or GAD-7 10 or more, PCL-5
at or above the clinic's cut-off: the HEDIS DRR-E denominator) whose baseline was taken in the
30 days before the first session; the others are "not counted", with the reason. PCL-5 change
follows the National Center for PTSD: 5 points is a reliable change, 10 points a clinically
meaningful one.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from klearmind.intake.scoring import PCL5_DEFAULT_CUTOFF

from ..measures import GAD7, MEASURES, PCL5, PHQ9

# NCQA HEDIS, Depression Response and Remission (DRR-E / DMS-E).
RESPONSE_FALL_PERCENT = 50
REMISSION_BELOW = {PHQ9: 5, GAD7: 5}
# NCQA HEDIS DRR-E denominator: ill at baseline, PHQ-9 of 10 or more (Kroenke et al. 2001,
# moderate); GAD-7 10 or more by the same convention (Spitzer et al. 2006); the PCL-5 at or
# above the clinic's provisional-PTSD cut-off. The baseline counts when taken within 30 days
# before the first session (CLINICAL.md).
ILL_AT_BASELINE_FROM = {PHQ9: 10, GAD7: 10}
BASELINE_WINDOW = datetime.timedelta(days=30)
NOT_ILL = "not ill at baseline"
NO_RECENT_BASELINE = "no baseline within 30 days before the first session"
NOT_COUNTED_REASONS = (NOT_ILL, NO_RECENT_BASELINE)
# National Center for PTSD, "Using the PTSD Checklist for DSM-5 (PCL-5)".
PCL5_RELIABLE_CHANGE = 5
PCL5_MEANINGFUL_CHANGE = 10
# A rate over fewer patients than this is shown as counts only: a percentage of three people
# says more than it knows.
SMALLEST_GROUP_FOR_RATE = 10

NOT_ENOUGH_SCORES = "not enough scores"
NOT_APPLICABLE = "not applicable"


@dataclass(frozen=True)
class Point:
    taken_at: datetime.datetime
    total: int


def baseline(points: Sequence[Point], *, before: datetime.datetime | None = None) -> Point | None:
    """The first score; when the course's first session is known, the first taken in the 30
    days before it, or failing that the first taken before it at all (shown, not counted)."""
    ordered = sorted(points, key=lambda point: point.taken_at)
    if before is not None:
        ordered = [point for point in ordered if point.taken_at < before]
        recent = [point for point in ordered if point.taken_at >= before - BASELINE_WINDOW]
        ordered = recent or ordered
    return ordered[0] if ordered else None


def ill_at_baseline(measure: str, total: int, *, pcl5_cutoff: int) -> bool:
    threshold = pcl5_cutoff if measure == PCL5 else ILL_AT_BASELINE_FROM[measure]
    return total >= threshold


def not_counted_reason(
    measure: str,
    first: Point | None,
    *,
    first_session: datetime.datetime | None,
    pcl5_cutoff: int,
) -> str | None:
    """Why a course stays out of the rates, or None when it counts."""
    if first is None or first_session is None or first.taken_at < first_session - BASELINE_WINDOW:
        return NO_RECENT_BASELINE
    if not ill_at_baseline(measure, first.total, pcl5_cutoff=pcl5_cutoff):
        return NOT_ILL
    return None


def latest(points: Sequence[Point], *, after: Point | None) -> Point | None:
    """The most recent score taken after the baseline; None when there is none."""
    if after is None:
        return None
    later = [point for point in points if point.taken_at > after.taken_at]
    return max(later, key=lambda point: point.taken_at) if later else None


def response(baseline_total: int | None, latest_total: int | None) -> bool | None:
    """A fall of at least 50 % from baseline; None when a score is missing or baseline is 0."""
    if baseline_total is None or latest_total is None or baseline_total == 0:
        return None
    return (baseline_total - latest_total) * 100 >= RESPONSE_FALL_PERCENT * baseline_total


def remission(latest_total: int | None, measure: str) -> bool | None:
    """PHQ-9 or GAD-7 below 5; None for a measure without a remission rule or no score."""
    if latest_total is None or measure not in REMISSION_BELOW:
        return None
    return latest_total < REMISSION_BELOW[measure]


def pcl5_change(baseline_total: int | None, latest_total: int | None) -> str | None:
    if baseline_total is None or latest_total is None:
        return None
    fall = baseline_total - latest_total
    if fall >= PCL5_MEANINGFUL_CHANGE:
        return "clinically meaningful improvement"
    if fall >= PCL5_RELIABLE_CHANGE:
        return "reliable improvement"
    if -fall >= PCL5_RELIABLE_CHANGE:
        return "reliable worsening"
    return "no reliable change"


@dataclass(frozen=True)
class Outcome:
    measure: str
    baseline: Point | None
    latest: Point | None
    response: bool | None
    remission: bool | None
    change: str | None
    not_counted: str | None = None  # the reason, for a course left out of the rates

    @property
    def label(self) -> str:
        return MEASURES[self.measure].label

    @property
    def counted(self) -> bool:
        return self.not_counted is None

    @property
    def response_text(self) -> str:
        if self.response is not None:
            return "Yes" if self.response else "No"
        if self.not_counted is not None:
            return f"not counted: {self.not_counted}"
        return NOT_ENOUGH_SCORES  # counted courses start at 10 or more, so never from 0

    @property
    def remission_text(self) -> str:
        if self.remission is not None:
            return "Yes" if self.remission else "No"
        if self.measure not in REMISSION_BELOW:
            return NOT_APPLICABLE
        if self.not_counted is not None:
            return f"not counted: {self.not_counted}"
        return NOT_ENOUGH_SCORES


def outcome(
    measure: str,
    points: Sequence[Point],
    *,
    first_session: datetime.datetime | None = None,
    pcl5_cutoff: int = PCL5_DEFAULT_CUTOFF,
) -> Outcome:
    """The course's outcome; response and remission are judged only for a course that counts
    (ill at baseline, baseline within 30 days before the first session)."""
    first = baseline(points, before=first_session)
    last = latest(points, after=first)
    first_total = first.total if first else None
    last_total = last.total if last else None
    reason = not_counted_reason(
        measure, first, first_session=first_session, pcl5_cutoff=pcl5_cutoff
    )
    counted = reason is None
    return Outcome(
        measure=measure,
        baseline=first,
        latest=last,
        response=response(first_total, last_total) if counted else None,
        remission=remission(last_total, measure) if counted else None,
        change=pcl5_change(first_total, last_total) if measure == PCL5 else None,
        not_counted=reason,
    )


@dataclass(frozen=True)
class Rate:
    count: int
    of: int

    @property
    def too_small(self) -> bool:
        return self.of < SMALLEST_GROUP_FOR_RATE

    @property
    def percent(self) -> int | None:
        if self.too_small:
            return None
        return round(self.count * 100 / self.of)


def rates(outcomes: Iterable[Outcome]) -> tuple[Rate, Rate]:
    """Response among the counted outcomes it can be judged for, and remission likewise."""
    counted = [item for item in outcomes if item.counted]
    responses = [item.response for item in counted if item.response is not None]
    remissions = [item.remission for item in counted if item.remission is not None]
    return Rate(sum(responses), len(responses)), Rate(sum(remissions), len(remissions))


def not_counted(outcomes: Iterable[Outcome]) -> tuple[tuple[str, int], ...]:
    """How many courses stay out of the rates, for each reason, every reason listed."""
    reasons = [item.not_counted for item in outcomes]
    return tuple((reason, reasons.count(reason)) for reason in NOT_COUNTED_REASONS)
