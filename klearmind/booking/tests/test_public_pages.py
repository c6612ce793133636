"""The team page from the providers on staff, the prices page from the services and the drip
menu, the location page's booking card and the articles' reviewer line."""

from decimal import Decimal

from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import TestCase
from wagtail.models import Page, Site

from klearmind.booking.models import (
    PricesPage,
    Provider,
    ProviderHours,
    ServiceKind,
    ServiceVariant,
    TeamPage,
    VariantKind,
)
from klearmind.pages.models import ArticleIndexPage, ArticlePage, HomePage
from klearmind.pages.tests.factories import ImageFactory, png_file, publish_child

from .factories import make_location, make_service


def text(node) -> str:
    return " ".join(node.get_text(" ").split())


class PublicPagesTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = Page.get_first_root_node().add_child(
            instance=HomePage(title="Home", slug="faces-home", hero_heading="H", hero_text="T")
        )
        Site.objects.update(root_page=cls.home)
        cls.location = make_location("midtown")
        cls.location.page.move(cls.home, pos="last-child")
        cls.location.page.refresh_from_db()
        cls.team = publish_child(cls.home, TeamPage(title="Our team", slug="team"))
        cls.prices = publish_child(cls.home, PricesPage(title="Prices", slug="prices"))

    def soup(self, path: str) -> BeautifulSoup:
        response = self.client.get(path)
        assert response.status_code == 200
        return BeautifulSoup(response.content, "html.parser")


def staff(username: str, *, active=True):
    return get_user_model().objects.create_user(username, password=None, is_active=active)


