"""The chart's state changes: what each refuses, and the lock once signed."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import timezone

from klearmind.accounts.tests.factories import staff
from klearmind.care.charts.models.charts import DISCHARGE_CHECKLIST
from klearmind.care.models import Addendum, ChartEvent, InfusionChart, Phase, RemsRecord

from .chart_factories import complete, enrol, make_chart, ready_to_start, vital
from .factories import make_protocol
from .signature_factories import consent_on_file


def code_of(context) -> str:
    return context.exception.error_list[0].code


def minutes_ago(minutes: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=minutes)


class ChartOpeningTests(TestCase):
    def test_the_protocol_numbers_are_copied_so_a_later_edit_rewrites_no_chart(self):
        chart = make_chart()
        protocol = chart.protocol
        protocol.alert_systolic_above = 170
        protocol.save()
        chart.refresh_from_db()
        assert chart.thresholds["alert_systolic_above"] == 180
        assert chart.thresholds["vitals_every_minutes"] == 15

    def test_a_spravato_chart_gets_a_rems_record_due_7_days_after_the_session(self):
        day = datetime.date(2026, 2, 26)
        chart = make_chart(spravato=True, day=day)
        assert chart.rems.due_on == datetime.date(2026, 3, 5)
        assert RemsRecord.objects.not_submitted().count() == 1

    def test_an_iv_chart_has_no_rems_record(self):
        assert not RemsRecord.objects.filter(chart=make_chart()).exists()


class DoseTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.clinician = staff("Clinician")

    def test_dose_is_worked_out_from_the_weight_and_recorded_with_who_confirmed_it(self):
        chart = make_chart()
        chart.confirm_dose(by=self.clinician, weight_kg=Decimal("72.5"), mg_per_kg=Decimal("0.5"))
        chart = InfusionChart.objects.get(pk=chart.pk)
        assert chart.dose_mg == Decimal("36.25")
        assert chart.dose_working == "72.5 kg × 0.50 mg/kg = 36.25 mg"
        assert chart.dose_confirmed_by == self.clinician

    def test_a_dose_above_the_range_needs_an_override_reason(self):
        chart = make_chart()
        with self.assertRaises(ValidationError) as refused:
            chart.confirm_dose(by=self.clinician, weight_kg=Decimal("80"), mg_per_kg=Decimal("0.8"))
        assert code_of(refused) == "override_needed"
        assert "0.1–0.75 mg/kg" in refused.exception.messages[0]
        chart.refresh_from_db()
        assert chart.dose_mg is None

    def test_with_a_reason_the_override_is_recorded(self):
        chart = make_chart()
        chart.confirm_dose(
            by=self.clinician,
            weight_kg=Decimal("80"),
            mg_per_kg=Decimal("0.8"),
            override_reason="Partial response at 0.75 after six infusions",
        )
        assert chart.dose_mg == Decimal("64.00")
        assert chart.dose_outside_range()
        assert InfusionChart.objects.get(pk=chart.pk).override_reason.startswith("Partial")

    def test_spravato_takes_only_56_or_84_mg(self):
        chart = make_chart(spravato=True)
        with self.assertRaises(ValidationError) as refused:
            chart.confirm_fixed_dose(by=self.clinician, dose_mg=70)
        assert code_of(refused) == "fixed_dose"
        with self.assertRaises(ValidationError):
            chart.confirm_dose(by=self.clinician, weight_kg=Decimal(70), mg_per_kg=Decimal("0.5"))
        enrol(chart.patient)
        chart.confirm_fixed_dose(by=self.clinician, dose_mg=84)
        assert chart.dose_mg == 84
        with self.assertRaises(ValidationError):
            make_chart().confirm_fixed_dose(by=self.clinician, dose_mg=56)


class StartTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.clinician = staff("Clinician")

    def test_refused_while_the_checklist_is_incomplete(self):
        chart = make_chart()
        with self.assertRaises(ValidationError) as refused:
            chart.start(by=self.clinician)
        assert code_of(refused) == "checklist_incomplete"
        assert "fasting confirmed" in refused.exception.messages[0]

    def test_refused_before_the_dose_is_confirmed(self):
        chart = make_chart()
        consent_on_file(chart.patient, "ketamine")
        chart.record_checklist(
            fasting_confirmed=True, escort_confirmed=True, medications_reviewed=True
        )
        with self.assertRaises(ValidationError) as refused:
            chart.start(by=self.clinician)
        assert code_of(refused) == "dose_not_confirmed"

    def test_resting_bp_141_over_90_does_not_start_until_a_new_baseline_is_recorded(self):
        chart = ready_to_start(make_chart(), by=self.clinician)
        vital(chart, minutes_ago(10), phase=Phase.BASELINE, systolic=141, diastolic=90)
        with self.assertRaises(ValidationError) as refused:
            chart.start(by=self.clinician)
        assert code_of(refused) == "do_not_start"
        assert "Resting systolic 141 is above 140" in refused.exception.messages[0]
        vital(chart, minutes_ago(2), phase=Phase.BASELINE, systolic=140, diastolic=90)
        chart.start(by=self.clinician)
        assert chart.started_at is not None

    def test_no_baseline_no_start(self):
        chart = ready_to_start(make_chart(), by=self.clinician)
        chart.vitals.all().delete()
        with self.assertRaises(ValidationError) as refused:
            chart.start(by=self.clinician)
        assert "No baseline" in refused.exception.messages[0]

    def test_a_time_still_to_come_is_refused(self):
        chart = ready_to_start(make_chart(), by=self.clinician)
        with self.assertRaises(ValidationError) as refused:
            chart.start(by=self.clinician, at=timezone.now() + datetime.timedelta(hours=1))
        assert code_of(refused) == "in_future"

    def test_the_dose_is_set_once_started_and_it_starts_once(self):
        chart = ready_to_start(make_chart(), by=self.clinician)
        chart.start(by=self.clinician)
        with self.assertRaises(ValidationError):
            chart.start(by=self.clinician)
        with self.assertRaises(ValidationError) as refused:
            chart.confirm_dose(by=self.clinician, weight_kg=Decimal(70), mg_per_kg=Decimal("0.5"))
        assert code_of(refused) == "started"


class StopAndDischargeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.clinician = staff("Clinician")

    def test_stop_needs_a_start_and_comes_after_it(self):
        chart = ready_to_start(make_chart(), by=self.clinician, baseline_at=minutes_ago(35))
        with self.assertRaises(ValidationError):
            chart.stop(by=self.clinician)
        chart.start(by=self.clinician, at=minutes_ago(30))
        with self.assertRaises(ValidationError) as refused:
            chart.stop(by=self.clinician, at=minutes_ago(40))
        assert code_of(refused) == "stop_before_start"
        chart.stop(by=self.clinician)
        with self.assertRaises(ValidationError):
            chart.stop(by=self.clinician)

    def test_discharge_needs_a_stop(self):
        chart = ready_to_start(make_chart(), by=self.clinician)
        with self.assertRaises(ValidationError) as refused:
            chart.discharge(by=self.clinician)
        assert code_of(refused) == "not_stopped"

    def test_spravato_discharge_before_120_minutes_is_refused(self):
        chart = ready_to_start(
            make_chart(spravato=True), by=self.clinician, baseline_at=minutes_ago(125)
        )
        chart.start(by=self.clinician, at=minutes_ago(119))
        chart.stop(by=self.clinician, at=minutes_ago(115))
        vital(chart, minutes_ago(5), phase=Phase.AFTER)
        with self.assertRaises(ValidationError) as refused:
            chart.discharge(by=self.clinician, **dict.fromkeys(DISCHARGE_CHECKLIST, True))
        assert code_of(refused) == "observation_too_short"
        assert "at least 120 minutes" in refused.exception.messages[0]
        assert InfusionChart.objects.get(pk=chart.pk).discharged_at is None


class SignTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.clinician = staff("Clinician")

    def test_a_complete_chart_signs(self):
        chart = complete(make_chart(), by=self.clinician)
        chart.sign(by=self.clinician)
        chart.refresh_from_db()
        assert (chart.status, chart.signed_by) == ("signed", self.clinician)

    def test_an_empty_chart_lists_everything_still_needed(self):
        chart = make_chart()
        with self.assertRaises(ValidationError) as refused:
            chart.sign(by=self.clinician)
        assert code_of(refused) == "chart_incomplete"
        message = refused.exception.messages[0]
        for needed in ("fasting confirmed", "a confirmed dose", "start and stop", "escort present"):
            assert needed in message

    def test_a_gap_of_more_than_15_minutes_between_vitals_blocks_signing(self):
        chart = complete(make_chart(), by=self.clinician)
        chart.vitals.filter(phase=Phase.DURING).last().delete()
        with self.assertRaises(ValidationError) as refused:
            chart.sign(by=self.clinician)
        assert "at least every 15 minutes" in refused.exception.messages[0]

    def test_spravato_observed_under_120_minutes_cannot_be_signed_off(self):
        chart = complete(make_chart(spravato=True), by=self.clinician)
        InfusionChart.objects.filter(pk=chart.pk).update(
            discharged_at=chart.started_at + datetime.timedelta(minutes=119)
        )
        chart.refresh_from_db()
        with self.assertRaises(ValidationError) as refused:
            chart.sign(by=self.clinician)
        assert code_of(refused) == "observation_too_short"
        chart.refresh_from_db()
        assert chart.status == "open"

    def test_spravato_with_120_minutes_and_a_complete_rems_form_signs(self):
        chart = complete(make_chart(spravato=True), by=self.clinician)
        chart.sign(by=self.clinician)
        assert chart.is_signed

    def test_spravato_with_the_rems_form_incomplete_cannot_be_signed(self):
        chart = complete(make_chart(spravato=True), by=self.clinician)
        chart.rems.sedation = ""
        chart.rems.save()
        chart.vitals.filter(phase=Phase.AFTER).delete()
        with self.assertRaises(ValidationError) as refused:
            chart.sign(by=self.clinician)
        message = refused.exception.messages[0]
        assert "REMS form: sedation" in message
        assert "REMS form: blood pressure at discharge" in message


class SignedChartLockTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.clinician = staff("Clinician")
        cls.chart = complete(make_chart(spravato=True), by=cls.clinician)
        cls.chart.sign(by=cls.clinician)

    def assert_locked(self, action):
        with self.assertRaises(ValidationError) as refused:
            action()
        assert code_of(refused) == "chart_signed"

    def test_signed_charts_cannot_be_edited_by_any_path(self):
        chart = InfusionChart.objects.get(pk=self.chart.pk)
        chart.notes = "changed later"
        self.assert_locked(chart.save)
        self.assert_locked(lambda: chart.record_notes("changed"))
        self.assert_locked(lambda: chart.record_checklist(fasting_confirmed=False))
        self.assert_locked(lambda: chart.stop(by=self.clinician))
        self.assert_locked(lambda: chart.sign(by=self.clinician))
        self.assert_locked(chart.delete)

    def test_nothing_can_be_added_to_or_removed_from_a_signed_chart(self):
        chart = InfusionChart.objects.get(pk=self.chart.pk)
        self.assert_locked(lambda: vital(chart, timezone.now()))
        self.assert_locked(chart.vitals.first().delete)
        event = ChartEvent(chart=chart, kind="nausea", occurred_at=timezone.now())
        self.assert_locked(event.save)
        rems = RemsRecord.objects.get(chart=chart)
        rems.sedation = "yes"
        self.assert_locked(rems.save)

    def test_an_addendum_is_the_only_way_to_add_and_is_never_edited(self):
        chart = InfusionChart.objects.get(pk=self.chart.pk)
        addendum = Addendum.objects.create(chart=chart, author=self.clinician, text="Called home")
        addendum.text = "Rewritten"
        with self.assertRaises(ValidationError):
            addendum.save()
        assert Addendum.objects.get().text == "Called home"

    def test_the_rems_form_can_still_be_marked_submitted_once(self):
        rems = RemsRecord.objects.get(chart=self.chart)
        rems.mark_submitted(by=self.clinician, reference="  CONF-20931 ")
        rems.refresh_from_db()
        assert rems.confirmation_reference == "CONF-20931"
        assert not RemsRecord.objects.not_submitted().exists()
        with self.assertRaises(ValidationError):
            rems.mark_submitted(by=self.clinician, reference="again")


class OpenChartRulesTests(TestCase):
    def test_an_addendum_on_an_open_chart_is_refused(self):
        with self.assertRaises(ValidationError) as refused:
            Addendum.objects.create(chart=make_chart(), text="too early")
        assert code_of(refused) == "chart_open"

    def test_the_rems_form_of_an_open_chart_cannot_be_submitted(self):
        chart = make_chart(spravato=True)
        with self.assertRaises(ValidationError) as refused:
            chart.rems.mark_submitted(by=None, reference="X1")
        assert code_of(refused) == "chart_open"

    def test_a_rate_change_needs_its_new_rate(self):
        event = ChartEvent(chart=make_chart(), kind="rate_change", occurred_at=timezone.now())
        with self.assertRaises(ValidationError) as refused:
            event.full_clean()
        assert "new_rate" in refused.exception.error_dict

    def test_vital_flags_use_the_chart_thresholds(self):
        chart = make_chart()
        reading = vital(chart, timezone.now(), systolic=186, spo2=91)
        assert [flag.text for flag in reading.flags] == [
            "Systolic 186 is above 180",
            "SpO2 91 is below 92",
        ]
        assert reading.flag_for("systolic") == "Systolic 186 is above 180"
        assert make_protocol().alert_spo2_below == 92
