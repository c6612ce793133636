"""The "exam due" badge on every staff calendar entry: the day and week calendars, the
printable day sheet and My schedule (CLINICAL.md, IV hydration)."""

import datetime

import time_machine
from bs4 import BeautifulSoup
from django.test import Client, TestCase

from klearmind.accounts.tests.factories import sign_in, staff

from .factories import book, make_clinic
from .test_good_faith_exam import add_exam

NOW = datetime.datetime(2026, 12, 1, 16, tzinfo=datetime.UTC)  # Tuesday 8:00 in Sacramento
DAY = datetime.date(2026, 12, 3)  # Thursday
PAGES = {
    "day calendar": ("/admin/booking/", {"view": "day"}),
    "week calendar": ("/admin/booking/", {"view": "week"}),
    "day sheet": ("/admin/booking/day-sheet/", {}),
    "my schedule": ("/admin/booking/my-schedule/", {}),
}


def badges(response) -> list[str]:
    page = BeautifulSoup(response.content, "html.parser")
    return [badge.get_text() for badge in page.select(".booking-exam-due")]


@time_machine.travel(NOW, tick=False)
class ExamDueOnCalendarsTests(TestCase):
    def setUp(self):
        self.clinic = make_clinic(chairs=2, slug="midtown")  # its service is a hydration drip
        self.exam = add_exam(self.clinic)
        self.clinician = staff("Clinician")
        provider = self.clinic.providers[0]
        provider.user = self.clinician
        provider.save()
        self.drip = book(self.clinic, self.clinic.at(DAY, 11))
        assert self.drip.provider == provider
        self.client = Client()
        sign_in(self.client, self.clinician)

    def get(self, name):
        path, query = PAGES[name]
        query = {**query, "day": DAY.isoformat()}
        if "my-schedule" not in path:
            query["location"] = self.clinic.location.pk
        return self.client.get(path, query)

    def test_every_calendar_shows_exam_due_on_a_drip_with_no_exam(self):
        for name in PAGES:
            response = self.get(name)
            assert response.status_code == 200, name
            assert badges(response) == ["Exam due"], name

    def test_the_badge_goes_once_an_exam_is_booked_before_the_drip(self):
        exam = book(self.exam, self.clinic.at(DAY, 9))
        assert not exam.exam_due
        for name in PAGES:
            if name == "my schedule":
                continue  # the exam is another provider's visit
            response = self.get(name)
            assert "Exam due" not in response.content.decode(), name
            assert "Drip" in response.content.decode(), name
        assert badges(self.get("my schedule")) == []
