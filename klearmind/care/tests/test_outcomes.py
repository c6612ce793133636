"""Response, remission and PCL-5 change over constructed score series (CLINICAL.md: response is
a fall of at least 50 % from baseline, remission PHQ-9 or GAD-7 below 5; PCL-5 change of 5 is
reliable and 10 clinically meaningful)."""

import datetime

from django.test import SimpleTestCase

from klearmind.care.outcomes import rules as outcomes
from klearmind.care.outcomes.rules import (
    NO_RECENT_BASELINE,
    NOT_APPLICABLE,
    NOT_ENOUGH_SCORES,
    NOT_ILL,
    Point,
    Rate,
    baseline,
    latest,
    not_counted,
    outcome,
    pcl5_change,
    rates,
    remission,
    response,
)

START = datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)


def series(*totals, every_days=7) -> list[Point]:
    return [
        Point(START + datetime.timedelta(days=every_days * n), total)
        for n, total in enumerate(totals)
    ]


class ResponseTests(SimpleTestCase):
    def test_a_fall_of_exactly_half_is_a_response(self):
        assert response(20, 10) is True
        assert response(9, 4) is True  # 55 %

    def test_a_fall_of_49_percent_is_not(self):
        assert response(100, 51) is False
        assert response(20, 11) is False

    def test_a_rise_is_not_a_response(self):
        assert response(10, 14) is False

    def test_a_baseline_of_zero_cannot_respond(self):
        assert response(0, 0) is None

    def test_a_missing_score_gives_no_answer(self):
        assert response(None, 5) is None
        assert response(18, None) is None

    def test_the_published_number_is_fifty(self):
        assert outcomes.RESPONSE_FALL_PERCENT == 50


class RemissionTests(SimpleTestCase):
    def test_phq9_4_is_remission_and_5_is_not(self):
        assert remission(4, "phq9") is True
        assert remission(5, "phq9") is False

    def test_gad7_follows_the_same_convention(self):
        assert remission(4, "gad7") is True
        assert remission(5, "gad7") is False

    def test_pcl5_and_pain_have_no_remission_rule(self):
        assert remission(0, "pcl5") is None
        assert remission(0, "pain") is None

    def test_no_latest_score_gives_no_answer(self):
        assert remission(None, "phq9") is None


class Pcl5ChangeTests(SimpleTestCase):
    def test_ten_points_is_clinically_meaningful(self):
        assert pcl5_change(50, 40) == "clinically meaningful improvement"

    def test_five_to_nine_points_is_reliable(self):
        assert pcl5_change(50, 45) == "reliable improvement"
        assert pcl5_change(50, 41) == "reliable improvement"

    def test_four_points_either_way_is_no_reliable_change(self):
        assert pcl5_change(50, 46) == "no reliable change"
        assert pcl5_change(50, 54) == "no reliable change"

    def test_a_rise_of_five_is_a_reliable_worsening(self):
        assert pcl5_change(40, 45) == "reliable worsening"

    def test_a_missing_score_gives_no_answer(self):
        assert pcl5_change(None, 40) is None
        assert pcl5_change(40, None) is None


class BaselineTests(SimpleTestCase):
    def test_the_baseline_is_the_first_score_whatever_the_order_given(self):
        points = series(18, 12, 6)
        assert baseline(list(reversed(points))) == points[0]

    def test_with_a_first_session_only_a_score_before_it_is_a_baseline(self):
        points = series(18, 12, 6)
        assert baseline(points, before=points[1].taken_at) == points[0]
        assert baseline(points, before=START) is None

    def test_the_first_score_in_the_30_days_before_the_first_session_is_preferred(self):
        points = series(18, 12, 6, every_days=20)
        assert baseline(points, before=points[2].taken_at) == points[1]

    def test_no_scores_no_baseline(self):
        assert baseline([]) is None

    def test_latest_is_the_most_recent_after_the_baseline(self):
        points = series(18, 12, 6)
        assert latest(points, after=points[0]) == points[2]
        assert latest(points[:1], after=points[0]) is None
        assert latest(points, after=None) is None


def course(measure, *totals, every_days=7, **kwargs):
    """The outcome of a course whose first session follows the first score by an hour."""
    first_session = START + datetime.timedelta(hours=1)
    return outcome(
        measure, series(*totals, every_days=every_days), first_session=first_session, **kwargs
    )


