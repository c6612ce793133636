"""Scoring against the published numbers: every band boundary, item 9, the PCL-5 clusters and
DSM-5 rule, each contraindication and the triage suggestion."""

import datetime

import pytest

from klearmind.intake import scoring
from klearmind.intake.questionnaires import (
    NO,
    NOT_SURE,
    SCREENING_LABELS,
    SCREENING_QUESTIONS,
    YES,
)

NONE_SCREENED = {q.key: NO for q in SCREENING_QUESTIONS}


def items_totalling(total: int, *, count: int, maximum: int) -> list[int]:
    """Answers that add up to `total`, filled from the first item (item 9 stays 0 for PHQ-9
    unless the total needs it)."""
    items = []
    for _ in range(count):
        value = min(maximum, total)
        items.append(value)
        total -= value
    assert total == 0
    return items


class TestPhq9:
    # Kroenke, Spitzer & Williams 2001: 0-4 minimal, 5-9 mild, 10-14 moderate,
    # 15-19 moderately severe, 20-27 severe.
    @pytest.mark.parametrize(
        ("total", "band"),
        [
            (0, "minimal"),
            (4, "minimal"),
            (5, "mild"),
            (9, "mild"),
            (10, "moderate"),
            (14, "moderate"),
            (15, "moderately severe"),
            (19, "moderately severe"),
            (20, "severe"),
            (27, "severe"),
        ],
    )
    def test_each_band_boundary(self, total, band):
        score = scoring.score_phq9(items_totalling(total, count=9, maximum=3))
        assert (score.total, score.band) == (total, band)

    @pytest.mark.parametrize(("item9", "self_harm"), [(0, False), (1, True), (2, True), (3, True)])
    def test_item_9_above_not_at_all_is_self_harm_whatever_the_total(self, item9, self_harm):
        score = scoring.score_phq9([0] * 8 + [item9])
        assert score.item9 == item9
        assert score.self_harm is self_harm
        assert score.band == "minimal"
        assert scoring.needs_crisis_resources(item9) is self_harm

    def test_no_answer_to_item_9_needs_no_crisis_panel_yet(self):
        assert scoring.needs_crisis_resources(None) is False

    @pytest.mark.parametrize(
        "items",
        [[0] * 8, [0] * 10, [0] * 8 + [4], [0] * 8 + [-1], [0] * 8 + ["2"], [0] * 8 + [True]],
        ids=["too-few", "too-many", "above-3", "negative", "text", "boolean"],
    )
    def test_refuses_answers_that_do_not_fit(self, items):
        with pytest.raises(scoring.ScoringError):
            scoring.score_phq9(items)


class TestGad7:
    # Spitzer et al. 2006: 0-4 minimal, 5-9 mild, 10-14 moderate, 15-21 severe; >= 10 further
    # evaluation.
    @pytest.mark.parametrize(
        ("total", "band", "further"),
        [
            (0, "minimal", False),
            (4, "minimal", False),
            (5, "mild", False),
            (9, "mild", False),
            (10, "moderate", True),
            (14, "moderate", True),
            (15, "severe", True),
            (21, "severe", True),
        ],
    )
    def test_each_band_boundary_and_further_evaluation_from_10(self, total, band, further):
        score = scoring.score_gad7(items_totalling(total, count=7, maximum=3))
        assert (score.total, score.band, score.further_evaluation) == (total, band, further)

    def test_refuses_an_eighth_item(self):
        with pytest.raises(scoring.ScoringError):
            scoring.score_gad7([1] * 8)


