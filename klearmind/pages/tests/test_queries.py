"""The article page makes a fixed number of SQL queries, however many blocks it holds, and
fewer still once its body, site and settings are in the cache."""

from unittest import mock

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from klearmind.clinic.models import ClinicSettings
from klearmind.pages.models import (
    ArticleIndexPage,
    ArticlePage,
    HomePage,
    StandardPage,
)

from .factories import ImageFactory, SafetyNoticeFactory, publish_child


def article_body(blocks: int, notice_page) -> list:
    body = []
    for n in range(blocks):
        image = ImageFactory()
        body += [
            ("heading", {"text": f"Section {n}", "level": "h2"}),
            ("paragraph", f"<p>Paragraph {n}.</p>"),
            ("image", {"image": image, "alt_text": f"Figure {n}", "caption": ""}),
            ("safety_notice", {"notice": SafetyNoticeFactory(full_page=notice_page)}),
            (
                "video",
                {
                    "url": "https://youtu.be/dQw4w9WgXcQ",
                    "title": f"Video {n}",
                    "poster": image,
                    "duration": "",
                    "transcript": "",
                },
            ),
        ]
    return body


class ArticleQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        root = Page.get_first_root_node()
        home = root.add_child(
            instance=HomePage(title="Home", slug="home-q", hero_heading="Hi", hero_text="Hello")
        )
        site = Site.objects.get(is_default_site=True)
        site.root_page = home
        site.save()
        ClinicSettings.load()  # made on first use otherwise, which would count as a change
        index = publish_child(home, ArticleIndexPage(title="Articles", slug="articles"))
        notice_page = publish_child(home, StandardPage(title="Safety", slug="safety"))
        cls.small = publish_child(
            index,
            ArticlePage(
                title="Small", slug="small", intro="One", body=article_body(1, notice_page)
            ),
        )
        cls.large = publish_child(
            index,
            ArticlePage(
                title="Large", slug="large", intro="Six", body=article_body(6, notice_page)
            ),
        )

    def count_queries(self, page) -> int:
        self.client.get(page.url)  # renditions are made on first view, then reused
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(page.url)
        assert response.status_code == 200
        return len(queries)

    def test_six_times_the_blocks_costs_no_extra_query(self):
        # The body rendered on every view; the site, route, menus and settings from the cache.
        with mock.patch("klearmind.pages.fragments.cached_for_tree", lambda key, build: build()):
            small = self.count_queries(self.small)
            large = self.count_queries(self.large)
        assert large == small
        # 9 before the site, settings, home page and route's page were cached; then 5, and one
        # more for the page's translations (the language switcher and hreflang links).
        assert small == 6

    def test_with_its_body_from_the_cache_an_article_costs_two_queries(self):
        # Whether the remembered page is still live, and its view restrictions: read on every
        # request so that an unpublished or private page is never served by any process.
        assert self.count_queries(self.large) == 2
