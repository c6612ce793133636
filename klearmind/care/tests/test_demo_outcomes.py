"""The demo's scores: a baseline, falling check-ins, and one open check-in whose link works."""

import datetime

from django.test import TestCase
from django.utils import timezone

from klearmind.booking.models import AppointmentStatus
from klearmind.care.demo.outcomes import load_scores
from klearmind.care.outcomes.progress import patient_progress

from .factories import make_patient, make_plan
from .outcome_factories import Treatment


class DemoScoresTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        treatment = Treatment()
        today = timezone.now().replace(hour=17, minute=0, second=0, microsecond=0)
        for days in (-9, -7, -5, 3, 5, 7):
            status = AppointmentStatus.COMPLETED if days < 0 else AppointmentStatus.BOOKED
            treatment.visit(today + datetime.timedelta(days=days), status=status)
        cls.patient = make_patient()
        cls.plan = make_plan(cls.patient, series=treatment.series)

    def test_the_patient_gets_falling_scores_and_an_open_check_in(self):
        url = load_scores(patient=self.patient, plan=self.plan)
        assert url.startswith("http://testserver/check-in/")
        sources = list(self.patient.measurements.in_order().values_list("source", flat=True))
        assert sources == ["intake", "check_in", "check_in"]
        progress = patient_progress(self.patient)
        assert [point.total for point in progress.series["phq9"]] == [19, 17, 9]
        assert [point.total for point in progress.series["gad7"]] == [14, 12, 7]
        phq9 = progress.outcomes[0]
        assert (phq9.response_text, phq9.remission_text) == ("Yes", "No")
        assert not self.patient.measurements.filter(urgent=True).exists()
        link = url.removeprefix("http://testserver")
        page = self.client.get(link, follow=True).content.decode()
        assert "Your check-in" in page

    def test_running_it_again_adds_nothing(self):
        url = load_scores(patient=self.patient, plan=self.plan)
        assert load_scores(patient=self.patient, plan=self.plan) == url
        assert self.patient.measurements.count() == 3
        assert self.patient.check_ins.count() == 3