class TestPcl5:
    def test_clusters_are_items_1_5_6_7_8_14_and_15_20(self):
        items = [1] * 5 + [2] * 2 + [3] * 7 + [4] * 6
        score = scoring.score_pcl5(items)
        assert (score.cluster_b, score.cluster_c, score.cluster_d, score.cluster_e) == (
            5,
            4,
            21,
            24,
        )
        assert score.total == 54

    @pytest.mark.parametrize(
        ("total", "cutoff", "provisional"),
        [(32, 33, False), (33, 33, True), (30, 31, False), (31, 31, True), (32, 32, True)],
    )
    def test_provisional_by_the_cutoff(self, total, cutoff, provisional):
        score = scoring.score_pcl5(items_totalling(total, count=20, maximum=4), cutoff=cutoff)
        assert score.total == total
        assert score.cutoff == cutoff
        assert score.provisional_by_cutoff is provisional

    def test_the_default_cutoff_is_33(self):
        assert scoring.score_pcl5([0] * 20).cutoff == 33 == scoring.PCL5_DEFAULT_CUTOFF

    @pytest.mark.parametrize("cutoff", [30, 34])
    def test_refuses_a_cutoff_outside_31_to_33(self, cutoff):
        with pytest.raises(scoring.ScoringError):
            scoring.score_pcl5([0] * 20, cutoff=cutoff)

    def test_dsm5_rule_met_with_exactly_1_b_1_c_2_d_2_e_rated_2(self):
        items = [0] * 20
        for number in (1, 6, 8, 9, 15, 16):
            items[number - 1] = 2
        score = scoring.score_pcl5(items)
        assert score.provisional_by_dsm is True
        assert score.total == 12
        assert score.provisional_by_cutoff is False  # the two rules can disagree

    @pytest.mark.parametrize(
        "dropped", [1, 6, 9, 16], ids=["no-B", "no-C", "one-D-only", "one-E-only"]
    )
    def test_dsm5_rule_fails_when_a_cluster_falls_short(self, dropped):
        items = [0] * 20
        for number in (1, 6, 8, 9, 15, 16):
            items[number - 1] = 2
        items[dropped - 1] = 1  # rated 1 ("a little bit") does not count as endorsed
        assert scoring.score_pcl5(items).provisional_by_dsm is False

    def test_a_high_total_without_avoidance_is_not_provisional_by_the_dsm5_rule(self):
        items = [4] * 20
        items[5] = items[6] = 1  # cluster C, items 6 and 7
        score = scoring.score_pcl5(items)
        assert score.provisional_by_cutoff is True
        assert score.provisional_by_dsm is False


class TestPain:
    @pytest.mark.parametrize("value", [0, 10])
    def test_accepts_0_to_10(self, value):
        assert scoring.checked_pain(value) == value

    @pytest.mark.parametrize("value", [-1, 11, 5.5, True])
    def test_refuses_anything_else(self, value):
        with pytest.raises(scoring.ScoringError):
            scoring.checked_pain(value)


HARD_STOPS_FOR_ANY_KETAMINE = {
    "psychosis",
    "mania",
    "seizures",
    "stimulant_misuse",
    "pregnancy",
    "recent_heart_attack_or_stroke",
    "uncontrolled_hypertension",
    "unstable_angina",
    "uncontrolled_atrial_fibrillation",
    "prolonged_qt",
    "vascular_disease",
    "ketamine_hypersensitivity",
    "raised_intracranial_pressure",
    "recent_head_injury",
}
SOFT_FLAGS = {
    "substance_use_history",
    "prior_ketamine_misuse",
    "regular_opioids",
    "regular_benzodiazepines",
    "heavy_alcohol",
    "maoi",
    "psychostimulants",
    "bipolar_without_stabiliser",
    "hypertension",
    "severe_liver_disease",
    "interstitial_cystitis",
}


