"""The site a request is for, and its home page, come from the cache until either changes."""

from unittest import mock

from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from klearmind.clinic.tree_version import cached_for_tree
from klearmind.pages.models import ArticleIndexPage, HomePage

from .test_pages import DemoSiteTestCase


class CachedSiteTests(DemoSiteTestCase):
    def test_a_second_request_finds_its_site_and_home_page_without_a_query(self):
        self.client.get("/")
        with CaptureQueriesContext(connection) as warm:
            response = self.client.get("/")
        tables = " ".join(query["sql"] for query in warm.captured_queries)
        assert "wagtailcore_site" not in tables
        assert "pages_homepage" not in tables
        assert response.status_code == 200

    def test_a_site_given_a_new_root_page_answers_from_it_at_once(self):
        assert self.client.get("/").context["page"].specific_class is HomePage
        index = ArticleIndexPage.objects.get(locale__language_code="en")
        site = Site.objects.get(is_default_site=True)
        site.root_page = index
        site.save()
        assert self.client.get("/").context["page"].pk == index.pk

    def test_an_edited_home_page_shows_at_once(self):
        self.client.get("/")
        home = HomePage.objects.get(locale__language_code="en")
        home.hero_heading = "Care close to home"
        home.save_revision().publish()
        assert self.soup("/").h1.get_text() == "Care close to home"
        home.hero_heading = "Saved without a revision"
        home.save()
        assert self.soup("/").h1.get_text() == "Saved without a revision"

    def test_a_host_name_the_site_does_not_answer_to_is_refused_and_not_cached(self):
        with mock.patch(
            "klearmind.pages.middleware.cached_for_tree", wraps=cached_for_tree
        ) as remembered:
            refused = self.client.get("/", HTTP_HOST="evil.example")
            self.client.get("/")
        assert refused.status_code == 400
        assert [call.args[0] for call in remembered.call_args_list] == ["pages:site:testserver:80"]

    def test_without_a_database_the_health_check_still_answers_for_itself(self):
        with mock.patch(
            "klearmind.pages.middleware.get_site_for_hostname",
            side_effect=OperationalError("the database is restarting"),
        ):
            response = self.client.get("/healthz")
        assert response.status_code == 200
        assert response.json()["status"] == "ok"
