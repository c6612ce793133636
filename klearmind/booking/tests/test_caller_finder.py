"""The desk's caller finder: one box read as an e-mail, a phone number or a whole name, the
registry apps above booking fill in, the earlier callers found by booking itself, the audit
record without what was typed, and the prefilled form."""

import datetime

import time_machine
from bs4 import BeautifulSoup
from django.test import Client, TestCase

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.audit.models import AuditEvent
from klearmind.booking import hooks
from klearmind.booking.hooks import CallerSearch
from klearmind.booking.services import Patient
from klearmind.encryption.keys import email_lookup_hash, keyed_hash

from .factories import book, make_clinic

NOW = datetime.datetime(2026, 12, 1, 16, tzinfo=datetime.UTC)
DAY = datetime.date(2026, 12, 3)


def fake_finder(user, search):
    if search.kind != "email" or search.hashes != (email_lookup_hash("kim@example.org"),):
        return []
    return [hooks.Caller("Candidate", "Kim Lee", "kim@example.org", "(916) 555-0111", "/x/")]


def listed(soup) -> list[str]:
    return [" ".join(li.get_text().split()) for li in soup.select(".booking-admin__callers li")]


class ReadingTheBoxTests(TestCase):
    def test_an_at_sign_makes_an_e_mail(self):
        search = CallerSearch.read("  Kim@Example.org ")
        assert search == CallerSearch("email", (email_lookup_hash("kim@example.org"),))

    def test_digits_and_what_is_typed_around_them_make_a_phone_number_in_e164(self):
        expected = keyed_hash("+19165550142", purpose="phone")
        for typed in ["(916) 555-0142", "+19165550142", "916.555.0142", "916 555 0142 x12"]:
            assert CallerSearch.read(typed) == CallerSearch("phone", (expected,)), typed

    def test_a_number_that_cannot_be_a_phone_is_a_phone_search_finding_nothing(self):
        assert CallerSearch.read("12") == CallerSearch("phone", ())
        assert CallerSearch.read("(916) 555") == CallerSearch("phone", ())

    def test_anything_else_is_a_whole_name_and_last_first_is_read_both_ways(self):
        as_typed = keyed_hash("rivera, ana", purpose="name")
        first_last = keyed_hash("ana rivera", purpose="name")
        assert CallerSearch.read("Rivera,  Ana") == CallerSearch("name", (as_typed, first_last))
        assert CallerSearch.read("ANA\tRivera") == CallerSearch("name", (first_last,))
        assert CallerSearch.read("Ana 2nd Rivera").kind == "name"
        assert CallerSearch.read("   ") is None

    def test_the_three_kinds_use_their_own_purposes(self):
        assert CallerSearch.read("ana@example.org").hashes != (
            keyed_hash("ana@example.org", purpose="name"),
        )
        assert CallerSearch.read("Ana Rivera").hashes == (keyed_hash("ana rivera", purpose="name"),)
        assert keyed_hash("ana rivera", purpose="name") != keyed_hash("ana rivera", purpose="email")


