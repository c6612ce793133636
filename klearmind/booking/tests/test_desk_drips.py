"""The front desk books a drip for a caller from the same menu as the public flow: the free
times leave room for the drip's minutes, and a home visit adds the dispatch fee. And the desk
finds the page that books a whole series."""

import datetime
from decimal import Decimal

import time_machine
from bs4 import BeautifulSoup
from django.test import Client, TestCase
from django.utils.http import urlencode

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.booking.models import Appointment

from .factories import make_clinic, make_provider
from .test_admin_views import text
from .test_variants import add_menu

NOW = datetime.datetime(2026, 12, 1, 16, tzinfo=datetime.UTC)  # Tuesday 8:00 in Sacramento
DAY = datetime.date(2026, 12, 3)
BOOK = "/admin/booking/book/"


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def free_times(response) -> list[str]:
    return [
        label.get_text().strip().split(" · ")[0]
        for label in soup(response).select(".booking-admin__times label")
    ]


@time_machine.travel(NOW, tick=False)
class DeskDripTests(TestCase):
    def setUp(self):
        self.clinic = make_clinic(chairs=1, slug="midtown", at_home=True)  # open 8:00 to 18:00
        make_provider("Home nurse", [self.clinic.service], location=None)
        self.menu = add_menu(self.clinic.service)
        self.desk = staff("Front desk")
        self.client = Client(enforce_csrf_checks=True)
        sign_in(self.client, self.desk)
        self.chosen = {"service": self.clinic.service.pk, "location": self.clinic.location.pk}

    def drip(self, name="NAD+", *add_ons) -> dict:
        return {"drip": self.menu[name].pk, "add": [self.menu[a].pk for a in add_ons]}

    def test_the_chooser_offers_the_active_drips_and_add_ons_of_the_menu(self):
        page = soup(self.client.get(BOOK))
        chooser = page.select_one("form[aria-label='Choose the visit']")
        drips = [option.get_text() for option in chooser.select("select[name=drip] option")]
        assert drips == ["—", "Hydration: 45 minutes, $149", "NAD+: 120 minutes, $399"]
        add_ons = [label.get_text(" ", strip=True) for label in chooser.select("label")]
        assert "Anti-nausea medicine: $34.50" in add_ons
        assert "Extra fluids: $45, 15 more minutes" in add_ons
        assert "Retired drip: 30 minutes, $99" not in drips

    def test_a_service_with_a_menu_needs_a_drip(self):
        response = self.client.get(BOOK, self.chosen)
        assert "Drip is booked as a drip: Please choose a drip from the menu." in text(response)
        assert ".booking-admin__month" not in response.content.decode()
        assert not soup(response).select(".booking-admin__month")

    def test_the_free_times_leave_room_for_the_chosen_drips_minutes(self):
        def times(**choice):
            query = {**self.chosen, **choice, "day": DAY.isoformat()}
            return free_times(self.client.get(BOOK + "?" + urlencode(query, doseq=True)))

        assert times(**self.drip("Hydration"))[-1] == "5:15 PM"
        assert times(**self.drip("NAD+", "Extra fluids"))[-1] == "3:45 PM"  # 135 minutes

    def test_the_month_links_keep_the_drip(self):
        page = soup(
            self.client.get(
                BOOK
                + "?"
                + urlencode({**self.chosen, **self.drip("NAD+", "Extra fluids")}, doseq=True)
            )
        )
        link = page.select(".booking-admin__month td a")[0]["href"]
        assert f"drip={self.menu['NAD+'].pk}" in link
        assert f"add={self.menu['Extra fluids'].pk}" in link
        assert "NAD+ + Extra fluids: 135 minutes, $444" in text(
            self.client.get(BOOK, {**self.chosen, **self.drip("NAD+", "Extra fluids")})
        )

    def book(self, query: dict, time: str, **extra):
        url = BOOK + "?" + urlencode({**query, "day": DAY.isoformat()}, doseq=True)
        page = soup(self.client.get(url))
        data = {
            "csrfmiddlewaretoken": page.find("input", {"name": "csrfmiddlewaretoken"})["value"],
            "token": "desk-drip",
            **{
                field["name"]: field["value"]
                for field in page.select("form.booking-admin__form input[type=hidden]")
                if field["name"] not in ("csrfmiddlewaretoken", "token", "add")
            },
            "add": [
                field["value"] for field in page.select("form.booking-admin__form input[name=add]")
            ],
            "time": time,
            "name": "Caller",
            "email": "caller@example.org",
            "phone": "916 555 0123",
            **extra,
        }
        return url, page, self.client.post(url, data)

    def test_the_desk_books_the_drip_for_its_minutes_and_price(self):
        _, _, booked = self.book({**self.chosen, **self.drip("NAD+", "Extra fluids")}, "14:00")
        assert booked.status_code == 302, text(booked)
        visit = Appointment.objects.get(booked_by=self.desk)
        assert visit.variant == self.menu["NAD+"]
        assert list(visit.add_ons.all()) == [self.menu["Extra fluids"]]
        assert visit.ends_at - visit.starts_at == datetime.timedelta(minutes=135)
        assert (visit.price, visit.dispatch_fee) == (Decimal("444.00"), Decimal("0"))

    def test_a_home_visit_adds_the_dispatch_fee(self):
        query = {**self.chosen, "at_home_visit": "on", **self.drip("Hydration")}
        assert "Hydration: 45 minutes, $149 + $50 home-visit dispatch fee = $199" in text(
            self.client.get(BOOK, query)
        )
        _, _, booked = self.book(query, "14:00", home_address="12 Oak Street, Sacramento")
        assert booked.status_code == 302, text(booked)
        visit = Appointment.objects.get(booked_by=self.desk)
        assert visit.at_home
        assert (visit.price, visit.dispatch_fee, visit.total) == (
            Decimal("149.00"),
            Decimal("50.00"),
            Decimal("199.00"),
        )

    def test_a_drip_posted_without_the_menu_is_refused_on_the_form(self):
        url, page, _ = self.book({**self.chosen, **self.drip("NAD+")}, "14:00")
        data = {
            "csrfmiddlewaretoken": page.find("input", {"name": "csrfmiddlewaretoken"})["value"],
            "token": "desk-typed",
            "service": self.clinic.service.pk,
            "location": self.clinic.location.pk,
            "day": DAY.isoformat(),
            "time": "15:00",
            "name": "Typed Caller",
            "email": "typed@example.org",
            "phone": "916 555 0124",
        }
        refused = self.client.post(BOOK, data)
        assert refused.status_code == 400
        assert "Please choose a drip from the menu." in text(refused)
        assert soup(refused).find("input", {"name": "name"})["value"] == "Typed Caller"
        assert Appointment.objects.filter(booked_by=self.desk).count() == 1  # the first only


@time_machine.travel(NOW, tick=False)
class SeriesLinkTests(TestCase):
    def test_the_calendar_and_the_book_page_link_to_booking_a_series(self):
        make_clinic(slug="midtown")
        client = Client()
        sign_in(client, staff("Front desk"))
        for url in ("/admin/booking/", BOOK):
            links = soup(client.get(url)).select("a[href='/admin/booking/series/book/']")
            assert links, url
            assert "series" in links[0].get_text()
        target = client.get("/admin/booking/series/book/")
        assert "Book a series for a caller" in text(target)
