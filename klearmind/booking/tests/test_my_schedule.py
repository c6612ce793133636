"""A clinician's own visits, a day or a week, and the staff calendars' fixed query counts."""

import datetime

import time_machine
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.audit.models import AuditEvent
from klearmind.booking.models import Appointment

from .factories import book, make_clinic, make_provider

NOW = datetime.datetime(2026, 12, 1, 16, tzinfo=datetime.UTC)  # Tuesday 8:00 in Sacramento
DAY = datetime.date(2026, 12, 3)  # Thursday


def text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())


@time_machine.travel(NOW, tick=False)
class MyScheduleTests(TestCase):
    def setUp(self):
        self.clinic = make_clinic(chairs=2, providers=2)
        self.clinician = staff("Clinician", first_name="Maya", last_name="Ellison")
        self.mine, self.theirs = self.clinic.providers
        self.mine.user = self.clinician
        self.mine.save()
        self.visit = book(self.clinic, self.clinic.at(DAY, 10))  # the first provider takes it
        assert self.visit.provider == self.mine
        self.client = Client()
        sign_in(self.client, self.clinician)

    def test_the_day_shows_only_my_visits_with_the_patient(self):
        book(self.clinic, self.clinic.at(DAY, 10))  # the other provider
        page = self.client.get("/admin/booking/my-schedule/", {"day": DAY.isoformat()})
        rows = BeautifulSoup(page.content, "html.parser").select(
            ".booking-admin__schedule tbody tr"
        )
        assert len(rows) == 1
        cells = [" ".join(td.get_text().split()) for td in rows[0].find_all("td")]
        # the drip has no good-faith exam before it, so it is marked "Exam due"
        assert cells == [
            "10:00 AM–11:00 AM",
            "Drip Exam due",
            "Midtown, chair 1",
            "Dana Reyes",
            "Booked",
        ]
        event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
        assert event.detail.endswith(f"appointments {self.visit.pk}")

    def test_the_week_lists_seven_days_from_monday(self):
        page = self.client.get(
            "/admin/booking/my-schedule/", {"day": DAY.isoformat(), "view": "week"}
        )
        soup = BeautifulSoup(page.content, "html.parser")
        days = [h.get_text() for h in soup.select(".booking-admin__schedule-day h3")]
        assert days[0] == "Monday 30 November" and days[-1] == "Sunday 6 December"
        assert "1 visit" in text(page) and "Dana Reyes" in text(page)

    def test_another_day_shows_no_visits_and_a_cancelled_visit_is_left_out(self):
        page = self.client.get("/admin/booking/my-schedule/")  # today, the 1st
        assert "No visits." in text(page)
        self.visit.cancel(by=self.clinician)
        page = self.client.get("/admin/booking/my-schedule/", {"day": DAY.isoformat()})
        assert "Dana Reyes" not in text(page)

    def test_a_login_without_a_provider_is_told_how_to_link_it(self):
        sign_in(self.client, staff("Clinician"))
        page = self.client.get("/admin/booking/my-schedule/")
        assert "Your login is not linked to a provider" in text(page)

    def test_the_menu_offers_my_schedule_to_clinicians_not_to_the_front_desk(self):
        assert b"My schedule" in self.client.get("/admin/").content
        sign_in(self.client, staff("Front desk"))
        assert b"My schedule" not in self.client.get("/admin/").content

    def test_the_appointment_names_staff_by_their_full_names(self):
        desk = staff("Front desk", first_name="Rosa", last_name="Delgado")
        visit = book(self.clinic, self.clinic.at(DAY, 12), by=desk)
        page = self.client.get(f"/admin/booking/appointments/{visit.pk}/")
        assert "by Rosa Delgado" in text(page)


@time_machine.travel(NOW, tick=False)
class CalendarQueryTests(TestCase):
    """Each calendar reads in a fixed number of queries, however many visits it shows."""

    def setUp(self):
        self.clinic = make_clinic(chairs=30, providers=1)
        self.provider = self.clinic.providers[0]
        self.clinician = staff("Clinician")
        self.provider.user = self.clinician
        self.provider.save()
        make_provider("Idle", [], location=self.clinic.location)
        self.client = Client()
        sign_in(self.client, self.clinician)

    def visits(self, count: int) -> None:
        """Adds visits up to `count` on DAY, each in its own chair, two an hour."""
        have = Appointment.objects.count()
        for n in range(have, count):
            starts = self.clinic.at(DAY, 8 + n // 6, (n % 6) * 10)
            Appointment.objects.create(
                service=self.clinic.service,
                location=self.clinic.location,
                provider=self.provider,
                chair=n + 1,
                starts_at=starts,
                ends_at=starts + datetime.timedelta(minutes=30),
                occupied_from=starts,
                occupied_until=starts + datetime.timedelta(minutes=30),
                patient_name=f"Patient {n}",
                patient_email=f"p{n}@example.org",
                patient_phone="(916) 555-0100",
            )

    def queries(self, path: str, **params) -> int:
        self.client.get(path, params)  # warm: the session, the permissions cache
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(path, params)
        assert response.status_code == 200
        return len(captured)

    def assert_fixed(self, path: str, **params) -> None:
        self.visits(3)
        few = self.queries(path, **params)
        self.visits(30)
        assert "Patient 29" in text(self.client.get(path, params))
        with self.assertNumQueries(few):
            self.client.get(path, params)

    def test_the_day_calendar(self):
        self.assert_fixed("/admin/booking/", location=self.clinic.location.pk, day=DAY.isoformat())

    def test_the_week_calendar(self):
        self.assert_fixed(
            "/admin/booking/", location=self.clinic.location.pk, day=DAY.isoformat(), view="week"
        )

    def test_the_day_sheet(self):
        self.assert_fixed(
            "/admin/booking/day-sheet/", location=self.clinic.location.pk, day=DAY.isoformat()
        )

    def test_my_schedule(self):
        self.assert_fixed("/admin/booking/my-schedule/", day=DAY.isoformat(), view="week")
