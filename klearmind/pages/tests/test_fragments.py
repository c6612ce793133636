"""A page's rendered body comes from the cache, and never outlives a change to what it shows."""

import datetime
from unittest import mock

from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.documents import get_document_model

from klearmind.clinic.tree_version import current_version
from klearmind.pages.models import ArticlePage, SafetyNotice

from .factories import ImageFactory
from .test_pages import SEED_ARTICLE, DemoSiteTestCase, texts

FUTURE = datetime.datetime(2031, 6, 1, 12, tzinfo=datetime.UTC)


class PageBodyCacheTests(DemoSiteTestCase):
    def article(self) -> ArticlePage:
        return ArticlePage.objects.get(url_path__endswith=SEED_ARTICLE)

    def test_a_second_view_renders_the_body_from_the_cache(self):
        self.client.get(SEED_ARTICLE)  # renditions are made on first view
        self.client.get("/faq/")  # another page's body is cached under its own key
        with CaptureQueriesContext(connection) as warm:
            second = self.client.get(SEED_ARTICLE)
        tables = " ".join(query["sql"] for query in warm.captured_queries)
        assert "pages_safetynotice" not in tables
        assert "wagtailimages_rendition" not in tables
        assert b"How ketamine works" in second.content
        assert b"Frequently asked" not in second.content.split(b'<div class="prose">')[1]

    def test_an_edited_safety_notice_shows_at_once(self):
        assert "Off-label use of ketamine" in texts(self.soup(SEED_ARTICLE), ".callout__title")
        notice = SafetyNotice.objects.get(title="Off-label use of ketamine")
        notice.title = "About off-label use"
        notice.save()
        titles = texts(self.soup(SEED_ARTICLE), ".callout__title")
        assert titles == ["Important Safety Information", "About off-label use"]

    def test_a_published_edit_shows_at_once_and_a_preview_shows_the_draft_only(self):
        self.soup(SEED_ARTICLE)
        article = self.article()
        article.body = [("paragraph", "<p>Draft words.</p>")]
        revision = article.save_revision()
        preview = article.make_preview_request()
        assert b"Draft words." in preview.content
        assert b"Draft words." not in self.client.get(SEED_ARTICLE).content
        revision.publish()
        assert texts(self.soup(SEED_ARTICLE), ".prose p") == ["Draft words."]

    def test_a_page_saved_without_publishing_shows_its_own_body(self):
        self.soup(SEED_ARTICLE)
        article = self.article()
        article.body = [("paragraph", "<p>Saved directly.</p>")]
        article.save()
        assert texts(self.soup(SEED_ARTICLE), ".prose p") == ["Saved directly."]

    def test_saving_an_image_or_a_document_makes_every_cached_body_unreachable(self):
        before = current_version()
        image = ImageFactory()
        assert current_version() > before
        before = current_version()
        image.title = "Renamed"
        image.save()
        document = get_document_model().objects.create(title="Leaflet", file="leaflet.pdf")
        assert current_version() >= before + 2
        before = current_version()
        document.delete()
        assert current_version() > before


class PageFragmentTests(DemoSiteTestCase):
    def test_head_and_header_come_from_the_cache_per_page(self):
        # Warm, the page reads only what is its own (that it is live and open to all, its
        # picture, its service's price): nothing the head, the header or the footer shows.
        self.client.get("/services/spravato-esketamine/")
        with CaptureQueriesContext(connection) as warm:
            soup = self.soup("/services/spravato-esketamine/")
        read = " ".join(query["sql"] for query in warm.captured_queries)
        for table in (
            "wagtailcore_site",
            "pages_clinicsettings",
            "pages_openinghours",
            "pages_safetynotice",
            "booking_location",
        ):
            assert f'"{table}"' not in read, table
        assert len(warm) <= 4
        assert soup.title.get_text().startswith("Spravato")
        assert soup.select_one(".site-nav a[aria-current=true]").get_text() == "Services"
        other = self.soup("/services/")
        assert other.select_one(".site-nav a[aria-current=page]").get_text() == "Services"
        assert other.title.get_text().startswith("Services")

    def test_a_published_title_shows_in_the_head_at_once_and_a_preview_shows_the_draft(self):
        self.soup(SEED_ARTICLE)
        article = ArticlePage.objects.get(url_path__endswith=SEED_ARTICLE)
        article.title = "Ketamine, in brief"
        article.save_revision()
        preview = BeautifulSoup(article.make_preview_request().content, "html.parser")
        assert preview.title.get_text().startswith("Ketamine, in brief")
        assert not self.soup(SEED_ARTICLE).title.get_text().startswith("Ketamine, in brief")
        article.get_latest_revision().publish()
        soup = self.soup(SEED_ARTICLE)
        assert soup.title.get_text().startswith("Ketamine, in brief")
        assert soup.find("meta", property="og:title")["content"] == "Ketamine, in brief"

    def test_the_year_in_the_footer_is_not_cached(self):
        self.soup("/faq/")
        with mock.patch("django.template.defaulttags.datetime") as clock:
            clock.now.return_value = FUTURE
            legal = self.soup("/faq/").select_one(".site-footer__legal").get_text()
        assert legal.startswith("© 2031 ")

    def test_a_view_that_is_not_a_page_renders_its_chrome_without_the_cache(self):
        self.soup("/")
        response = self.client.get("/search/?q=ketamine")
        assert b'<meta name="robots" content="noindex">' in response.content
        assert b'<nav class="site-nav site-nav--wide" aria-label="Main">' in response.content