class TestScreening:
    # CLINICAL.md, "IV ketamine", screening: hard stops for any ketamine or esketamine.
    @pytest.mark.parametrize("key", sorted(HARD_STOPS_FOR_ANY_KETAMINE))
    def test_each_hard_stop_rules_out_iv_ketamine_and_spravato_alike(self, key):
        screening = scoring.screen(NONE_SCREENED | {key: YES})
        assert [flag.key for flag in screening.hard_stops] == [key]
        assert screening.spravato_contraindications == ()
        triage = triage_for(screening)
        assert triage.suggestion == scoring.LIKELY_NOT_CANDIDATE
        assert triage.reasons[0].startswith("Hard stop for any ketamine (IV ketamine and Spravato)")

    def test_the_hard_stops_are_exactly_those_clinical_lists(self):
        keys = {q.key for q in SCREENING_QUESTIONS if q.kind == "ketamine"}
        assert keys == HARD_STOPS_FOR_ANY_KETAMINE

    @pytest.mark.parametrize(
        ("key", "label"),
        [
            ("vascular_disease", "Aneurysmal vascular disease, AVM or intracerebral hemorrhage"),
            ("ketamine_hypersensitivity", "Hypersensitivity to ketamine or esketamine"),
            ("raised_intracranial_pressure", "Raised intracranial pressure"),
            ("recent_head_injury", "Recent head injury"),
        ],
    )
    def test_the_ketalar_label_hazards_read_as_hard_stops_not_spravato_only(self, key, label):
        triage = triage_for(scoring.screen(NONE_SCREENED | {key: YES}))
        assert triage.reasons[0] == (
            f"Hard stop for any ketamine (IV ketamine and Spravato): {label}."
        )
        assert not any("Spravato contraindicated" in reason for reason in triage.reasons)

    def test_breastfeeding_excludes_spravato_only_and_needs_review(self):
        # CLINICAL.md: "Spravato adds breastfeeding".
        screening = scoring.screen(NONE_SCREENED | {"breastfeeding": YES})
        assert screening.hard_stops == ()
        assert [f.key for f in screening.spravato_contraindications] == ["breastfeeding"]
        triage = triage_for(screening)
        assert triage.suggestion == scoring.CLINICIAN_REVIEW
        assert triage.reasons[0] == (
            "Spravato contraindicated (not a hard stop for IV ketamine): Breastfeeding."
        )

    def test_breastfeeding_answered_no_flags_nothing(self):
        screening = scoring.screen(NONE_SCREENED | {"breastfeeding": NO})
        assert screening == scoring.screen(NONE_SCREENED)
        assert triage_for(screening).suggestion == scoring.LIKELY_CANDIDATE

    def test_the_soft_flags_are_exactly_those_clinical_lists(self):
        assert {q.key for q in SCREENING_QUESTIONS if q.kind == "flag"} == SOFT_FLAGS

    @pytest.mark.parametrize("key", sorted(SOFT_FLAGS))
    def test_each_soft_flag_needs_review_but_is_no_hard_stop(self, key):
        screening = scoring.screen(NONE_SCREENED | {key: YES})
        assert [f.key for f in screening.soft_flags] == [key]
        assert screening.hard_stops == ()
        triage = triage_for(screening)
        assert triage.suggestion == scoring.CLINICIAN_REVIEW
        assert triage.reasons[0].startswith("Soft flag: ")

    def test_treated_hypertension_is_a_soft_flag_at_any_age(self):
        # CLINICAL.md: "treated hypertension at any age" (no longer only from 65).
        screening = scoring.screen(NONE_SCREENED | {"hypertension": YES})
        assert [f.label for f in screening.soft_flags] == ["Treated hypertension"]

    def test_every_question_is_plain_and_labelled(self):
        for question in SCREENING_QUESTIONS:
            assert question.text.endswith("?")
            assert question.key in SCREENING_LABELS

    def test_not_sure_about_an_exclusion_needs_review_not_a_refusal(self):
        screening = scoring.screen(NONE_SCREENED | {"pregnancy": NOT_SURE})
        assert screening.hard_stops == ()
        assert [f.key for f in screening.unsure] == ["pregnancy"]
        assert triage_for(screening).suggestion == scoring.CLINICIAN_REVIEW

    def test_refuses_a_missing_answer(self):
        answers = dict(NONE_SCREENED)
        del answers["seizures"]
        with pytest.raises(scoring.ScoringError):
            scoring.screen(answers)


def triage_for(screening, *, phq9=(2, 2, 2, 2, 1, 1, 0, 0, 0), gad7=None, pcl5=None, pain=None):
    return scoring.suggest_triage(
        phq9=scoring.score_phq9(phq9),
        gad7=scoring.score_gad7(gad7) if gad7 else None,
        pcl5=scoring.score_pcl5(pcl5) if pcl5 else None,
        pain=pain,
        screening=screening,
    )


