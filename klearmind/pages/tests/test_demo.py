import re
import shutil
import tempfile
from io import StringIO
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase, override_settings
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.models import Page, Revision, Site

from klearmind.clinic.hours import Weekday
from klearmind.clinic.models import ClinicSettings
from klearmind.pages.models import (
    ArticleIndexPage,
    ArticlePage,
    ConditionIndexPage,
    ConditionPage,
    ContactPage,
    FAQPage,
    HomePage,
    LocationIndexPage,
    LocationPage,
    SafetyNotice,
    ServiceIndexPage,
    ServicePage,
    StandardPage,
)
from klearmind.pages.video import parse_video_url

PAGE_TYPES = [
    HomePage,
    ArticleIndexPage,
    ArticlePage,
    ServiceIndexPage,
    ServicePage,
    ConditionIndexPage,
    ConditionPage,
    LocationIndexPage,
    LocationPage,
    FAQPage,
    StandardPage,
    ContactPage,
]
# The demo builds Spanish translations too; these tests read the English originals.
ENGLISH = {"locale__language_code": "en"}
NOTICE_TITLES = {"Important Safety Information", "Off-label use of ketamine"}
SPRAVATO_NOTICE = "Spravato: boxed warning and approved uses"


def load_demo() -> str:
    output = StringIO()
    call_command("load_demo", stdout=output)
    return output.getvalue()


def blocks_of(stream, block_type: str) -> list:
    return [block.value for block in stream if block.block_type == block_type]


def notice_titles(stream) -> set[str]:
    return {value["notice"].title for value in blocks_of(stream, "safety_notice")}


EDITORS_DRAFTS = ("Our holiday hours", "What a booster infusion is for")


