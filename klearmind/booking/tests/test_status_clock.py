"""Arrived and No-show follow the clock: a visit days away can be neither, so it never counts
in the no-show rate before its time."""

import datetime

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.test import Client, TestCase

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.booking.models import AppointmentStatus

from .factories import book, make_clinic

pytestmark = pytest.mark.clock

DAY = datetime.date(2026, 12, 3)  # a Thursday


def buttons(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [button["value"] for button in soup.select(".booking-admin__actions button")]


class StatusClockTests(TestCase):
    def setUp(self):
        self.clinic = make_clinic(chairs=1)
        with time_machine.travel(self.clinic.at(DAY - datetime.timedelta(days=6), 9)):
            self.visit = book(self.clinic, self.clinic.at(DAY, 10))

    def at(self, day, hour, minute=0):
        return time_machine.travel(self.clinic.at(day, hour, minute), tick=False)

    def test_a_visit_six_days_away_cannot_be_marked_arrived(self):
        with self.at(DAY - datetime.timedelta(days=6), 10), pytest.raises(ValidationError) as no:
            self.visit.mark_arrived(by=None)
        assert no.value.code == "too_early"
        self.visit.refresh_from_db()
        assert self.visit.status == AppointmentStatus.BOOKED

    def test_arrived_opens_an_hour_before_the_start(self):
        with self.at(DAY, 8, 59), pytest.raises(ValidationError) as early:
            self.visit.mark_arrived(by=None)
        assert early.value.code == "too_early"
        with self.at(DAY, 9):
            self.visit.mark_arrived(by=None)
        assert self.visit.status == AppointmentStatus.ARRIVED

    def test_arrived_is_still_possible_late_on_the_day_but_not_the_day_after(self):
        with self.at(DAY, 23, 59):
            assert self.visit.arrival_refusal() is None
        with self.at(DAY + datetime.timedelta(days=1), 0, 1), pytest.raises(ValidationError) as no:
            self.visit.mark_arrived(by=None)
        assert no.value.code == "day_over"

    def test_no_show_only_once_the_visit_has_started(self):
        with self.at(DAY, 9, 59), pytest.raises(ValidationError) as early:
            self.visit.mark_no_show(by=None)
        assert early.value.code == "not_started"
        with self.at(DAY, 10):
            self.visit.mark_no_show(by=None)
        self.visit.refresh_from_db()
        assert self.visit.status == AppointmentStatus.NO_SHOW


class StatusButtonTests(TestCase):
    def setUp(self):
        self.clinic = make_clinic(chairs=1)
        with time_machine.travel(self.clinic.at(DAY - datetime.timedelta(days=6), 9)):
            self.visit = book(self.clinic, self.clinic.at(DAY, 10))
        self.desk = staff("Front desk")
        self.client = Client(enforce_csrf_checks=True)
        self.url = f"/admin/booking/appointments/{self.visit.pk}/"

    def page_at(self, day, hour):
        with time_machine.travel(self.clinic.at(day, hour), tick=False):
            sign_in(self.client, self.desk)  # each moment is its own session
            return self.client.get(self.url)

    def test_days_before_only_completed_and_cancel_are_offered(self):
        page = self.page_at(DAY - datetime.timedelta(days=6), 10)
        assert buttons(page) == ["completed", "cancel"]
        assert "can be marked on the visit's day" in page.content.decode()

    def test_an_hour_before_arrived_is_offered_and_after_the_start_no_show_too(self):
        assert buttons(self.page_at(DAY, 9)) == ["arrived", "completed", "cancel"]
        assert buttons(self.page_at(DAY, 11)) == ["arrived", "completed", "no_show", "cancel"]

    def test_a_posted_early_arrival_is_refused_with_the_reason(self):
        with time_machine.travel(self.clinic.at(DAY - datetime.timedelta(days=6), 10), tick=False):
            sign_in(self.client, self.desk)
            page = self.client.get(self.url)
            token = BeautifulSoup(page.content, "html.parser").find(
                "input", {"name": "csrfmiddlewaretoken"}
            )["value"]
            refused = self.client.post(
                self.url + "status/",
                {"csrfmiddlewaretoken": token, "action": "arrived"},
                follow=True,
            )
        assert "only on its day, from an hour before it starts" in refused.content.decode()
        self.visit.refresh_from_db()
        assert self.visit.status == AppointmentStatus.BOOKED