class TestTriage:
    clear = scoring.screen(NONE_SCREENED)

    def test_moderate_depression_without_flags_is_a_likely_candidate(self):
        triage = triage_for(self.clear)
        assert triage.suggestion == scoring.LIKELY_CANDIDATE
        assert triage.label == "Likely candidate"
        assert triage.reasons == ("PHQ-9 10: moderate depression.",)

    def test_item_9_always_needs_same_day_review(self):
        triage = triage_for(self.clear, phq9=(3, 3, 3, 3, 3, 3, 3, 3, 1))
        assert triage.suggestion == scoring.CLINICIAN_REVIEW
        assert "same-day" in triage.reasons[0]

    def test_scores_below_moderate_need_a_clinician_to_judge(self):
        triage = triage_for(self.clear, phq9=(1, 1, 1, 1, 1, 0, 0, 0, 0))
        assert triage.suggestion == scoring.CLINICIAN_REVIEW
        assert "moderate range" in triage.reasons[0]

    @pytest.mark.parametrize(
        ("kwargs", "reason"),
        [
            ({"gad7": (2, 2, 2, 2, 2, 0, 0)}, "GAD-7 10: moderate anxiety."),
            ({"pcl5": (2,) * 17 + (0,) * 3}, "PCL-5 34: provisional PTSD."),
            ({"pain": 4}, "Pain 4/10."),
        ],
    )
    def test_anxiety_ptsd_or_moderate_pain_alone_make_a_likely_candidate(self, kwargs, reason):
        triage = triage_for(self.clear, phq9=(0,) * 9, **kwargs)
        assert (triage.suggestion, triage.reasons) == (scoring.LIKELY_CANDIDATE, (reason,))

    def test_pain_of_3_is_not_an_indication_on_its_own(self):
        triage = triage_for(self.clear, phq9=(0,) * 9, pain=3)
        assert triage.suggestion == scoring.CLINICIAN_REVIEW

    def test_a_hard_stop_outranks_everything(self):
        screening = scoring.screen(NONE_SCREENED | {"mania": YES, "pregnancy": NOT_SURE})
        triage = triage_for(screening, phq9=(3,) * 9)
        assert triage.suggestion == scoring.LIKELY_NOT_CANDIDATE
        assert (
            triage.reasons[0]
            == "Hard stop for any ketamine (IV ketamine and Spravato): Current mania."
        )


class TestAssess:
    def test_scores_only_the_measures_answered_and_marks_item_9_urgent(self):
        assessment = scoring.assess(
            phq9=(0,) * 8 + (2,),
            gad7=None,
            pcl5=None,
            pain=None,
            screening_answers=NONE_SCREENED,
        )
        data = assessment.as_dict()
        assert data["urgent"] is True
        assert (data["gad7"], data["pcl5"], data["pain"]) == (None, None, None)
        assert data["phq9"] == {"total": 2, "band": "minimal", "item9": 2}
        assert data["triage"]["label"] == "Clinician review needed"

    def test_uses_the_clinics_pcl5_cutoff(self):
        assessment = scoring.assess(
            phq9=(0,) * 9,
            gad7=None,
            pcl5=items_totalling(31, count=20, maximum=4),
            pain=None,
            screening_answers=NONE_SCREENED,
            pcl5_cutoff=31,
        )
        assert assessment.pcl5.provisional_by_cutoff is True


@pytest.mark.parametrize(
    ("born", "today", "age"),
    [
        (datetime.date(1960, 3, 1), datetime.date(2025, 2, 28), 64),
        (datetime.date(1960, 3, 1), datetime.date(2025, 3, 1), 65),
        (datetime.date(2000, 2, 29), datetime.date(2018, 2, 28), 17),
        (datetime.date(2000, 2, 29), datetime.date(2018, 3, 1), 18),
    ],
)
def test_age_counts_whole_years_to_the_birthday(born, today, age):
    assert scoring.age_on(born, today) == age


def test_a_total_outside_every_band_is_refused():
    with pytest.raises(scoring.ScoringError):
        scoring.band_for(28, scoring.PHQ9_BANDS)
