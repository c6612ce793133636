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


def refusals(**reading) -> list[str]:
    return rules.start_refusals({**CALM, **reading}, LIMITS)


class TestMayStart:
    """CLINICAL.md, IV ketamine: do not start unless the baseline has BP <= 140/90, heart rate
    50-110, SpO2 >= 94 %, respiratory rate 10-24."""

    def test_a_resting_bp_of_140_over_90_may_start(self):
        assert rules.may_start({**CALM, "systolic": 140, "diastolic": 90}, LIMITS)
        assert refusals(systolic=140, diastolic=90) == []

    def test_systolic_141_does_not_start(self):
        assert not rules.may_start({**CALM, "systolic": 141}, LIMITS)
        assert refusals(systolic=141) == ["Resting systolic 141 is above 140"]

    def test_diastolic_91_does_not_start(self):
        assert refusals(diastolic=91) == ["Resting diastolic 91 is above 90"]

    def test_both_above_give_both_reasons(self):
        assert len(refusals(systolic=150, diastolic=95)) == 2

    @pytest.mark.parametrize(
        ("field", "inside", "outside", "text"),
        [
            ("heart_rate", 110, 111, "Resting heart rate 111 is above 110"),
            ("heart_rate", 50, 49, "Resting heart rate 49 is below 50"),
            ("spo2", 94, 93, "Resting SpO2 93 is below 94"),
            ("respiratory_rate", 24, 25, "Resting respiratory rate 25 is above 24"),
            ("respiratory_rate", 10, 9, "Resting respiratory rate 9 is below 10"),
        ],
    )
    def test_each_baseline_limit_on_both_sides(self, field, inside, outside, text):
        assert refusals(**{field: inside}) == []
        assert refusals(**{field: outside}) == [text]

    def test_the_published_baseline_numbers(self):
        assert (rules.DO_NOT_START_HEART_RATE_BELOW, rules.DO_NOT_START_HEART_RATE_ABOVE) == (
            50,
            110,
        )
        assert rules.DO_NOT_START_SPO2_BELOW == 94
        assert (
            rules.DO_NOT_START_RESPIRATORY_RATE_BELOW,
            rules.DO_NOT_START_RESPIRATORY_RATE_ABOVE,
        ) == (10, 24)

    def test_a_baseline_without_a_respiratory_rate_does_not_start(self):
        assert refusals(respiratory_rate=None) == ["Resting respiratory rate not recorded"]

    def test_a_chart_opened_before_a_limit_existed_uses_the_default(self):
        old = {k: v for k, v in LIMITS.items() if k != "do_not_start_spo2_below"}
        assert rules.start_refusals({**CALM, "spo2": 93}, old) == ["Resting SpO2 93 is below 94"]


class TestBaselineAge:
    """CLINICAL.md: a baseline reading taken within 30 minutes before the start."""

    def test_30_minutes_before_counts_31_does_not(self):
        assert rules.BASELINE_MAX_AGE_MINUTES == 30
        start = datetime.datetime(2026, 3, 2, 17, 0, tzinfo=datetime.UTC)
        assert rules.baseline_is_recent(start - datetime.timedelta(minutes=30), start)
        assert not rules.baseline_is_recent(start - datetime.timedelta(minutes=31), start)
        assert not rules.baseline_is_recent(start - datetime.timedelta(hours=8), start)

    def test_a_reading_after_the_start_is_no_baseline(self):
        start = datetime.datetime(2026, 3, 2, 17, 0, tzinfo=datetime.UTC)
        assert rules.baseline_is_recent(start, start)
        assert not rules.baseline_is_recent(start + datetime.timedelta(minutes=1), start)


