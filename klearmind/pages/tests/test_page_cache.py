"""The page cache: anonymous readers get published pages from it, with the headers Django
would have sent, until anything they show changes; nothing personal is ever stored."""

import io
import re
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client, override_settings
from wagtail.models import Page, PageViewRestriction

from klearmind.clinic.models import ClinicSettings
from klearmind.pages.models import ArticlePage, HomePage

from .factories import SafetyNoticeFactory
from .purge_recorder import recorded_purges
from .test_pages import SEED_ARTICLE, DemoSiteTestCase
from .through_cache import through_cache


class PageCacheTestCase(DemoSiteTestCase):
    def get(self, path: str, client: Client | None = None, **extra):
        return through_cache(client or self.client, path, **extra)

    def cached(self, path: str, **extra):
        """Render `path` once through Django, then return the cache's reply."""
        first = self.get(path, **extra)
        assert not first.from_cache and first.headers.get("x-cache") == "MISS", first.headers
        return self.get(path, **extra)

    def article(self) -> ArticlePage:
        return ArticlePage.objects.get(url_path__endswith=SEED_ARTICLE.split("/")[-2] + "/")

    def publish(self, page):
        with self.captureOnCommitCallbacks(execute=True):
            page.save_revision().publish()


class PageCacheTests(PageCacheTestCase):
    # Serving
    def test_the_second_reader_gets_the_same_page_and_headers_without_django(self):
        first = self.get(SEED_ARTICLE)
        second = self.get(SEED_ARTICLE)
        assert not first.from_cache and second.from_cache
        assert second.status == 200 and second.body == first.body
        assert second.headers["x-cache"] == "HIT"
        for name in ("content-security-policy", "x-frame-options", "permissions-policy",
                     "referrer-policy", "x-content-type-options", "cross-origin-opener-policy",
                     "content-type", "vary", "etag", "last-modified", "cache-control"):  # fmt: skip
            assert second.headers[name] == first.headers[name], name
        assert second.headers["cache-control"] == "public, max-age=0, s-maxage=10"
        assert re.fullmatch(r'"[0-9a-f]{32}"', second.headers["etag"])
        assert int(second.headers["content-length"]) == len(first.body)

    def test_a_hit_costs_no_database_query(self):
        self.get(SEED_ARTICLE)
        with self.assertNumQueries(0):
            assert self.get(SEED_ARTICLE).from_cache

    def test_a_head_request_gets_the_headers_without_the_body(self):
        page = self.cached(SEED_ARTICLE)
        head = self.get(SEED_ARTICLE, method="HEAD")
        assert head.from_cache and head.body == b""
        assert head.headers["content-length"] == str(len(page.body))

    def test_conditional_requests_answer_not_modified_from_the_cache(self):
        page = self.cached(SEED_ARTICLE)
        by_etag = self.get(SEED_ARTICLE, HTTP_IF_NONE_MATCH=page.headers["etag"])
        by_date = self.get(SEED_ARTICLE, HTTP_IF_MODIFIED_SINCE=page.headers["last-modified"])
        for reply in (by_etag, by_date):
            assert reply.from_cache and reply.status == 304 and reply.body == b""
            assert reply.headers["etag"] == page.headers["etag"]
        changed = self.get(SEED_ARTICLE, HTTP_IF_NONE_MATCH='"something-else"')
        assert changed.status == 200 and changed.body == page.body

    def test_conditional_requests_answer_not_modified_through_django_too(self):
        # The home page renders the same bytes every time, so its ETag is stable.
        first = self.client.get("/")
        again = self.client.get("/", HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304 and again.content == b""
        assert again["ETag"] == first["ETag"]

    def test_the_csrf_cookie_alone_still_gets_the_cached_page(self):
        self.cached(SEED_ARTICLE)
        self.client.cookies["csrftoken"] = "a" * 32
        assert self.get(SEED_ARTICLE).from_cache

    def test_cookies_that_change_the_page_and_other_queries_go_to_django(self):
        self.cached(SEED_ARTICLE)
        for cookie in ("sessionid", "messages", "klearmind_commenter", "anything_else"):
            visitor = Client()
            visitor.cookies[cookie] = "x"
            reply = self.get(SEED_ARTICLE, client=visitor)
            assert not reply.from_cache and "x-cache" not in reply.headers, cookie
        for query in ("posted=abc", "replytocom=3", "utm_source=tv", "cpage=2&x=1", "cpage=x"):
            reply = self.get(f"{SEED_ARTICLE}?{query}")
            assert not reply.from_cache and "x-cache" not in reply.headers, query
        posted = self.get(SEED_ARTICLE, method="POST")
        assert not posted.from_cache and "x-cache" not in posted.headers

    def test_https_and_http_copies_are_kept_apart(self):
        https = {"HTTP_X_FORWARDED_PROTO": "https"}
        with override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")):
            self.cached(SEED_ARTICLE, **https)
            assert not self.get(SEED_ARTICLE, HTTP_X_FORWARDED_PROTO="http").from_cache

    @override_settings(PAGE_CACHE_SECONDS=0)
    def test_zero_seconds_turns_the_cache_off(self):
        first = self.get(SEED_ARTICLE)
        assert "x-cache" not in first.headers
        assert not self.get(SEED_ARTICLE).from_cache
        assert first.headers["cache-control"] == "public, max-age=0, s-maxage=10"

    # Never stored
    def test_a_contact_form_token_is_never_handed_to_the_next_visitor(self):
        first_visitor = Client(enforce_csrf_checks=True)
        first_visitor.cookies["csrftoken"] = "b" * 32
        mine = self.get("/contact/", client=first_visitor)
        theirs = self.get("/contact/", client=Client(enforce_csrf_checks=True))
        assert not theirs.from_cache and "x-cache" not in mine.headers
        assert mine.headers["cache-control"] == "private, no-cache"

        def token(reply):
            soup = BeautifulSoup(reply.body, "html.parser")
            return soup.find("input", attrs={"name": "csrfmiddlewaretoken"})["value"]

        assert token(mine) != token(theirs)

    def test_signed_in_staff_are_never_served_or_stored(self):
        self.cached(SEED_ARTICLE)
        staff = Client()
        staff.force_login(get_user_model().objects.create_superuser("cache-test-editor"))
        reply = self.get(SEED_ARTICLE, client=staff)
        assert not reply.from_cache and "x-cache" not in reply.headers
        assert reply.headers["cache-control"] == "private, no-cache"

    def test_views_that_are_not_published_pages_are_never_stored(self):
        paths = ("/healthz", "/search/?q=ketamine", "/search/", "/comments/token/", "/nope/")
        for path in (*paths, "/candidacy/", "/book/", "/?cpage=1", "/admin/"):
            self.get(path)
            reply = self.get(path)
            assert not reply.from_cache and "x-cache" not in reply.headers, path

    def test_a_page_behind_a_password_is_never_stored(self):
        article = self.article()
        PageViewRestriction.objects.create(
            page=article, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
        )
        reply = self.get(SEED_ARTICLE)
        assert 'name="password"' in reply.text and "Ketamine therapy" not in reply.text
        assert "x-cache" not in reply.headers and "public" not in reply.headers["cache-control"]
        assert not self.get(SEED_ARTICLE).from_cache

    # Stale at once
    def test_publishing_shows_the_new_title_on_the_next_request(self):
        self.cached(SEED_ARTICLE)
        article = self.article()
        article.title = "Ketamine, newly revised"
        self.publish(article)
        reply = self.get(SEED_ARTICLE)
        assert not reply.from_cache and "Ketamine, newly revised" in reply.text

    def test_unpublishing_removes_the_page_at_once(self):
        self.cached(SEED_ARTICLE)
        with self.captureOnCommitCallbacks(execute=True):
            self.article().unpublish()
        assert self.get(SEED_ARTICLE).status == 404

    def test_publishing_any_page_makes_every_page_stale(self):
        self.cached(SEED_ARTICLE)
        self.publish(HomePage.objects.get(locale__language_code="en"))
        assert not self.get(SEED_ARTICLE).from_cache

    def test_moving_or_deleting_a_page_makes_every_page_stale(self):
        self.cached(SEED_ARTICLE)
        other = self.article().get_siblings(inclusive=False).live().first()
        with self.captureOnCommitCallbacks(execute=True):
            other.move(HomePage.objects.get(locale__language_code="en"), pos="last-child")
        assert not self.get(SEED_ARTICLE).from_cache
        self.get(SEED_ARTICLE)
        with self.captureOnCommitCallbacks(execute=True):
            Page.objects.get(pk=other.pk).delete()
        assert not self.get(SEED_ARTICLE).from_cache

    def test_editing_a_snippet_or_the_clinic_settings_makes_every_page_stale(self):
        self.cached(SEED_ARTICLE)
        with self.captureOnCommitCallbacks(execute=True):
            SafetyNoticeFactory()
        assert not self.get(SEED_ARTICLE).from_cache
        self.get(SEED_ARTICLE)
        clinic = ClinicSettings.load()
        clinic.phone = "916 555 0199"
        with self.captureOnCommitCallbacks(execute=True):
            clinic.save()
        reply = self.get(SEED_ARTICLE)
        assert not reply.from_cache and "(916) 555-0199" in reply.text  # shown formatted

    def test_publishing_asks_the_proxy_in_front_to_purge_the_page(self):
        with recorded_purges() as purged:
            self.publish(self.article())
        assert purged == [urlsplit(self.article().get_full_url()).netloc + SEED_ARTICLE]

    def test_without_a_proxy_configured_nothing_is_sent(self):
        with recorded_purges() as purged, override_settings(WAGTAILFRONTENDCACHE={}):
            self.publish(self.article())
        assert purged == []

    def test_the_purge_command_makes_every_page_stale_and_purges_the_proxy(self):
        self.cached(SEED_ARTICLE)
        with recorded_purges() as purged:
            call_command("purge_page_cache", stdout=io.StringIO())
        assert not self.get(SEED_ARTICLE).from_cache
        assert urlsplit(self.article().get_full_url()).netloc + SEED_ARTICLE in purged
