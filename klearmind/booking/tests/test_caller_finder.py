"""The desk's caller finder: the registry apps above booking fill in, the earlier caller found
by booking itself, the audit record without the address, and the prefilled form."""

import datetime

import time_machine
from bs4 import BeautifulSoup
from django.test import Client, TestCase

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.audit.models import AuditEvent
from klearmind.booking import hooks

from .factories import book, make_clinic

NOW = datetime.datetime(2026, 12, 1, 16, tzinfo=datetime.UTC)
DAY = datetime.date(2026, 12, 3)


def fake_finder(user, email):
    if email.lower() != "kim@example.org":
        return []
    return [hooks.Caller("Candidate", "Kim Lee", "kim@example.org", "(916) 555-0111", "/x/")]


@time_machine.travel(NOW, tick=False)
class CallerFinderTests(TestCase):
    def setUp(self):
        self.clinic = make_clinic(chairs=1, providers=1, slug="midtown")
        self.visit = book(self.clinic, self.clinic.at(DAY, 10))  # Dana Reyes
        self.desk = staff("Front desk")
        self.client = Client()
        sign_in(self.client, self.desk)
        self.saved = list(hooks._caller_finders)
        hooks._caller_finders[:] = [fake_finder]

    def tearDown(self):
        hooks._caller_finders[:] = self.saved

    def find(self, email):
        page = self.client.post("/admin/booking/book/", {"find": email})
        return BeautifulSoup(page.content, "html.parser")

    def test_a_registered_finder_is_asked_and_its_caller_fills_the_form(self):
        soup = self.find("KIM@example.org")
        listed = [
            " ".join(li.get_text().split()) for li in soup.select(".booking-admin__callers li")
        ]
        assert listed == ["Candidate: Kim Lee · kim@example.org · (916) 555-0111"]
        assert soup.select_one(".booking-admin__callers a")["href"] == "/x/"
        assert soup.find("input", {"name": "name"})["value"] == "Kim Lee"
        assert soup.find("input", {"name": "email"})["value"] == "kim@example.org"

    def test_an_earlier_caller_is_listed_as_such(self):
        soup = self.find("dana@example.org")
        listed = [
            " ".join(li.get_text().split()) for li in soup.select(".booking-admin__callers li")
        ]
        assert listed == ["Earlier caller: Dana Reyes · dana@example.org · (916) 555-0199"]

    def test_the_address_is_posted_never_put_in_a_link(self):
        soup = self.find("kim@example.org")
        finder = soup.find("form", {"aria-label": "Find a patient"})
        assert finder["method"] == "post"
        assert not any("kim" in (a.get("href") or "") for a in soup.find_all("a"))
        assert not soup.find("form", {"method": "get"}).find("input", {"name": "find"})
        linked = self.client.get("/admin/booking/book/", {"find": "kim@example.org"})
        assert "Kim Lee" not in linked.content.decode()  # a link with an address finds nothing

    def test_each_search_is_audited_with_the_count_and_never_the_address(self):
        self.find("kim@example.org")
        self.find("nobody@example.org")
        events = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).order_by("pk")
        details = [event.detail for event in events]
        assert details == [
            "searched for a caller to book for: 1 found",
            "searched for a caller to book for: 0 found",
        ]
        assert all(event.actor == self.desk for event in events)
        assert not any("example.org" in event.detail for event in events)
