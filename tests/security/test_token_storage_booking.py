"""Booking's and check-ins' bearer tokens are never stored, and leave the address at once.

Each flow runs through the test client as a patient would: a visit booked online, its e-mailed
link opened in another browser, the visit moved and cancelled there; a clinician's invitation
used to book; a check-in link answered. Every token handed out (the confirm form's one-time
token, every e-mailed link) is collected from the pages and the outbox, then the whole database
is searched for it (tests/security/stored_tokens.py): on SQLite by default, on PostgreSQL when
the suite runs with DATABASE_URL.
"""

import datetime
import re

import time_machine
from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client, TestCase

from klearmind.booking import services
from klearmind.booking.models import Appointment, AppointmentStatus, OnlineBooking, ServiceKind
from klearmind.booking.tests.factories import make_clinic
from klearmind.care.check_ins.tasks import queue_check_in
from klearmind.care.models import Measurement
from klearmind.care.tests.factories import make_patient
from klearmind.care.tests.outcome_factories import make_check_in

from .stored_tokens import stored_copies

NOW = datetime.datetime(2026, 12, 1, 16, tzinfo=datetime.UTC)  # Tuesday 8:00 in Sacramento
DAY = datetime.date(2026, 12, 3)
DETAILS = {"name": "Dana Reyes", "email": "dana@example.org", "phone": "(916) 555-0199"}
LINK = re.compile(r"https?://[^/\s]+(/(?:book/visit|book/invitation|check-in)/([^/\s]+)/)")


def page_form(response, selector: str = "form") -> dict[str, str]:
    form = BeautifulSoup(response.content, "html.parser").select_one(selector)
    fields: dict[str, str] = {}
    for field in form.find_all("input", type="hidden"):
        fields.setdefault(field["name"], field.get("value", ""))
    return fields


def hidden_lists(response) -> dict[str, list[str]]:
    form = BeautifulSoup(response.content, "html.parser").select_one("form.booking-confirm")
    fields: dict[str, list[str]] = {}
    for field in form.find_all("input", type="hidden"):
        fields.setdefault(field["name"], []).append(field.get("value", ""))
    return fields


def e_mailed_links(*, since: int = 0) -> list[tuple[str, str]]:
    """(path, token) of every private link in the e-mails sent since the `since`-th one."""
    return [
        found.groups() for message in mail.outbox[since:] for found in LINK.finditer(message.body)
    ]


class TokenTrail:
    """Every token a flow handed out, and every address the browsers were sent to."""

    def __init__(self):
        self.tokens: list[str] = []
        self.addresses: list[str] = []

    def open(self, client, path: str, token: str) -> str:
        """Open an e-mailed link; the address it sends the browser on to."""
        self.tokens.append(token)
        response = client.get(path)
        assert response.status_code == 302, response.content.decode()
        self.addresses.append(response["Location"])
        return response["Location"]

    def seen(self, response) -> None:
        if response.status_code in (301, 302, 303):
            self.addresses.append(response["Location"])
        self.addresses.append(
            response.request["PATH_INFO"] + "?" + response.request.get("QUERY_STRING", "")
        )

    def assert_none_stored_or_in_an_address(self) -> None:
        assert self.tokens
        assert stored_copies(*self.tokens) == []
        for token in self.tokens:
            leaked = [address for address in self.addresses if token in address]
            assert leaked == [], token


