"""The charting rules at their published numbers (CLINICAL.md), each boundary on both sides."""

import datetime
from decimal import Decimal

import pytest

from klearmind.care import rules
from klearmind.care.rules import DEFAULT_THRESHOLDS as LIMITS

CALM = {"systolic": 120, "diastolic": 78, "heart_rate": 72, "spo2": 98, "respiratory_rate": 14}


def texts(**reading) -> list[str]:
    return [flag.text for flag in rules.vital_flags({**CALM, **reading}, LIMITS)]


class TestDose:
    def test_dose_is_weight_times_mg_per_kg_with_its_working(self):
        dose, working = rules.dose_mg(Decimal("72.5"), Decimal("0.5"))
        assert dose == Decimal("36.25")
        assert working == "72.5 kg × 0.50 mg/kg = 36.25 mg"

    def test_dose_rounds_half_up_to_the_hundredth(self):
        assert rules.dose_mg(Decimal("80.1"), Decimal("0.75"))[0] == Decimal("60.08")

    def test_the_standard_induction_dose_is_half_a_mg_per_kg(self):
        assert Decimal("0.5") == rules.KETAMINE_DOSE_MG_PER_KG

    @pytest.mark.parametrize(
        ("mg_per_kg", "inside"),
        [("0.09", False), ("0.1", True), ("0.5", True), ("0.75", True), ("0.76", False)],
    )
    def test_the_studied_range_0_1_to_0_75_mg_per_kg_includes_its_ends(self, mg_per_kg, inside):
        low, high = rules.KETAMINE_MIN_MG_PER_KG, rules.KETAMINE_MAX_MG_PER_KG
        assert rules.dose_in_range(Decimal(mg_per_kg), low, high) is inside


class TestMayStart:
    def test_a_resting_bp_of_140_over_90_may_start(self):
        assert rules.may_start(140, 90, LIMITS)
        assert rules.start_refusals(140, 90, LIMITS) == []

    def test_systolic_141_does_not_start(self):
        assert not rules.may_start(141, 80, LIMITS)
        assert rules.start_refusals(141, 80, LIMITS) == ["Resting systolic 141 is above 140"]

    def test_diastolic_91_does_not_start(self):
        assert rules.start_refusals(130, 91, LIMITS) == ["Resting diastolic 91 is above 90"]

    def test_both_above_give_both_reasons(self):
        assert len(rules.start_refusals(150, 95, LIMITS)) == 2


class TestVitalFlag:
    def test_a_calm_reading_breaks_no_rule(self):
        assert texts() == []

    @pytest.mark.parametrize(
        ("field", "inside", "outside", "text"),
        [
            ("systolic", 180, 181, "Systolic 181 is above 180"),
            ("systolic", 90, 89, "Systolic 89 is below 90"),
            ("heart_rate", 150, 151, "Heart rate 151 is above 150"),
            ("heart_rate", 50, 49, "Heart rate 49 is below 50"),
            ("respiratory_rate", 30, 31, "Respiratory rate 31 is above 30"),
            ("respiratory_rate", 10, 9, "Respiratory rate 9 is below 10"),
            ("spo2", 92, 91, "SpO2 91 is below 92"),
        ],
    )
    def test_each_alert_boundary_on_both_sides(self, field, inside, outside, text):
        assert texts(**{field: inside}) == []
        assert texts(**{field: outside}) == [text]

    def test_the_published_alert_numbers(self):
        assert (rules.ALERT_SYSTOLIC_ABOVE, rules.ALERT_SYSTOLIC_BELOW) == (180, 90)
        assert (rules.ALERT_HEART_RATE_ABOVE, rules.ALERT_HEART_RATE_BELOW) == (150, 50)
        assert (rules.ALERT_RESPIRATORY_RATE_ABOVE, rules.ALERT_RESPIRATORY_RATE_BELOW) == (30, 10)
        assert rules.ALERT_SPO2_BELOW == 92
        assert (rules.DO_NOT_START_SYSTOLIC_ABOVE, rules.DO_NOT_START_DIASTOLIC_ABOVE) == (140, 90)

    def test_a_missing_reading_is_not_flagged(self):
        assert texts(respiratory_rate=None) == []

    def test_flags_name_the_reading_they_belong_to(self):
        flags = rules.vital_flags({**CALM, "systolic": 186, "spo2": 90}, LIMITS)
        assert [flag.field for flag in flags] == ["systolic", "spo2"]

    def test_a_clinic_threshold_replaces_the_default(self):
        flags = rules.vital_flags(
            {**CALM, "systolic": 171}, {**LIMITS, "alert_systolic_above": 170}
        )
        assert [flag.text for flag in flags] == ["Systolic 171 is above 170"]


START = datetime.datetime(2026, 3, 2, 17, 0, tzinfo=datetime.UTC)


def at(minutes: int) -> datetime.datetime:
    return START + datetime.timedelta(minutes=minutes)


class TestVitalsGap:
    def test_readings_every_15_minutes_leave_no_gap(self):
        assert rules.VITALS_EVERY_MINUTES == 15
        assert rules.vitals_gaps([at(15), at(30)], START, at(40), 15) == []

    def test_16_minutes_without_a_reading_is_a_gap(self):
        assert rules.vitals_gaps([at(15), at(24)], START, at(40), 15) == [(at(24), at(40))]

    def test_no_reading_at_all_is_one_gap_from_start_to_stop(self):
        assert rules.vitals_gaps([], START, at(40), 15) == [(START, at(40))]

    def test_readings_outside_the_infusion_do_not_fill_it(self):
        assert rules.vitals_gaps([at(-5), at(50)], START, at(20), 15) == [(START, at(20))]


class TestObservation:
    def test_observation_counts_whole_minutes_and_never_below_zero(self):
        assert rules.REMS_OBSERVATION_MINUTES == 120
        assert rules.observation_minutes(START, at(119) + datetime.timedelta(seconds=59)) == 119
        assert rules.observation_minutes(START, at(120)) == 120
        assert rules.observation_minutes(at(5), START) == 0

    def test_the_rems_form_is_due_7_days_after_the_session(self):
        assert rules.REMS_FORM_DUE_DAYS == 7
        day = datetime.date(2026, 2, 26)
        assert rules.rems_form_due_on(day, 7) == datetime.date(2026, 3, 5)