class OutcomeTests(SimpleTestCase):
    def test_a_falling_phq9_series_responds_and_remits(self):
        result = course("phq9", 18, 11, 7, 4)
        assert (result.baseline.total, result.latest.total) == (18, 4)
        assert (result.response, result.remission) == (True, True)
        assert (result.response_text, result.remission_text) == ("Yes", "Yes")
        assert result.label == "PHQ-9"
        assert result.change is None
        assert result.counted

    def test_a_series_that_does_not_fall_far_enough(self):
        result = course("gad7", 14, 12, 8)
        assert (result.response_text, result.remission_text) == ("No", "No")

    def test_a_single_score_is_not_enough(self):
        result = course("phq9", 16)
        assert result.latest is None
        assert (result.response, result.remission) == (None, None)
        assert result.response_text == NOT_ENOUGH_SCORES
        assert result.remission_text == NOT_ENOUGH_SCORES

    def test_no_scores_at_all(self):
        result = course("phq9")
        assert result.baseline is None
        assert result.not_counted == NO_RECENT_BASELINE

    def test_missing_scores_between_do_not_matter(self):
        assert course("phq9", 20, 9, every_days=21).response is True

    def test_without_a_score_before_the_first_session_there_is_no_baseline(self):
        points = series(20, 8)
        result = outcome("phq9", points, first_session=START - datetime.timedelta(days=1))
        assert result.baseline is None
        assert result.response_text == f"not counted: {NO_RECENT_BASELINE}"

    def test_without_a_first_session_nothing_counts(self):
        result = outcome("phq9", series(20, 8))
        assert result.baseline.total == 20
        assert result.not_counted == NO_RECENT_BASELINE
        assert result.response is None

    def test_pcl5_reports_its_change_and_no_remission(self):
        result = course("pcl5", 52, 40)
        assert result.change == "clinically meaningful improvement"
        assert result.remission_text == NOT_APPLICABLE
        assert result.response_text == "No"


class CountedTests(SimpleTestCase):
    """CLINICAL.md: rates count only patients ill at baseline (PHQ-9 >= 10, GAD-7 >= 10, PCL-5
    at or above the clinic's cut-off) with a baseline within 30 days before the first session."""

    def test_phq9_of_10_at_baseline_counts_and_9_does_not(self):
        assert course("phq9", 10, 4).counted
        not_ill = course("phq9", 9, 4)
        assert not_ill.not_counted == NOT_ILL
        assert (not_ill.response, not_ill.remission) == (None, None)
        assert not_ill.remission_text == "not counted: not ill at baseline"

    def test_a_phq9_of_3_that_stays_3_is_no_remission(self):
        result = course("phq9", 3, 3)
        assert result.remission is None
        assert rates([result]) == (Rate(0, 0), Rate(0, 0))
        assert not_counted([result]) == ((NOT_ILL, 1), (NO_RECENT_BASELINE, 0))

    def test_gad7_of_10_counts_and_9_does_not(self):
        assert course("gad7", 10, 4).counted
        assert course("gad7", 9, 4).not_counted == NOT_ILL

    def test_pcl5_counts_from_the_clinics_cutoff(self):
        assert course("pcl5", 33, 20).counted
        assert course("pcl5", 32, 20).not_counted == NOT_ILL
        assert course("pcl5", 31, 20, pcl5_cutoff=31).counted
        assert course("pcl5", 30, 20, pcl5_cutoff=31).not_counted == NOT_ILL

    def test_a_baseline_30_days_before_the_first_session_counts_and_31_does_not(self):
        first_session = START + datetime.timedelta(days=30)
        points = [Point(START, 18), Point(first_session + datetime.timedelta(days=7), 4)]
        assert outcome("phq9", points, first_session=first_session).counted
        later_session = START + datetime.timedelta(days=31)
        old = outcome("phq9", points, first_session=later_session)
        assert old.baseline == points[0]  # still shown
        assert old.not_counted == NO_RECENT_BASELINE
        assert old.response_text == (
            "not counted: no baseline within 30 days before the first session"
        )

    def test_a_score_in_the_30_days_is_the_baseline_before_an_older_one(self):
        first_session = START + datetime.timedelta(days=60)
        points = [Point(START, 25), Point(START + datetime.timedelta(days=40), 16)]
        points.append(Point(first_session + datetime.timedelta(days=14), 7))
        result = outcome("phq9", points, first_session=first_session)
        assert (result.baseline.total, result.counted, result.response) == (16, True, True)


class RateTests(SimpleTestCase):
    def test_rates_count_only_the_patients_that_can_be_judged(self):
        judged = [
            course("phq9", 20, 4),  # responds, remits
            course("phq9", 20, 12),  # neither
            course("phq9", 16),  # a single score: left out
            course("phq9", 3, 2),  # not ill at baseline: not counted
            outcome("phq9", series(20, 4)),  # no first session: not counted
        ]
        response_rate, remission_rate = rates(judged)
        assert (response_rate.count, response_rate.of) == (1, 2)
        assert (remission_rate.count, remission_rate.of) == (1, 2)
        assert not_counted(judged) == ((NOT_ILL, 1), (NO_RECENT_BASELINE, 1))

    def test_a_small_group_has_counts_but_no_percentage(self):
        assert Rate(3, 9).too_small is True
        assert Rate(3, 9).percent is None

    def test_a_group_of_ten_has_a_percentage(self):
        assert Rate(3, 10).percent == 30
        assert Rate(2, 3 * 10).percent == 7
