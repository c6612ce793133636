"""The demo's charts: the series patient's past infusions signed, one flagged; a REMS form due."""

import datetime

from django.test import TestCase
from django.utils import timezone

from klearmind.accounts.tests.factories import staff
from klearmind.booking.models import Appointment, AppointmentStatus, Series, ServiceKind
from klearmind.booking.tests.factories import make_clinic
from klearmind.care.demo.charts import load_charts
from klearmind.care.models import ChartAlert, InfusionChart, RemsRecord

from .factories import make_patient, make_plan

EMAIL = "jamie.fox@example.com"


def series_visits(clinic) -> Series:
    series = Series.objects.create(service=clinic.service)
    today = timezone.localdate()
    for days in (-9, -7, -5, 3, 5, 7):
        starts_at = clinic.at(today + datetime.timedelta(days=days), 9)
        Appointment.objects.create(
            service=clinic.service,
            location=clinic.location,
            provider=clinic.providers[0],
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(minutes=90),
            occupied_from=starts_at,
            occupied_until=starts_at + datetime.timedelta(minutes=90),
            status=AppointmentStatus.COMPLETED if days < 0 else AppointmentStatus.BOOKED,
            patient_name="Jamie Fox",
            patient_email=EMAIL,
            patient_phone="(916) 555-0133",
            series=series,
        )
    return series


class LoadChartsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        clinic = make_clinic(slug="sacramento", kind=ServiceKind.KETAMINE)
        patient = make_patient(full_name="Jamie Fox", email=EMAIL)
        cls.plan = make_plan(patient=patient, series=series_visits(clinic))
        cls.clinician = staff("Clinician")
        load_charts(patient=patient, plan=cls.plan, clinician=cls.clinician)

    def test_the_past_series_visits_have_signed_charts_with_one_flagged_reading(self):
        charts = InfusionChart.objects.filter(plan=self.plan).order_by("session_date")
        assert [c.status for c in charts] == ["signed"] * 3
        assert all(c.appointment.series_id == self.plan.series_id for c in charts)
        flagged = [c for c in charts if c.flagged_vitals()]
        assert len(flagged) == 1
        assert "184" in flagged[0].notes
        assert flagged[0].flagged_vitals()[0].flags[0].text == "Systolic 184 is above 180"
        assert charts[0].dose_working == "78.4 kg × 0.50 mg/kg = 39.20 mg"

    def test_the_demo_charts_keep_the_recovery_and_alert_rules(self):
        charts = InfusionChart.objects.filter(plan=self.plan)
        for chart in charts:
            recovered = (chart.discharged_at - chart.stopped_at).total_seconds() / 60
            assert recovered == 35  # CLINICAL.md: at least 30 minutes after the stop
            assert chart.discharge_vitals_stable
            assert chart.vitals_gaps() == []
        alert = ChartAlert.objects.get()
        assert alert.text == "Systolic 184 is above 180"
        assert alert.acknowledged_by == self.clinician and alert.note
        assert not ChartAlert.objects.unacknowledged().exists()

    def test_the_spravato_patient_was_enrolled_before_the_session(self):
        chart = RemsRecord.objects.get().chart
        assert chart.patient.rems_enrolled_on < chart.session_date
        assert chart.rems.patient_rems_id == chart.patient.rems_patient_id

    def test_a_signed_spravato_chart_has_its_rems_form_due_in_four_days(self):
        rems = RemsRecord.objects.get()
        assert rems.chart.is_signed
        assert rems.chart.observed_minutes() == 125
        assert rems.due_on == timezone.localdate() + datetime.timedelta(days=4)
        assert rems.missing() == []

    def test_loading_again_adds_nothing(self):
        load_charts(patient=self.plan.patient, plan=self.plan, clinician=self.clinician)
        assert InfusionChart.objects.count() == 4
