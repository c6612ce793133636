"""The doors into the booking flow: every "Book…" button of the demo site opens it at the
right step with the right service chosen, a place chosen in advance skips the place step, the
details step starts filled in for an invitation, and locked treatments lead to the
questionnaire."""

import datetime

import time_machine
from bs4 import BeautifulSoup
from django.test import Client, TestCase
from wagtail.models import Page

from klearmind.booking import services
from klearmind.booking.links import invitation_token
from klearmind.booking.models import OnlineBooking, ServiceKind
from klearmind.clinic.link_targets import LinkKind, booking_url, place_choices, service_choices
from klearmind.clinic.models import ClinicSettings
from klearmind.pages.tests.test_pages import load_demo

from .factories import make_clinic, make_service

NOW = datetime.datetime(2026, 12, 1, 16, tzinfo=datetime.UTC)  # Tuesday 8:00 in Sacramento
DAY = datetime.date(2026, 12, 3)

# What each button of the demo books: the service chosen, or None for the list of services.
BOOKS = {
    "Book a free consultation": "free-consultation",
    "Book IV hydration": "iv-hydration",
    "Book a visit online": None,
}


def book_links(html: bytes) -> dict[str, str]:
    soup = BeautifulSoup(html, "html.parser")
    links = {}
    for link in soup.find_all("a", href=True):
        label = " ".join(link.get_text().split())
        # A location's booking card opens the calendar at that clinic (test_public_pages).
        if link.find_parent(class_="booking-card"):
            continue
        if label.startswith("Book"):
            links[link["href"]] = label
    return links


class DemoBookButtonsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def test_every_book_button_of_the_demo_site_opens_its_service(self):
        followed: dict[str, str] = {}
        pages = Page.objects.live().exclude(depth=1).specific()
        assert pages.count() > 10
        for page in pages:
            response = self.client.get(page.url)
            assert response.status_code == 200, page.url
            for href, label in book_links(response.content).items():
                assert label in BOOKS, f"{page.url}: a button “{label}” nobody expected"
                followed.setdefault(href, label)
        assert set(followed.values()) == set(BOOKS)
        for href, label in followed.items():
            with self.subTest(href=href, label=label):
                self.assert_opens(href, BOOKS[label])

    def assert_opens(self, href: str, service_slug: str | None):
        response = self.client.get(href)
        assert response.status_code == 200, (href, response.status_code)
        names = [template.name for template in response.templates]
        if service_slug is None:
            assert "booking/start.html" in names
            return
        # The place step, the service already chosen: its own heading and form.
        assert "booking/place.html" in names, href
        assert response.context["flow"].service.slug == service_slug
        soup = BeautifulSoup(response.content, "html.parser")
        service_name = response.context["flow"].service.name
        assert service_name in soup.h1.get_text(" ", strip=True)  # as written, capitals kept
        step = "Lugar" if href.startswith("/es/") else "Place"  # the page's language
        assert soup.select_one('[aria-current="step"]').get_text(strip=True).endswith(step)

    def test_the_header_button_books_the_consultation(self):
        clinic = ClinicSettings.load()
        assert clinic.booking_url == "/book/free-consultation/"


class LinkTargetTests(TestCase):
    def setUp(self):
        self.clinic = make_clinic(slug="midtown")
        make_service(self.clinic.location, slug="phone-chat", kind=ServiceKind.CONSULTATION)
        make_service(self.clinic.location, slug="desk-only", online_booking=OnlineBooking.STAFF)

    def test_booking_offers_its_online_services_and_clinics_to_editors(self):
        assert dict(service_choices()) == {
            "": "---------",
            "drip": "Drip",
            "phone-chat": "Phone Chat",
        }
        assert dict(place_choices()) == {"": "Let the patient choose", "midtown": "Midtown"}

    def test_the_settings_screen_lists_the_services_and_clinics_to_choose(self):
        from klearmind.accounts.tests.factories import sign_in, staff

        sign_in(self.client, staff("Editor"))
        page = self.client.get("/admin/settings/clinic/clinicsettings/", follow=True)
        soup = BeautifulSoup(page.content, "html.parser")
        services = soup.find("select", {"name": "booking_service"})
        assert [o["value"] for o in services.find_all("option")] == ["", "drip", "phone-chat"]
        places = soup.find("select", {"name": "booking_place"})
        assert [o["value"] for o in places.find_all("option")] == ["", "midtown"]
        assert (
            soup.find("label", {"for": services["id"]})
            .get_text(strip=True)
            .startswith("Booking service")
        )

    def test_a_place_chosen_in_advance_opens_the_calendar(self):
        url = booking_url("drip", "midtown")
        assert url == "/book/drip/midtown/"
        response = self.client.get(url)
        assert "booking/month.html" in [t.name for t in response.templates]
        assert response.context["flow"].place.location == self.clinic.location

    def test_the_clinic_settings_refuse_a_service_not_booked_online(self):
        clinic = ClinicSettings(booking_kind=LinkKind.SERVICE, booking_service="desk-only")
        with self.assertRaises(Exception) as refused:
            clinic.full_clean()
        assert "That service is not booked online" in str(refused.exception)


@time_machine.travel(NOW, tick=False)
class DetailsStepTests(TestCase):
    def setUp(self):
        self.clinic = make_clinic(slug="midtown")
        self.client = Client(enforce_csrf_checks=True)

    def details(self) -> dict[str, str]:
        start = self.clinic.at(DAY, 10).isoformat()
        response = self.client.get("/book/drip/midtown/details/", {"start": start})
        assert response.status_code == 200
        soup = BeautifulSoup(response.content, "html.parser")
        return {
            name: (soup.find("input", {"name": name}) or {}).get("value", "")
            for name in ("name", "email", "phone")
        }

    def test_an_invitation_fills_in_the_name_and_email(self):
        invitation = services.issue_invitation(
            name="Alex Rivera", email="alex.rivera@example.org", by=None
        )
        self.client.get(f"/book/invitation/{invitation_token(invitation)}/")
        assert self.details() == {
            "name": "Alex Rivera",
            "email": "alex.rivera@example.org",
            "phone": "",
        }

    def test_without_a_questionnaire_or_an_invitation_the_form_starts_empty(self):
        assert self.details() == {"name": "", "email": "", "phone": ""}


class StartStepTests(TestCase):
    def test_a_locked_treatment_leads_to_the_questionnaire(self):
        clinic = make_clinic(slug="midtown", kind=ServiceKind.KETAMINE)
        response = self.client.get("/book/")
        soup = BeautifulSoup(response.content, "html.parser")
        card = soup.find("h2", string=clinic.service.name).find_parent("li")
        link = card.find("a", href="/candidacy/")
        assert link is not None
        assert "Take the candidacy questionnaire" in link.get_text()
        assert card.find("a", href="/book/drip/") is None
