"""Outcome rules over a course of treatment: pure functions, no database.

Response and remission follow the NCQA HEDIS depression measures (CLINICAL.md): response is a
fall of at least 50 % from the baseline score, remission a PHQ-9 below 5 (GAD-7 below 5 by the
same convention). PCL-5 change follows the National Center for PTSD: 5 points is a reliable
change, 10 points a clinically meaningful one.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .measures import GAD7, MEASURES, PCL5, PHQ9

# NCQA HEDIS, Depression Response and Remission (DRR-E / DMS-E).
RESPONSE_FALL_PERCENT = 50
REMISSION_BELOW = {PHQ9: 5, GAD7: 5}
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
    """The first score; when the course's first session is known, the first taken before it."""
    ordered = sorted(points, key=lambda point: point.taken_at)
    if before is not None:
        ordered = [point for point in ordered if point.taken_at < before]
    return ordered[0] if ordered else None


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

    @property
    def label(self) -> str:
        return MEASURES[self.measure].label

    @property
    def response_text(self) -> str:
        if self.response is not None:
            return "Yes" if self.response else "No"
        if self.baseline is not None and self.latest is not None:
            return NOT_APPLICABLE  # a baseline of 0 cannot fall by half
        return NOT_ENOUGH_SCORES

    @property
    def remission_text(self) -> str:
        if self.remission is not None:
            return "Yes" if self.remission else "No"
        return NOT_APPLICABLE if self.measure not in REMISSION_BELOW else NOT_ENOUGH_SCORES


def outcome(
    measure: str, points: Sequence[Point], *, first_session: datetime.datetime | None = None
) -> Outcome:
    first = baseline(points, before=first_session)
    last = latest(points, after=first)
    first_total = first.total if first else None
    last_total = last.total if last else None
    return Outcome(
        measure=measure,
        baseline=first,
        latest=last,
        response=response(first_total, last_total),
        remission=remission(last_total, measure),
        change=pcl5_change(first_total, last_total) if measure == PCL5 else None,
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
    """Response among the outcomes it can be judged for, and remission likewise."""
    outcomes = list(outcomes)
    responses = [item.response for item in outcomes if item.response is not None]
    remissions = [item.remission for item in outcomes if item.remission is not None]
    return Rate(sum(responses), len(responses)), Rate(sum(remissions), len(remissions))