class TestDoseLimits:
    """CLINICAL.md: hard ceiling 1.0 mg/kg (Fava 2018); weight 30-250 kg, whatever the override."""

    def test_the_published_limits(self):
        assert Decimal("1.0") == rules.HARD_CEILING_MG_PER_KG
        assert (rules.WEIGHT_MIN_KG, rules.WEIGHT_MAX_KG) == (30, 250)

    @pytest.mark.parametrize(
        ("mg_per_kg", "refused"), [("0.75", False), ("1.0", False), ("1.01", True)]
    )
    def test_the_ceiling_takes_1_0_and_refuses_1_01(self, mg_per_kg, refused):
        reasons = rules.dose_limit_refusals(Decimal("70"), Decimal(mg_per_kg))
        assert bool(reasons) is refused
        if refused:
            assert reasons == ["1.01 mg/kg is above the hard ceiling of 1.0 mg/kg"]

    @pytest.mark.parametrize(
        ("weight", "refused"),
        [("29.9", True), ("30", False), ("250", False), ("250.1", True)],
    )
    def test_weight_30_to_250_kg_includes_its_ends(self, weight, refused):
        reasons = rules.dose_limit_refusals(Decimal(weight), Decimal("0.5"))
        assert bool(reasons) is refused
        if refused:
            assert reasons == [f"A weight of {weight} kg is outside 30-250 kg"]

    def test_nothing_entered_yet_is_not_refused(self):
        assert rules.dose_limit_refusals(None, None) == []


class TestVitalFlag:
    def test_a_calm_reading_breaks_no_rule(self):
        assert texts() == []

    @pytest.mark.parametrize(
        ("field", "inside", "outside", "text"),
        [
            ("systolic", 180, 181, "Systolic 181 is above 180"),
            ("systolic", 90, 89, "Systolic 89 is below 90"),
            ("diastolic", 120, 121, "Diastolic 121 is above 120"),
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
        assert rules.ALERT_DIASTOLIC_ABOVE == 120
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


def reading(systolic: int, diastolic: int, **values) -> dict:
    return {**CALM, "systolic": systolic, "diastolic": diastolic, **values}


class TestDischarge:
    """CLINICAL.md, recovery and discharge: a reading after the 30 minutes with no alert value
    and BP within 20 % of the baseline or within the do-not-start limits."""

    BASELINE = reading(150, 100)

    def test_30_minutes_of_recovery_by_default(self):
        assert rules.RECOVERY_MINUTES == 30
        assert rules.recovery_ends(START, 30) == at(30)

    def test_a_reading_within_20_percent_of_the_baseline_is_stable(self):
        # 150 + 20 % = 180, 100 + 20 % = 120: inside, though above 140/90.
        assert rules.discharge_refusals(reading(180, 120), self.BASELINE, LIMITS) == []

    def test_21_percent_above_the_baseline_and_above_140_over_90_is_not(self):
        assert rules.discharge_refusals(reading(180, 121), self.BASELINE, LIMITS) == [
            "Diastolic 121 is above 120",
            "Blood pressure 180/121 is more than 20 % from the baseline 150/100 and above the "
            "do-not-start limits",
        ]

    def test_far_from_a_low_baseline_but_within_140_over_90_is_stable(self):
        assert rules.discharge_refusals(reading(140, 90), reading(100, 60), LIMITS) == []
        assert len(rules.discharge_refusals(reading(141, 90), reading(100, 60), LIMITS)) == 1

    def test_186_over_124_with_heart_rate_128_is_not_stable(self):
        refusals = rules.discharge_refusals(reading(186, 124, heart_rate=128), CALM, LIMITS)
        assert "Systolic 186 is above 180" in refusals
        assert "Diastolic 124 is above 120" in refusals
        assert refusals[-1].startswith("Blood pressure 186/124 is more than 20 %")

    def test_an_alert_value_blocks_even_with_the_pressure_stable(self):
        assert rules.discharge_refusals(reading(120, 78, spo2=91), CALM, LIMITS) == [
            "SpO2 91 is below 92"
        ]


class TestInfusionLength:
    def test_37_of_40_minutes_is_3_short_and_40_is_not_short(self):
        assert rules.infusion_shortfall(START, at(37), 40) == 3
        assert rules.infusion_shortfall(START, at(40), 40) == 0
        assert rules.infusion_shortfall(START, at(45), 40) == 0


class TestProtocolBounds:
    def test_the_vitals_interval_is_5_to_15_minutes_and_recovery_at_least_30(self):
        assert rules.PROTOCOL_BOUNDS["vitals_every_minutes"] == (5, 15)
        assert rules.PROTOCOL_BOUNDS["recovery_minutes"][0] == 30

    def test_every_default_lies_inside_its_bounds(self):
        for name, (low, high) in rules.PROTOCOL_BOUNDS.items():
            assert low <= LIMITS[name] <= high, name