@time_machine.travel(NOW, tick=False)
class CallerFinderTests(TestCase):
    def setUp(self):
        self.clinic = make_clinic(chairs=1, providers=1, slug="midtown")
        self.visit = book(self.clinic, self.clinic.at(DAY, 10))  # Dana Reyes
        self.desk = staff("Front desk")
        self.client = Client(enforce_csrf_checks=True)
        sign_in(self.client, self.desk)
        self.saved = list(hooks._caller_finders)
        hooks._caller_finders[:] = [fake_finder]

    def tearDown(self):
        hooks._caller_finders[:] = self.saved

    def token(self) -> str:
        page = self.client.get("/admin/booking/book/")
        soup = BeautifulSoup(page.content, "html.parser")
        return soup.find("input", {"name": "csrfmiddlewaretoken"})["value"]

    def find(self, typed):
        page = self.client.post(
            "/admin/booking/book/", {"csrfmiddlewaretoken": self.token(), "find": typed}
        )
        assert page.status_code == 200
        return BeautifulSoup(page.content, "html.parser")

    def test_a_registered_finder_is_asked_and_its_caller_fills_the_form(self):
        soup = self.find("KIM@example.org")
        assert listed(soup) == ["Candidate: Kim Lee · kim@example.org · (916) 555-0111"]
        assert soup.select_one(".booking-admin__callers a")["href"] == "/x/"
        assert soup.find("input", {"name": "name"})["value"] == "Kim Lee"
        assert soup.find("input", {"name": "email"})["value"] == "kim@example.org"

    def test_an_earlier_caller_is_listed_as_such(self):
        soup = self.find("dana@example.org")
        assert listed(soup) == ["Earlier caller: Dana Reyes · dana@example.org · (916) 555-0199"]

    def test_an_earlier_caller_is_found_by_the_whole_name(self):
        for typed in ["Dana Reyes", "dana   REYES", "Reyes, Dana"]:
            soup = self.find(typed)
            assert listed(soup) == [
                "Earlier caller: Dana Reyes · dana@example.org · (916) 555-0199"
            ], typed
            assert soup.find("input", {"name": "phone"})["value"] == "(916) 555-0199"

    def test_part_of_a_name_finds_nobody_and_the_help_says_why(self):
        for typed in ["Dana", "Reyes", "Dan Reyes", "D. Reyes"]:
            soup = self.find(typed)
            assert listed(soup) == [], typed
            status = soup.find("p", {"role": "status"}).get_text()
            assert "Nobody was found with this whole name" in status
        help_text = soup.find(id="id_find_helptext").get_text()
        assert "whole name" in help_text and "part of a name" in help_text
        assert soup.find("label", {"for": "id_find"}).get_text() == "Name, phone or e-mail"

    def test_an_earlier_caller_is_found_by_the_phone_written_any_way(self):
        for typed in ["(916) 555-0199", "+19165550199", "916-555-0199", "1 (916) 555 0199"]:
            soup = self.find(typed)
            assert listed(soup) == [
                "Earlier caller: Dana Reyes · dana@example.org · (916) 555-0199"
            ], typed
        assert listed(self.find("(916) 555-0198")) == []
        # The search itself (its kind and keyed hashes) is never printed on the page.
        page = str(self.find("(916) 555-0199"))
        assert "CallerSearch" not in page
        assert keyed_hash("+19165550199", purpose="phone") not in page
        unreadable = self.find("555")
        assert "not a phone number we can read" in unreadable.find("p", {"role": "status"}).text

    def test_callers_sharing_a_name_are_each_listed_once_newest_first(self):
        book(self.clinic, self.clinic.at(DAY, 12))  # Dana Reyes again: one caller
        other = Patient("Dana Reyes", "dreyes@example.org", "(530) 555-0100", "")
        book(self.clinic, self.clinic.at(DAY, 14), patient=other)
        soup = self.find("Dana Reyes")
        assert listed(soup) == [
            "Earlier caller: Dana Reyes · dreyes@example.org · (530) 555-0100",
            "Earlier caller: Dana Reyes · dana@example.org · (916) 555-0199",
        ]
        assert listed(self.find("530 555 0100")) == [
            "Earlier caller: Dana Reyes · dreyes@example.org · (530) 555-0100"
        ]

    def test_the_address_is_posted_never_put_in_a_link(self):
        soup = self.find("kim@example.org")
        finder = soup.find("form", {"aria-label": "Find a patient"})
        assert finder["method"] == "post"
        assert not any("kim" in (a.get("href") or "") for a in soup.find_all("a"))
        assert not soup.find("form", {"method": "get"}).find("input", {"name": "find"})
        linked = self.client.get("/admin/booking/book/", {"find": "kim@example.org"})
        assert "Kim Lee" not in linked.content.decode()  # a link with an address finds nothing

    def test_a_search_without_the_csrf_token_is_refused(self):
        page = self.client.post("/admin/booking/book/", {"find": "Dana Reyes"})
        assert page.status_code == 403
        assert "dana@example.org" not in page.content.decode()
        assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).exists()

    def test_each_search_is_audited_with_its_kind_and_count_never_what_was_typed(self):
        self.find("kim@example.org")
        self.find("nobody@example.org")
        self.find("Dana Reyes")
        self.find("(916) 555-0199")
        events = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).order_by("pk")
        details = [event.detail for event in events]
        assert details == [
            "searched by e-mail for a caller to book for: 1 found",
            "searched by e-mail for a caller to book for: 0 found",
            "searched by name for a caller to book for: 1 found",
            "searched by phone number for a caller to book for: 1 found",
        ]
        assert all(event.actor == self.desk for event in events)
        assert [event.target_id for event in events][2:] == [str(self.visit.pk)] * 2
        logged = " ".join(
            f"{event.actor_label} {event.target_type} {event.target_id} {event.detail}"
            for event in events
        ).lower()
        for typed in ["example.org", "dana", "reyes", "555", "0199"]:
            assert typed not in logged, typed