@time_machine.travel(NOW, tick=False)
class VisitTokenStorageTests(TestCase):
    def setUp(self):
        self.clinic = make_clinic(chairs=1, slug="midtown")
        self.trail = TokenTrail()

    def book_online(self, client) -> Appointment:
        url, start = "/book/drip/midtown/details/", self.clinic.at(DAY, 10).isoformat()
        page = client.get(url, {"start": start})
        csrf = page_form(page, "form.form")["csrfmiddlewaretoken"]
        review = client.post(url, {"csrfmiddlewaretoken": csrf, "start": start, **DETAILS})
        self.confirm_form = {**hidden_lists(review), "confirm": "1"}
        self.trail.tokens.append(self.confirm_form["token"][0])  # the one-time form token
        with self.captureOnCommitCallbacks(execute=True):
            booked = client.post(url, self.confirm_form)
        self.trail.seen(booked)
        assert booked["Location"].startswith("/book/my-visit/")
        return Appointment.objects.get()

    def test_a_visit_booked_opened_elsewhere_moved_and_cancelled_leaves_no_token_stored(self):
        self.book_online(Client(enforce_csrf_checks=True))
        [(path, token)] = e_mailed_links()
        phone = Client(enforce_csrf_checks=True)
        visit = self.trail.open(phone, path, token)
        page = phone.get(visit)
        assert token not in page.content.decode()
        move = phone.get(visit + "reschedule/", {"month": "2026-12", "day": "2026-12-04"})
        new_start = self.clinic.at(DAY + datetime.timedelta(days=1), 11).isoformat()
        csrf = page_form(move, "form[method=post]")["csrfmiddlewaretoken"]
        with self.captureOnCommitCallbacks(execute=True):
            moved = phone.post(
                visit + "reschedule/", {"csrfmiddlewaretoken": csrf, "start": new_start}
            )
        self.trail.seen(moved)
        [(moved_path, moved_token)] = e_mailed_links(since=1)
        visit = self.trail.open(phone, moved_path, moved_token)
        cancel = phone.get(visit + "cancel/")
        csrf = page_form(cancel, "form[method=post]")["csrfmiddlewaretoken"]
        with self.captureOnCommitCallbacks(execute=True):
            self.trail.seen(phone.post(visit + "cancel/", {"csrfmiddlewaretoken": csrf}))
        assert Appointment.objects.get().status == AppointmentStatus.CANCELLED
        assert len(mail.outbox) == 3  # booked, moved, cancelled
        self.trail.assert_none_stored_or_in_an_address()

    def test_a_confirm_sent_twice_finds_the_visit_by_the_hash_alone(self):
        client = Client(enforce_csrf_checks=True)
        appointment = self.book_online(client)
        again = client.post("/book/drip/midtown/details/", self.confirm_form)
        assert again["Location"] == f"/book/my-visit/{appointment.pk}/?booked=1"
        assert Appointment.objects.count() == 1
        self.trail.assert_none_stored_or_in_an_address()


@time_machine.travel(NOW, tick=False)
class InvitationTokenStorageTests(TestCase):
    def test_an_invitation_used_to_book_leaves_no_token_stored(self):
        clinic = make_clinic(
            chairs=1,
            slug="midtown",
            kind=ServiceKind.KETAMINE,
            online_booking=OnlineBooking.INVITED,
            duration_minutes=90,
        )
        trail = TokenTrail()
        with self.captureOnCommitCallbacks(execute=True):
            services.issue_invitation(name="Alex", email="alex@example.org", by=None)
        [(path, token)] = e_mailed_links()
        client = Client(enforce_csrf_checks=True)
        landing = trail.open(client, path, token)
        assert landing == "/book/invitation/"
        url, start = "/book/drip/midtown/details/", clinic.at(DAY, 10).isoformat()
        page = client.get(url, {"start": start})
        trail.seen(page)
        csrf = page_form(page, "form.form")["csrfmiddlewaretoken"]
        data = {"csrfmiddlewaretoken": csrf, "start": start, "series": "one", **DETAILS}
        review = client.post(url, data)
        fields = hidden_lists(review)
        trail.tokens.append(fields["token"][0])
        with self.captureOnCommitCallbacks(execute=True):
            trail.seen(client.post(url, {**fields, "confirm": "1"}))
        assert Appointment.objects.get().invitation is not None
        trail.tokens += [found for _, found in e_mailed_links(since=1)]
        trail.assert_none_stored_or_in_an_address()


class CheckInTokenStorageTests(TestCase):
    def test_a_check_in_link_answered_leaves_no_token_stored(self):
        check_in = make_check_in(make_patient(), measures=["phq9"])
        with self.captureOnCommitCallbacks(execute=True):
            queue_check_in(check_in)
        [(path, token)] = e_mailed_links()
        trail = TokenTrail()
        client = Client(enforce_csrf_checks=True)
        address = trail.open(client, path, token)
        assert address == f"/check-in/mine/{check_in.pk}/"
        form = page_form(client.get(address), "form.intake-form")
        answers = {f"phq9_{n}": "1" for n in range(1, 10)}
        trail.seen(client.post(address, {**form, **answers}))
        assert Measurement.objects.count() == 1
        trail.assert_none_stored_or_in_an_address()
