"""The menu and footer come from the cache, and change as soon as the pages behind them do."""

import datetime
from unittest import mock

from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from klearmind.clinic.models import ClinicSettings
from klearmind.clinic.tree_version import bump_version
from klearmind.pages.models import (
    ArticleIndexPage,
    ArticlePage,
    FAQPage,
    LocationPage,
    StandardPage,
)
from klearmind.pages.templatetags import clinic_tags

from .test_pages import DemoSiteTestCase, texts


class SiteChromeTests:
    def menu(self, path="/faq/") -> list[str]:
        return texts(self.soup(path), ".site-nav a")

    def test_a_second_page_view_reads_menu_and_footer_from_the_cache(self):
        self.client.get("/faq/")
        with CaptureQueriesContext(connection) as warm:
            self.client.get("/faq/")
        bump_version()
        with CaptureQueriesContext(connection) as cold:
            self.client.get("/faq/")
        assert len(cold) - len(warm) >= 4
        assert "pages_locationpage" in " ".join(q["sql"] for q in cold.captured_queries)
        assert "pages_locationpage" not in " ".join(q["sql"] for q in warm.captured_queries)

    def test_a_newly_published_menu_page_appears_at_once(self):
        assert "Gift cards" not in self.menu()
        home = self.soup("/")  # warm the cache first
        assert home
        page = StandardPage(title="Gift cards", slug="gift-cards", show_in_menus=True)
        LocationPage.objects.first().get_parent().get_parent().add_child(instance=page)
        page.save_revision().publish()
        assert "Gift cards" in self.menu()
        page.unpublish()
        assert "Gift cards" not in self.menu()

    def test_a_renamed_location_shows_in_every_footer(self):
        assert "Sacramento" in texts(self.soup("/"), ".footer-locations li > a:first-child")
        location = LocationPage.objects.get(slug="sacramento")
        location.title = "Sacramento Midtown"
        location.save_revision().publish()
        footer = texts(self.soup("/faq/"), ".footer-locations li > a:first-child")
        assert footer == ["Sacramento Midtown", "Roseville"]

    def test_editing_footer_links_in_settings_shows_at_once(self):
        self.soup("/")
        clinic = ClinicSettings.load()
        clinic.footer_links = [
            (
                "link",
                {"label": "Patient rights", "page": None, "url": "https://clinic.example/rights"},
            )
        ]
        clinic.save()
        soup = BeautifulSoup(self.client.get("/").content, "html.parser")
        assert texts(soup, ".site-footer nav a")[0] == "Patient rights"

    def test_the_current_section_is_marked_for_screen_readers(self):
        soup = self.soup("/services/iv-hydration/")
        current = {a.get_text(): a.get("aria-current") for a in soup.select(".site-nav a")}
        assert current["Services"] == "true"
        assert current["Locations"] is None
        soup = self.soup("/services/")
        assert soup.select_one(".site-nav a[aria-current=page]").get_text() == "Services"


class HomeListingTests:
    def test_the_home_page_lists_from_the_cache_on_a_second_view(self):
        self.client.get("/")
        with CaptureQueriesContext(connection) as warm:
            self.client.get("/")
        tables = " ".join(query["sql"] for query in warm.captured_queries)
        assert "pages_conditionpage" not in tables
        assert "pages_articlepage" not in tables
        assert len(warm) <= 8

    def test_a_new_article_shows_on_the_home_page_at_once(self):
        self.client.get("/")
        index = ArticleIndexPage.objects.get(locale__language_code="en")
        article = ArticlePage(
            title="Ketamine and sleep",
            slug="sleep",
            intro="Notes.",
            published_date=datetime.date(2026, 11, 20),
            body=[("paragraph", "<p>Sleep.</p>")],
        )
        index.add_child(instance=article)
        article.save_revision().publish()
        latest = texts(self.soup("/"), "#articles-heading + .cards .card__title")
        assert latest[0] == "Ketamine and sleep"

    def test_a_page_made_private_leaves_the_menu_at_once(self):
        assert "Frequently asked questions" in texts(self.soup("/"), ".site-nav a")
        faq = FAQPage.objects.get(locale__language_code="en")
        PageViewRestriction.objects.create(page=faq, restriction_type="login")
        assert "Frequently asked questions" not in texts(self.soup("/"), ".site-nav a")


class ClinicSettingsCacheTests:
    def test_public_pages_read_the_clinic_settings_from_the_cache(self):
        self.client.get("/faq/")
        with CaptureQueriesContext(connection) as warm:
            self.client.get("/faq/")
        assert "pages_clinicsettings" not in " ".join(q["sql"] for q in warm.captured_queries)

    def test_the_back_office_reads_the_settings_row_itself(self):
        factory = RequestFactory()
        ClinicSettings.load(request_or_site=factory.get("/"))  # now in the cache
        ClinicSettings.objects.update(clinic_name="Renamed behind the cache's back")
        public = ClinicSettings.load(request_or_site=factory.get("/"))
        admin = ClinicSettings.load(request_or_site=factory.get("/admin/settings/"))
        assert public.clinic_name == "Klearmind Ketamine & IV Hydration Clinic"
        assert admin.clinic_name == "Renamed behind the cache's back"
        assert ClinicSettings.load().clinic_name == "Renamed behind the cache's back"


class FooterAndTitleTests:
    def test_the_footer_gives_each_clinics_hours_today_and_the_crisis_line(self):
        saturday, sunday = datetime.date(2026, 12, 5), datetime.date(2026, 12, 6)
        sacramento = LocationPage.objects.get(slug="sacramento")
        opens = sacramento.hours.get(weekday=saturday.weekday())
        with mock.patch.object(clinic_tags.timezone, "localdate", return_value=saturday):
            soup = self.soup("/faq/")
        hours = texts(soup, ".footer-hours")
        assert hours[0] == f"Open today {opens.opens:%-I:%M %p} – {opens.closes:%-I:%M %p}"
        assert soup.select_one('.site-footer a[href="tel:988"]')
        cache.clear()
        with mock.patch.object(clinic_tags.timezone, "localdate", return_value=sunday):
            soup = self.soup("/faq/")
        assert texts(soup, ".footer-hours")[0] == "Closed today"

    def test_the_home_page_title_names_the_clinic_once(self):
        title = self.soup("/").title.get_text()
        assert title == "Ketamine therapy and IV hydration in Sacramento and Roseville | Klearmind"
        faq = self.soup("/faq/").title.get_text()
        assert faq.endswith(f" · {ClinicSettings.load().clinic_name}")
        assert faq.count("Klearmind") == 1

    def test_the_header_links_search_and_opens_its_menu_without_a_script(self):
        soup = self.soup("/faq/")
        assert soup.select_one(".site-header a.search-link")["href"] == "/search/"
        menu = soup.select_one(".site-header details.menu")
        assert menu.summary.get_text(strip=True) == "Menu"
        assert texts(menu, "nav a") == texts(soup, ".site-nav--wide a")


class ChromeTests(
    SiteChromeTests,
    HomeListingTests,
    ClinicSettingsCacheTests,
    FooterAndTitleTests,
    DemoSiteTestCase,
):
    """The groups above on one demo clinic, loaded once for all of them (each test is rolled
    back to it)."""