class DemoTestCase(TestCase):
    """Loads the demo once per class, with var/ and media/ in a temporary directory."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = Path(tempfile.mkdtemp())
        cls.addClassCleanup(shutil.rmtree, cls.tmp)
        cls.var_dir = cls.tmp / "var"
        override = override_settings(VAR_DIR=cls.var_dir, MEDIA_ROOT=cls.tmp / "media")
        override.enable()
        cls.addClassCleanup(override.disable)
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        cls.output = load_demo()


class LoadDemoTests(DemoTestCase):
    def counts(self) -> dict[str, int]:
        return {
            "pages": Page.objects.count(),
            "revisions": Revision.objects.count(),
            "notices": SafetyNotice.objects.count(),
            "images": get_image_model().objects.count(),
            "users": get_user_model().objects.count(),
            "sites": Site.objects.count(),
            "menu items": apps.get_model("booking", "ServiceVariant").objects.count(),
        }

    def test_reports_what_it_created(self):
        assert "22 created, 0 already present" in self.output

    def test_a_second_run_creates_nothing(self):
        before = self.counts()
        output = load_demo()
        assert self.counts() == before
        assert "0 created, 22 already present" in output

    def test_a_rerun_keeps_staff_edits_and_restores_deleted_pages(self):
        faq = FAQPage.objects.get(**ENGLISH)
        faq.intro = "Edited by the front desk."
        faq.save_revision().publish()
        Page.objects.get(slug="privacy").delete()
        output = load_demo()
        assert FAQPage.objects.get(**ENGLISH).intro == "Edited by the front desk."
        assert StandardPage.objects.get(slug="privacy").live
        assert "1 created, 21 already present" in output

    def test_the_default_site_serves_the_home_page(self):
        site = Site.objects.get(is_default_site=True)
        assert isinstance(site.root_page.specific, HomePage)
        assert site.root_page.slug == "home"
        assert site.site_name == "Klearmind"
        assert not Page.objects.filter(title__startswith="Welcome to your new Wagtail").exists()

    def test_every_page_type_is_published(self):
        for model in PAGE_TYPES:
            with self.subTest(model=model.__name__):
                assert model.objects.live().exists()
        pages = Page.objects.filter(depth__gt=1)
        # Only the two article drafts the editor's home screen shows are unpublished.
        drafts = pages.filter(has_unpublished_changes=True)
        assert set(pages.not_live().values_list("title", flat=True)) == set(EDITORS_DRAFTS)
        assert set(drafts.values_list("title", flat=True)) == set(EDITORS_DRAFTS)

    def test_the_menu_lists_the_main_sections_in_order(self):
        menu = HomePage.objects.get(**ENGLISH).get_children().in_menu()
        assert [page.title for page in menu] == [
            "Services",
            "Conditions we treat",
            "Locations",
            "Articles",
            "Frequently asked questions",
            "Contact us",
            "Our team",
            "Prices",
        ]

    def test_every_page_passes_the_editors_validation(self):
        for page in Page.objects.filter(depth__gt=1).specific():
            with self.subTest(page=page.title):
                page.full_clean()
                for field in page._meta.fields:
                    if isinstance(field, StreamField):
                        field.stream_block.clean(getattr(page, field.name))

    def test_every_page_renders(self):
        for page in Page.objects.filter(depth__gt=1).live().specific():
            with self.subTest(page=page.url):
                assert self.client.get(page.url).status_code == 200


class SeedArticleTests(DemoTestCase):
    def setUp(self):
        self.article = ArticlePage.objects.get(
            slug="ketamine-therapy-a-proven-medicine-with-a-new-purpose"
        )

    def test_has_its_sections_in_order(self):
        headings = [value["text"] for value in blocks_of(self.article.body, "heading")]
        assert headings == [
            "A short history",
            "From anesthetic to antidepressant",
            "Private treatment, at home or in our clinics",
            "How ketamine works",
            "Depression",
            "Neuroplasticity",
            "Efficacy",
        ]

    def test_covers_the_facts_of_the_original(self):
        text = " ".join(str(value) for value in blocks_of(self.article.body, "paragraph"))
        facts = [
            "1960s", "Vietnam", "club drug", "off-label", "anxiety, depression",
            "NMDA-receptor antagonist", "glutamate", "new synaptic connections", "21.0 million",
            "prefrontal cortex", "Yale", "24 hours", "Spravato", "2019",
            "at least two antidepressants", "cognitive behavioral therapy",
        ]  # fmt: skip
        for fact in facts:
            with self.subTest(fact=fact):
                assert fact in text

    def test_places_both_safety_notices(self):
        assert notice_titles(self.article.body) == NOTICE_TITLES

    def test_embeds_a_youtube_video_with_a_poster_of_our_own(self):
        [video] = blocks_of(self.article.body, "video")
        assert parse_video_url(video["url"]).provider == "YouTube"
        assert (video["poster"].width, video["poster"].height) == (1280, 720)
        assert video["title"]

    def test_credits_a_clinical_reviewer_and_has_a_social_image(self):
        # A clinician on the team page, which the reviewer line links to.
        assert self.article.reviewed_by == "Dr. Daniel Okafor, MD"
        assert self.article.last_reviewed >= self.article.published_date
        assert self.article.search_description
        image = self.article.social_image
        assert (image.width, image.height) == (1200, 630)
        assert blocks_of(self.article.body, "pull_quote")

    def test_sits_among_several_articles(self):
        assert (
            ArticlePage.objects.child_of(ArticleIndexPage.objects.get(**ENGLISH)).live().count()
            >= 3
        )


class ClinicContentTests(DemoTestCase):
    def test_the_home_page_introduces_both_cities(self):
        home = HomePage.objects.get(**ENGLISH)
        assert "Sacramento" in home.hero_heading and "Roseville" in home.hero_heading
        [action] = blocks_of(home.body, "call_to_action")
        assert (action["kind"], action["service"]) == ("service", "free-consultation")
        assert action.url() == "/book/free-consultation/"

    def test_the_drip_menu_has_priced_items(self):
        # The menu belongs to the booking (decision 030); the page shows it, see test_drip_menu.
        page = ServicePage.objects.get(slug="iv-hydration")
        variants = apps.get_model("booking", "ServiceVariant")
        drips = list(variants.objects.filter(service__info_page=page, kind="drip"))
        assert len(drips) >= 4
        assert {"Hydration", "Myers' cocktail", "NAD+"} <= {drip.name for drip in drips}
        assert all(drip.price > 0 and drip.minutes > 0 for drip in drips)

    def test_ketamine_services_and_conditions_place_both_notices(self):
        pages = [
            *ServicePage.objects.filter(slug__in=["iv-ketamine-infusion", "spravato-esketamine"]),
            *ConditionPage.objects.filter(**ENGLISH),
        ]
        assert {page.title for page in pages} == {
            "IV ketamine infusion", "Spravato (esketamine)",
            "Anxiety", "Depression", "PTSD", "Chronic pain",
        }  # fmt: skip
        for page in pages:
            with self.subTest(page=page.title):
                offers_spravato = page.title in ("Spravato (esketamine)", "Depression")
                expected = NOTICE_TITLES | ({SPRAVATO_NOTICE} if offers_spravato else set())
                assert notice_titles(page.body) == expected

    def test_each_location_has_hours_and_a_service_area(self):
        expected = {
            "sacramento": ("95811", {"95811", "95814", "95816", "95818", "95819", "95864"}),
            "roseville": ("95661", {"95661", "95678", "95747", "95765", "95746", "95650"}),
        }
        for slug, (postal_code, zip_codes) in expected.items():
            with self.subTest(location=slug):
                location = LocationPage.objects.get(slug=slug)
                assert location.postal_code == postal_code
                assert re.fullmatch(r"\(916\) 555-01\d\d", location.phone)
                assert zip_codes <= set(location.service_area)
                hours = list(location.hours.all())
                assert set(Weekday.values[:5]) <= {day.weekday for day in hours}
                assert all(day.closes > day.opens for day in hours)

    def test_the_contact_form_asks_for_no_health_details(self):
        page = ContactPage.objects.get(**ENGLISH)
        soup = BeautifulSoup(self.client.get(page.url).content, "html.parser")
        form = soup.select_one("form.form")
        visible = form.select("input:not([type=hidden]), textarea, select")
        assert [tag["name"] for tag in visible] == ["name", "email", "phone", "message", "homepage"]
        assert "health details" in form.get_text()
        assert "health details" in page.intro
        assert page.to_address == "front-desk@klearmind.example"
        assert page.from_address == "website@klearmind.example"
        assert page.subject == "New message from the website"

    def test_the_faq_answers_the_crisis_question_with_988(self):
        questions = {value["question"]: str(value["answer"]) for value in
                     blocks_of(FAQPage.objects.get(**ENGLISH).questions, "question")}  # fmt: skip
        assert 8 <= len(questions) <= 10
        assert "988" in questions["What if I am in crisis?"]

    def test_each_notice_links_to_its_full_page(self):
        linked = {
            notice.title: notice.full_page.slug for notice in SafetyNotice.objects.filter(**ENGLISH)
        }
        assert linked == {
            "Important Safety Information": "important-safety-information",
            "Off-label use of ketamine": "off-label-use",
            SPRAVATO_NOTICE: "spravato-esketamine",
        }
        for notice in SafetyNotice.objects.filter(**ENGLISH):
            with self.subTest(notice=notice.title):
                assert notice.title in notice_titles(notice.full_page.specific.body)

    def test_clinic_settings_point_at_the_demo_pages(self):
        clinic = ClinicSettings.load()
        assert clinic.clinic_name == "Klearmind Ketamine & IV Hydration Clinic"
        assert (clinic.phone, clinic.email) == ("(916) 555-0142", "hello@klearmind.example")
        assert (clinic.booking_kind, clinic.booking_service) == ("service", "free-consultation")
        assert clinic.booking_page is None
        assert clinic.booking_url == "/book/free-consultation/"
        assert [link.value["page"].slug for link in clinic.footer_links] == [
            "important-safety-information", "off-label-use", "privacy", "faq",
        ]  # fmt: skip


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.VAR_DIR


@pytest.mark.django_db
def test_clinic_settings_edited_before_are_kept(var_dir):
    ClinicSettings.objects.create(clinic_name="Klearmind Folsom", phone="(916) 555-0199")
    load_demo()
    clinic = ClinicSettings.load()
    assert (clinic.clinic_name, clinic.phone) == ("Klearmind Folsom", "(916) 555-0199")
    assert clinic.email == "hello@klearmind.example"


def as_the_contact_page(page, contact) -> None:
    """Point the page's buttons at the contact page, as the demo did before they could book a
    service, in its one revision (no edit made)."""
    body = list(page.body.raw_data)
    for block in body:
        if block["type"] == "call_to_action":
            value = block["value"]
            value.pop("kind", None), value.pop("service", None), value.pop("place", None)
            value["page"] = contact.pk
    page.body = body
    page.save()
    revision = page.latest_revision
    revision.content = page.serializable_data()
    revision.save(update_fields=["content"])


class BookButtonsOfAnEarlierDemoTests(DemoTestCase):
    def test_unedited_pages_and_settings_of_an_earlier_demo_now_book_the_service(self):
        contact = ContactPage.objects.get(**ENGLISH)
        home = HomePage.objects.get(**ENGLISH)
        hydration = ServicePage.objects.get(slug="iv-hydration")
        for page in (home, hydration):
            as_the_contact_page(page, contact)
        edited = ConditionPage.objects.get(slug="depression")
        as_the_contact_page(edited, contact)
        edited.save_revision().publish()  # someone saved it since: it stays as it is
        ClinicSettings.objects.update(booking_kind="page", booking_page=contact, booking_service="")
        assert (
            blocks_of(HomePage.objects.get(**ENGLISH).body, "call_to_action")[0].url()
            == "/contact/"
        )

        output = load_demo()

        [action] = blocks_of(HomePage.objects.get(**ENGLISH).body, "call_to_action")
        assert action.url() == "/book/free-consultation/"
        drip = blocks_of(ServicePage.objects.get(slug="iv-hydration").body, "call_to_action")
        assert [(a["label"], a.url()) for a in drip] == [
            ("Book IV hydration", "/book/iv-hydration/")
        ]
        assert "Brought up to date (never edited):" in output
        [kept] = blocks_of(ConditionPage.objects.get(slug="depression").body, "call_to_action")
        assert kept.url() == "/contact/"
        assert ClinicSettings.load().booking_url == "/book/free-consultation/"

    def test_a_booking_button_set_to_another_page_is_kept(self):
        faq = FAQPage.objects.get(**ENGLISH)
        ClinicSettings.objects.update(booking_kind="page", booking_page=faq, booking_service="")
        load_demo()
        clinic = ClinicSettings.load()
        assert (clinic.booking_kind, clinic.booking_page.specific) == ("page", faq)
