"""The IV hydration page shows the booking's drip menu: one price list, read through the
booking's template tag, so the public site imports nothing from the booking (decision 030)."""

from decimal import Decimal

from bs4 import BeautifulSoup
from django.apps import apps
from django.core.management import call_command
from django.test import TestCase

from klearmind.pages.models import ServicePage

PAGE = "/services/iv-hydration/"


def load_demo():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def booking_model(name: str):
    # By name: the public site never imports the booking app.
    return apps.get_model("booking", name)


def rows(soup, table: int) -> list[list[str]]:
    body = soup.select(".drip-menu tbody")[table]
    return [
        [" ".join(cell.get_text().split()) for cell in row.find_all(["th", "td"])]
        for row in body.find_all("tr")
    ]


class DripMenuPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def soup(self) -> BeautifulSoup:
        response = self.client.get(PAGE)
        assert response.status_code == 200
        return BeautifulSoup(response.content, "html.parser")

    def test_lists_the_five_drips_with_minutes_and_prices(self):
        drips = rows(self.soup(), 0)
        assert [row[0] for row in drips] == [
            "Hydration",
            "Myers' cocktail",
            "Immunity",
            "Recovery",
            "NAD+",
        ]
        assert drips[0][2:] == ["45 min", "$149"]
        assert drips[-1][2:] == ["120 min", "$399"]
        assert "magnesium" in drips[1][1]

    def test_lists_the_add_ons_the_dispatch_fee_and_a_way_to_book(self):
        soup = self.soup()
        add_ons = rows(soup, 1)
        assert [add_ons[0][0], add_ons[0][3]] == ["Anti-nausea medicine", "$34.50"]
        section = soup.find("section", attrs={"aria-labelledby": "menu-heading"})
        assert "Home visits add a dispatch fee of $50." in section.get_text()
        assert section.find("a", string="Book a drip")["href"] == "/book/iv-hydration/"

    def test_a_price_changed_in_the_booking_shows_on_the_page(self):
        self.soup()  # a first visit may be kept by the page cache
        variant = booking_model("ServiceVariant").objects.get(name="NAD+")
        variant.price = Decimal("425.50")
        with self.captureOnCommitCallbacks(execute=True):
            variant.save()
        assert rows(self.soup(), 0)[-1][3] == "$425.50"

    def test_the_dispatch_fee_is_the_clinics_setting(self):
        self.soup()
        settings = booking_model("BookingSettings").load()
        settings.home_visit_fee = Decimal("60")
        with self.captureOnCommitCallbacks(execute=True):
            settings.save()
        assert "dispatch fee of $60." in self.soup().get_text()

    def test_a_drip_taken_off_the_menu_leaves_the_page(self):
        variant = booking_model("ServiceVariant").objects.get(name="Immunity")
        variant.active = False
        with self.captureOnCommitCallbacks(execute=True):
            variant.save()
        assert "Immunity" not in [row[0] for row in rows(self.soup(), 0)]

    def test_the_page_text_names_no_fee_of_its_own(self):
        body = self.soup().find("article").get_text()
        assert "$50 travel fee" not in body
        assert "book first, before the drip itself" in " ".join(body.split())


class DemoCorrectionTests(TestCase):
    def test_an_unedited_page_from_an_older_demo_gets_the_new_text(self):
        load_demo()
        page = ServicePage.objects.get(slug="iv-hydration")
        old = "<p>Home visits carry a $50 travel fee.</p>"
        page.body = [("paragraph", old)]
        page.save()
        revision = page.latest_revision
        revision.content = page.serializable_data()
        revision.save(update_fields=["content"])
        load_demo()
        page.refresh_from_db()
        assert old not in str(page.body)
        assert "dispatch fee shown under the menu" in str(page.body)
