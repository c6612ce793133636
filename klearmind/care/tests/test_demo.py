"""The demo clinic's care records: Jamie mid-series with signed charts and falling scores, Alex
with an infusion to chart today, the protocols; a second run adds nothing."""

from django.test import TestCase
from django.utils import timezone

from klearmind.accounts.tests.factories import staff
from klearmind.booking.demo import ensure_demo_booking
from klearmind.care.attention.services import open_flags
from klearmind.care.demo import load_care_demo
from klearmind.care.models import InfusionChart, Patient, Protocol
from klearmind.care.patients.timeline import timeline
from klearmind.intake.demo import load_intake_demo
from klearmind.pages.tests.test_pages import load_demo


class CareDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.clinician = staff("Clinician", username="daniel.okafor")
        load_demo()
        ensure_demo_booking()
        load_intake_demo()
        cls.report = load_care_demo()

    def test_jamie_is_mid_series_with_charts_scores_and_an_open_check_in(self):
        jamie = Patient.objects.with_email("jamie.fox@example.com").get()
        plan = jamie.plans.get()
        assert plan.series is not None and plan.protocol.name == "IV ketamine induction"
        assert InfusionChart.objects.filter(plan=plan).signed().count() == 3
        totals = [m.total("phq9") for m in jamie.measurements.in_order()]
        assert totals[0] > totals[-1]
        assert "/check-in/" in self.report.check_in_url
        titles = [entry.title for entry in timeline(jamie)]
        assert "Plan started: IV ketamine induction" in titles
        assert any(title.startswith("IV ketamine chart signed by") for title in titles)

    def test_alex_has_an_infusion_today_and_a_record_to_chart_it(self):
        alex = Patient.objects.with_email("alex.moreno@example.org").get()
        today = [v for v in alex.appointments() if v.local_start.date() == timezone.localdate()]
        assert [v.service.kind for v in today] == ["booster"]
        assert alex.plans.get().protocol.name == "IV ketamine booster"
        assert alex.primary_clinician == self.clinician

    def test_needs_attention_shows_the_unsent_draft_and_alexs_urgent_check_in(self):
        alex = Patient.objects.with_email("alex.moreno@example.org").get()
        flags = {(flag.source, flag.subject): flag for flag in open_flags()}
        assert ("draft", "Riley Chen") in flags
        assert flags[("check_in", "Alex Moreno")].patient_id == alex.pk
        assert [flag.source for flag in open_flags(patient=alex)] == ["check_in"]

    def test_a_second_run_adds_nothing_and_prints_the_check_in_link_again(self):
        flags = len(open_flags())
        counts = (Patient.objects.count(), Protocol.objects.count(), InfusionChart.objects.count())
        again = load_care_demo()
        assert again.created == []
        assert again.check_in_url == self.report.check_in_url
        assert "Demo care records: nothing new." in again.summary()
        after = (Patient.objects.count(), Protocol.objects.count(), InfusionChart.objects.count())
        assert after == counts
        assert len(open_flags()) == flags