class TeamPageTests(PublicPagesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.okafor = Provider.objects.create(
            name="Dr. Daniel Okafor, MD",
            user=staff("daniel"),
            credentials="Board-certified anesthesiologist",
            biography="Gave anesthesia for years.",
            languages="English, Spanish",
            photo=ImageFactory(
                description="Daniel Okafor smiling.", file=png_file(size=(600, 600))
            ),
        )
        ProviderHours.objects.create(
            provider=cls.okafor, location=cls.location, weekday=0, starts="08:00", ends="18:00"
        )
        ProviderHours.objects.create(provider=cls.okafor, weekday=2, starts="10:00", ends="17:00")
        Provider.objects.create(name="Locum Without Login", credentials="RN")
        Provider.objects.create(name="Left The Clinic", user=staff("gone", active=False))
        Provider.objects.create(name="Switched Off", user=staff("off"), active=False)

    def test_lists_only_providers_linked_to_active_staff(self):
        names = [text(h) for h in self.soup("/team/").select(".team__name")]
        assert names == ["Dr. Daniel Okafor, MD"]

    def test_shows_credentials_biography_languages_locations_and_photo(self):
        member = self.soup("/team/").select_one(f"#provider-{self.okafor.pk}")
        assert text(member.select_one(".team__credentials")) == "Board-certified anesthesiologist"
        assert "Gave anesthesia for years." in text(member)
        facts = {text(div.dt): text(div.dd) for div in member.select(".team__facts div")}
        assert facts == {"Languages": "English, Spanish", "Sees patients": "Midtown, Home visits"}
        photo = member.select_one("picture img")
        assert photo["alt"] == "Daniel Okafor smiling."
        assert photo["loading"] == "lazy" and photo["width"] == "240"

    def test_a_photo_without_alt_text_is_refused(self):
        self.okafor.photo = ImageFactory(title="Headshot", description="")
        try:
            self.okafor.full_clean()
        except ValidationError as refusal:
            assert refusal.error_dict["photo"][0].code == "image_without_alt_text"
        else:
            raise AssertionError("a photo without alt text was accepted")

    def test_the_article_reviewer_links_to_their_place_on_the_team_page(self):
        index = publish_child(self.home, ArticleIndexPage(title="Articles", slug="articles"))
        article = publish_child(
            index,
            ArticlePage(
                title="Ketamine",
                slug="ketamine",
                intro="About it.",
                body=[],
                reviewed_by="Dr. Daniel Okafor, MD",
                last_reviewed="2026-10-01",
            ),
        )
        line = self.soup(article.url).select_one(".reviewed-by")
        assert text(line) == "Medically reviewed by Dr. Daniel Okafor, MD on 1 October 2026"
        assert line.a["href"] == f"/team/#provider-{self.okafor.pk}"
        article.reviewed_by = "Someone Else"
        article.save_revision().publish()
        line = self.soup(article.url).select_one(".reviewed-by")
        assert line.a is None and "Someone Else" in text(line)


class PricesPageTests(PublicPagesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.consultation = make_service(
            cls.location,
            slug="free-consultation",
            name="Free phone consultation",
            kind=ServiceKind.CONSULTATION,
            duration_minutes=20,
            price=0,
            cancellation_notice_hours=2,
            sort_order=0,
        )
        cls.ketamine = make_service(
            cls.location,
            slug="iv-ketamine",
            name="IV ketamine infusion",
            kind=ServiceKind.KETAMINE,
            duration_minutes=90,
            price=Decimal("450"),
            deposit_rule="fixed",
            deposit_amount=Decimal("100"),
            sort_order=1,
        )
        cls.hydration = make_service(
            cls.location, slug="iv-hydration", name="IV hydration", at_home=True, sort_order=2
        )
        for order, (name, minutes, price) in enumerate(
            [("Hydration", 45, "149"), ("NAD+", 120, "399")]
        ):
            ServiceVariant.objects.create(
                service=cls.hydration, name=name, minutes=minutes, price=price, sort_order=order
            )
        ServiceVariant.objects.create(
            service=cls.hydration, kind=VariantKind.ADD_ON, name="B12", minutes=0, price="25"
        )
        make_service(cls.location, slug="desk-only", online_booking="staff")

    def rows(self, table: int = 0) -> list[list[str]]:
        body = self.soup("/prices/").select(".price-list tbody")[table]
        return [[text(cell) for cell in row.find_all(["th", "td"])] for row in body("tr")]

    def test_lists_each_service_with_time_price_deposit_and_notice(self):
        assert self.rows() == [
            ["Free phone consultation", "20 min", "Free", "None", "2 hours before"],
            ["IV ketamine infusion", "90 min", "$450", "$100", "24 hours before"],
            ["IV hydration", "45–120 min", "from $149", "None", "24 hours before"],
        ]

    def test_lists_the_drip_menu_with_add_ons_and_the_dispatch_fee(self):
        assert self.rows(1) == [
            ["Hydration", "", "45 min", "$149"],
            ["NAD+", "", "120 min", "$399"],
            ["Add-on: B12", "", "none", "+$25"],
        ]
        assert "a dispatch fee of $50 is added" in text(self.soup("/prices/"))

    def test_a_price_changed_in_the_booking_changes_the_page(self):
        ServiceVariant.objects.filter(name="Hydration").update(price="159.50")
        self.ketamine.price = Decimal("475")
        self.ketamine.save()
        rows = self.rows()
        assert rows[1][2] == "$475"
        assert rows[2][2] == "from $159.50"
        assert self.rows(1)[0] == ["Hydration", "", "45 min", "$159.50"]

    def test_a_drip_taken_off_the_menu_leaves_the_page(self):
        ServiceVariant.objects.filter(name="NAD+").update(active=False)
        assert [row[0] for row in self.rows(1)] == ["Hydration", "Add-on: B12"]
        assert self.rows()[2][1] == "45 min"

    def test_the_booking_card_of_a_location_offers_what_anyone_may_book_there(self):
        self.location.page.save_revision().publish()
        card = self.soup(self.location.page.url).select_one(".booking-card")
        links = [(text(a), a["href"], a["class"]) for a in card.select("a")]
        assert links == [
            (
                "Book a free phone consultation",
                "/book/free-consultation/midtown/",
                ["button", "button--primary"],
            ),
            ("Book IV hydration", "/book/iv-hydration/", ["button", "button--secondary"]),
        ]
