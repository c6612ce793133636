"""The public comment form and section, through the browser's eyes (CSRF enforced)."""

import importlib
import re
import time
from unittest import mock

from bs4 import BeautifulSoup
from django.core import mail
from django.db.migrations.loader import MigrationLoader
from django.test import Client, TestCase

from klearmind.comments.display import COMMENTER_COOKIE
from klearmind.comments.models import (
    UNSUBSCRIBE_HASH_PURPOSE,
    Comment,
    CommentSettings,
    CommentStatus,
    unsubscribe_hash,
)

from .factories import CommentFactory, article_site


def hashing_migration():
    """The data migration that hashed the stored tokens, whatever number it has."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    (name,) = [n for app, n in loader.disk_migrations if app == "comments" and "unsubscribe" in n]
    return importlib.import_module(f"klearmind.comments.migrations.{name}")


def csrf(response) -> str:
    return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', response.content)[1].decode()


VALID = {
    "text": "Thank you for this.\n\nIt answered my question.",
    "author_name": "Ana Ruiz",
    "author_email": "ana.private@example.org",
    "author_url": "",
}


class CommentFormTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = article_site()
        comment_settings = CommentSettings.load()
        comment_settings.time_trap_seconds = 0
        comment_settings.save()

    def setUp(self):
        self.browser = Client(enforce_csrf_checks=True)

    def soup(self, response) -> BeautifulSoup:
        return BeautifulSoup(response.content, "html.parser")

    def form_fields(self, path=None) -> dict:
        """The hidden fields of the form as the page renders it (timestamp, parent), with the
        CSRF token that comments.js fetches before sending."""
        soup = self.soup(self.browser.get(path or self.article.url))
        form = soup.select_one("form.comment-form")
        fields = {
            tag["name"]: tag.get("value", "")
            for tag in form.select("input[type=hidden]")
            if tag.get("name")
        }
        token = self.browser.get(form["data-token-url"]).json()["csrfToken"]
        return {**fields, "csrfmiddlewaretoken": token}

    def post(self, data=None, **extra):
        fields = {**self.form_fields(), **VALID, **(data or {})}
        with self.captureOnCommitCallbacks(execute=True):
            return self.browser.post(
                f"/comments/post/{self.article.pk}/", fields, REMOTE_ADDR="192.0.2.5", **extra
            )


class PageTypeTests(CommentFormTestCase):
    def test_comments_show_only_on_the_page_types_an_editor_switched_on(self):
        from klearmind.pages.models import StandardPage
        from klearmind.pages.tests.factories import publish_child

        about = publish_child(
            self.article.get_parent().get_parent(), StandardPage(title="About us", slug="about")
        )
        assert self.soup(self.browser.get(about.url)).select_one("form.comment-form") is None
        settings = CommentSettings.load()
        settings.enabled_page_types = ["pages.articlepage", "pages.standardpage"]
        settings.save()
        form = self.soup(self.browser.get(about.url)).select_one("form.comment-form")
        assert form is not None
        assert form["action"] == f"/comments/post/{about.pk}/"


class PostingTests(CommentFormTestCase):
    def test_the_form_marks_and_explains_required_fields_and_shows_the_standing_notice(self):
        soup = self.soup(self.browser.get(self.article.url))
        respond = soup.select_one("#respond")
        notice = " ".join(respond.select_one(".comment-notice").get_text().split())
        assert "Comments are public" in notice
        assert "do not share personal health details" in notice
        assert "cannot give medical advice" in notice
        assert "call or text 988" in notice
        legend = respond.select_one(".form__legend").get_text(" ", strip=True)
        assert "e-mail address will not be published" in legend
        required = {
            label.get_text(" ", strip=True).split()[0]
            for label in respond.select("label")
            if label.select(".required")
        }
        assert required == {"Comment", "Name", "E-mail"}
        for control in respond.select("form input:not([type=hidden]), form textarea"):
            assert soup.find("label", attrs={"for": control["id"]}), control
        remember = respond.find("input", attrs={"name": "remember"})
        assert remember.get("checked") is None

    def test_a_comment_is_stored_pending_and_shown_as_awaiting_moderation_to_its_writer(self):
        response = self.post({"notify": "on"}, HTTP_USER_AGENT="TestBrowser/1.0")
        comment = Comment.objects.get()
        assert comment.status == CommentStatus.PENDING
        assert (comment.ip_address, comment.user_agent) == ("192.0.2.5", "TestBrowser/1.0")
        assert comment.notify is True
        assert response.status_code == 302
        assert response["Location"].startswith(self.article.url + "?posted=")
        mine = self.soup(self.browser.get(response["Location"]))
        posted = mine.select_one("#comment-posted")
        assert "awaiting moderation" in posted.get_text()
        assert "It answered my question." in posted.get_text()
        assert mine.select(".crisis-box") == []
        others = self.soup(Client().get(self.article.url))
        assert others.select_one("#comment-posted") is None
        assert "It answered my question." not in others.get_text()

    def test_a_forged_posted_token_shows_nothing(self):
        CommentFactory(page=self.article, status=CommentStatus.PENDING, text="Hidden text")
        soup = self.soup(self.browser.get(self.article.url + "?posted=1:forged"))
        assert soup.select_one("#comment-posted") is None
        assert "Hidden text" not in soup.get_text()

    def test_crisis_language_shows_the_writer_the_988_lifeline(self):
        response = self.post({"text": "I have been thinking about suicide lately."})
        soup = self.soup(self.browser.get(response["Location"]))
        crisis = soup.select_one("#comment-posted .crisis-box").get_text(" ", strip=True)
        assert "call or text 988" in crisis
        assert "911" in crisis

    def test_errors_sit_by_their_fields_and_what_was_typed_is_kept(self):
        response = self.post({"author_email": "not-an-address", "author_url": "ftp://x.org"})
        assert response.status_code == 400
        assert Comment.objects.count() == 0
        soup = self.soup(response)
        email = soup.find("input", attrs={"name": "author_email"})
        assert email["value"] == "not-an-address"
        assert email["aria-invalid"] == "true"
        assert f"{email['id']}_error" in email["aria-describedby"].split()
        assert "name@example.com" in soup.find(id=f"{email['id']}_error").get_text()
        url = soup.find("input", attrs={"name": "author_url"})
        assert "http:// or https://" in soup.find(id=f"{url['id']}_error").get_text()
        typed = soup.find("textarea", attrs={"name": "text"}).get_text()
        assert "Thank you for this." in typed and "It answered my question." in typed
        assert soup.find("input", attrs={"name": "author_name"})["value"] == "Ana Ruiz"
        assert soup.select_one("#form-errors[role=alert]")

    def test_control_and_bidirectional_characters_in_a_name_are_refused(self):
        for sneaky in ("Ana\u202eziuR", "Ana\x07", "Ana\u2066x"):
            response = self.post({"author_name": sneaky})
            assert response.status_code == 400, repr(sneaky)
            assert "control character" in self.soup(response).select_one(".field__errors").text
        assert Comment.objects.count() == 0

    def test_the_limits_are_245_100_200_and_65525_characters(self):
        cases = {
            "author_name": ("n" * 245, "n" * 246),
            "author_email": ("e" * 88 + "@example.org", "e" * 89 + "@example.org"),
            "author_url": ("https://example.org/" + "u" * 180, "https://example.org/" + "u" * 181),
            "text": ("t" * 65_525, "t" * 65_526),
        }
        for field, (longest, too_long) in cases.items():
            response = self.post({field: too_long})
            assert response.status_code == 400, field
            error = self.soup(response).select_one(".field__errors").get_text()
            expected = "shorten your name to 245" if field == "author_name" else "at most"
            assert expected in error, field
            data = {"text": f"Longest {field}", field: longest}
            with mock.patch("klearmind.comments.services.refuse_flood"):
                assert self.post(data).status_code == 302, field
        assert Comment.objects.count() == 4

    def test_a_double_submit_is_a_409_with_the_form_kept(self):
        assert self.post().status_code == 302
        with mock.patch("klearmind.comments.services.refuse_flood"):
            response = self.post()
        assert response.status_code == 409
        soup = self.soup(response)
        assert "You already said that" in soup.select_one("#form-errors").get_text()
        assert soup.find("input", attrs={"name": "author_name"})["value"] == "Ana Ruiz"
        assert Comment.objects.count() == 1

    def test_posting_again_too_soon_is_a_429_with_the_form_kept(self):
        self.post()
        response = self.post({"text": "A second thought"})
        assert response.status_code == 429
        soup = self.soup(response)
        assert "posting too quickly" in soup.select_one("#form-errors").get_text()
        assert "A second thought" in soup.find("textarea", attrs={"name": "text"}).get_text()

    def test_the_time_trap_uses_the_signed_render_time(self):
        comment_settings = CommentSettings.load()
        comment_settings.time_trap_seconds = 3
        comment_settings.save()
        self.post()
        assert Comment.objects.get().status == CommentStatus.SPAM
        fields = self.form_fields()
        real_time = time.time
        with mock.patch("klearmind.comments.services.refuse_flood"):
            with mock.patch("klearmind.comments.forms.time.time", lambda: real_time() + 4):
                self.post({**fields, "text": "slow and human", "author_email": "b@example.org"})
            self.post({"rendered": "0:forged", "text": "forged", "author_email": "c@example.org"})
        statuses = dict(Comment.objects.values_list("text", "status"))
        assert statuses["slow and human"] == CommentStatus.PENDING
        assert statuses["forged"] == CommentStatus.SPAM

    def test_the_honeypot_is_hidden_from_people_and_catches_robots(self):
        soup = self.soup(self.browser.get(self.article.url))
        trap = soup.select_one(".comment-form__trap")
        assert trap["aria-hidden"] == "true"
        assert trap.find("input")["tabindex"] == "-1"
        self.post({"homepage": "http://bot.example"})
        assert Comment.objects.get().status == CommentStatus.SPAM

    def test_a_form_without_the_csrf_token_is_refused(self):
        response = self.browser.post(f"/comments/post/{self.article.pk}/", VALID)
        assert response.status_code == 403
        assert Comment.objects.count() == 0

    def test_forwarded_addresses_count_only_behind_the_configured_proxies(self):
        spoofed = {"HTTP_X_FORWARDED_FOR": "10.9.9.9, 198.51.100.77"}
        self.post({"text": "one"}, **spoofed)
        with self.settings(TRUSTED_PROXY_COUNT=1):
            self.post({"text": "two", "author_email": "two@example.org"}, **spoofed)
        addresses = dict(Comment.objects.values_list("text", "ip_address"))
        assert addresses == {"one": "192.0.2.5", "two": "198.51.100.77"}


class RememberMeTests(CommentFormTestCase):
    def test_no_cookie_without_consent(self):
        response = self.post()
        cookie = response.cookies.get(COMMENTER_COOKIE)
        assert cookie is None or cookie.value == ""
        form = self.soup(self.browser.get(self.article.url)).select_one("form.comment-form")
        assert not form.find("input", attrs={"name": "author_name"}).get("value")

    def test_with_consent_the_name_is_remembered_for_a_year_and_unticking_clears_it(self):
        response = self.post({"remember": "on", "author_url": "https://ana.example"})
        cookie = response.cookies[COMMENTER_COOKIE]
        assert cookie["max-age"] == 365 * 24 * 3600
        assert cookie["httponly"] and cookie["samesite"] == "Lax"
        soup = self.soup(self.browser.get(self.article.url))
        assert soup.find("input", attrs={"name": "author_name"})["value"] == "Ana Ruiz"
        assert soup.find("input", attrs={"name": "author_url"})["value"] == "https://ana.example"
        assert soup.find("input", attrs={"name": "remember"}).get("checked") is not None
        with mock.patch("klearmind.comments.services.refuse_flood"):
            response = self.post({"text": "Forget me now"})
        assert response.cookies[COMMENTER_COOKIE].value == ""
        soup = self.soup(self.browser.get(self.article.url))
        assert not soup.find("input", attrs={"name": "author_name"}).get("value")


class ThreadTests(CommentFormTestCase):
    def test_replies_nest_under_their_parent_and_hidden_ones_stay_hidden(self):
        root = CommentFactory(page=self.article, text="Root words")
        reply = CommentFactory(page=self.article, parent=root, text="Reply words")
        pending = CommentFactory(
            page=self.article, parent=root, text="Unread words", status=CommentStatus.PENDING
        )
        CommentFactory(page=self.article, parent=pending, text="Orphan words")
        soup = self.soup(Client().get(self.article.url))
        nested = soup.select_one(f"#comment-{root.pk} .comment-list--replies")
        assert nested.select_one(f"#comment-{reply.pk}")
        assert "Unread words" not in soup.get_text()
        assert "Orphan words" not in soup.get_text()
        assert soup.select_one("#comments-heading").get_text() == "2 comments"

    def test_without_javascript_a_reply_link_loads_the_form_set_to_reply(self):
        root = CommentFactory(page=self.article, author_name="Priya")
        soup = self.soup(self.browser.get(self.article.url))
        link = soup.select_one(f"#comment-{root.pk} a.comment__reply")
        assert link["href"] == f"?replytocom={root.pk}#respond"
        fields = self.form_fields(f"{self.article.url}?replytocom={root.pk}")
        assert fields["parent"] == str(root.pk)
        soup = self.soup(self.browser.get(f"{self.article.url}?replytocom={root.pk}"))
        assert soup.select_one("#reply-title").get_text() == "Reply to Priya"
        with self.captureOnCommitCallbacks(execute=True):
            self.browser.post(
                f"/comments/post/{self.article.pk}/", {**fields, **VALID}, REMOTE_ADDR="192.0.2.8"
            )
        assert Comment.objects.get(author_name="Ana Ruiz").parent == root

    def test_reply_links_stop_at_the_depth_limit_of_5(self):
        parent = None
        for _ in range(5):
            parent = CommentFactory(page=self.article, parent=parent)
        soup = self.soup(self.browser.get(self.article.url))
        assert len(soup.select("a.comment__reply")) == 4
        assert soup.select_one(f"#comment-{parent.pk} a.comment__reply") is None

    def test_a_reply_to_a_comment_that_is_not_public_is_refused_and_kept(self):
        hidden = CommentFactory(page=self.article, status=CommentStatus.PENDING)
        response = self.post({"parent": hidden.pk})
        assert response.status_code == 400
        assert "no longer available" in self.soup(response).select_one("#form-errors").text
        assert Comment.objects.count() == 1

    def test_top_level_comments_come_50_a_page_oldest_first_or_newest_first(self):
        CommentFactory.create_batch(51, page=self.article)
        soup = self.soup(Client().get(self.article.url))
        first_page = soup.select("#comments > .comment-list > li")
        assert len(first_page) == 50
        oldest = Comment.objects.order_by("submitted_at", "pk").first()
        newest = Comment.objects.order_by("submitted_at", "pk").last()
        assert first_page[0]["id"] == f"comment-{oldest.pk}"
        page_two = self.soup(Client().get(self.article.url + "?cpage=2"))
        assert [li["id"] for li in page_two.select("#comments > .comment-list > li")] == [
            f"comment-{newest.pk}"
        ]
        comment_settings = CommentSettings.load()
        comment_settings.order = "newest"
        comment_settings.save()
        soup = self.soup(Client().get(self.article.url))
        assert soup.select("#comments > .comment-list > li")[0]["id"] == f"comment-{newest.pk}"

    def test_closed_pages_show_comments_but_no_form(self):
        CommentFactory(page=self.article, text="Old words")
        comment_settings = CommentSettings.load()
        comment_settings.close_after_days_enabled = True
        comment_settings.close_after_days = 1
        comment_settings.save()
        self.article.first_published_at = self.article.first_published_at.replace(year=2020)
        self.article.save()
        soup = self.soup(Client().get(self.article.url))
        assert "Old words" in soup.get_text()
        assert soup.select_one("form.comment-form") is None
        assert "Comments are closed" in soup.select_one(".comments__closed").get_text()


class PrivacyTests(CommentFormTestCase):
    def test_no_public_response_contains_a_writers_e_mail_address(self):
        root = CommentFactory(page=self.article, author_email="root.secret@example.org")
        CommentFactory(page=self.article, parent=root, author_email="reply.secret@example.org")
        response = self.post({"author_email": "new.secret@example.org"})
        public = Client()
        pages = [self.article.url, self.article.url + "?cpage=2", "/", "/articles/"]
        pages += [f"{self.article.url}?replytocom={root.pk}", "/sitemap.xml", "/search/?q=remark"]
        bodies = [public.get(path).content.decode() for path in pages]
        bodies.append(self.browser.get(response["Location"]).content.decode())
        for body in bodies:
            assert "secret@example.org" not in body
            assert "gravatar" not in body.lower()
        assert Comment.objects.filter(author_email__contains="secret").count() == 3

    def test_comment_text_and_names_are_escaped_and_urls_linked_nofollow(self):
        CommentFactory(
            page=self.article,
            author_name='<img src=x onerror="alert(1)">',
            author_url='https://example.org/"onmouseover="x',
            text="<script>alert(1)</script>\nSee https://example.org/page.",
        )
        body = Client().get(self.article.url).content.decode()
        assert "<script>alert(1)</script>" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
        assert "<img src=x" not in body
        assert (
            '<a href="https://example.org/page" rel="nofollow ugc noopener">'
            "https://example.org/page</a>." in body
        )


class UnsubscribeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = article_site()

    def test_the_link_is_exchanged_for_a_confirmation_that_stops_every_e_mail_to_that_address(
        self,
    ):
        first = CommentFactory(page=self.article, notify=True, author_email="a@example.org")
        second = CommentFactory(page=self.article, notify=True, author_email="A@example.org")
        other = CommentFactory(page=self.article, notify=True)
        client = Client(enforce_csrf_checks=True)
        response = client.get(f"/comments/unsubscribe/{first.unsubscribe_token}/")
        assert response["Location"] == "/comments/unsubscribe/"  # the token leaves the address
        page = client.get("/comments/unsubscribe/")
        assert b"Stop the e-mails" in page.content
        assert first.unsubscribe_token.encode() not in page.content
        first.refresh_from_db()
        assert first.notify is True  # a link preview or scanner must not unsubscribe
        assert client.post("/comments/unsubscribe/").status_code == 403  # no CSRF token
        done = client.post("/comments/unsubscribe/", {"csrfmiddlewaretoken": csrf(page)})
        assert b"no more e-mails" in done.content
        for comment, expected in ((first, False), (second, False), (other, True)):
            comment.refresh_from_db()
            assert comment.notify is expected

    def test_a_mail_clients_one_click_post_acts_at_once(self):
        comment = CommentFactory(page=self.article, notify=True, author_email="a@example.org")
        url = f"/comments/unsubscribe/{comment.unsubscribe_token}/"
        response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
        assert b"no more e-mails" in response.content
        comment.refresh_from_db()
        assert comment.notify is False

    def test_a_link_e_mailed_before_links_were_signed_still_works(self):
        comment = CommentFactory(page=self.article, notify=True, author_email="a@example.org")
        Comment.objects.filter(pk=comment.pk).update(unsubscribe_hash=unsubscribe_hash("old"))
        Client().post("/comments/unsubscribe/old/")
        comment.refresh_from_db()
        assert comment.notify is False
        # The data migration hashed the stored tokens for this same purpose.
        assert hashing_migration().PURPOSE == UNSUBSCRIBE_HASH_PURPOSE

    def test_an_unknown_or_forged_token_is_a_404(self):
        comment = CommentFactory(page=self.article, notify=True, author_email="a@example.org")
        forged = f"{comment.pk}:{'x' * 43}"
        for token in ("nope", forged, f"{comment.pk}"):
            assert Client().post(f"/comments/unsubscribe/{token}/").status_code == 404
            assert Client().get(f"/comments/unsubscribe/{token}/").status_code == 404
        comment.refresh_from_db()
        assert comment.notify is True

    def test_the_confirmation_without_a_link_opened_first_asks_for_the_link(self):
        response = Client().get("/comments/unsubscribe/")
        assert response.status_code == 404
        assert b"open the link in one of those e-mails again" in response.content

    def test_mail_is_not_sent_in_this_test_module(self):
        assert mail.outbox == []


class CommentTokenTests(CommentFormTestCase):
    """The page readers get carries no CSRF token, so it can be cached; comments.js fetches one,
    and without JavaScript the form comes back once with a token in it."""

    def test_the_page_carries_no_token_and_the_endpoint_hands_one_out_never_cached(self):
        page = self.browser.get(self.article.url)
        assert self.soup(page).find("input", attrs={"name": "csrfmiddlewaretoken"}) is None
        assert "csrftoken" not in page.cookies and page["X-Cache"] == "MISS"
        answer = self.browser.get("/comments/token/")
        assert len(answer.json()["csrfToken"]) == 64
        assert answer.cookies["csrftoken"].value
        assert "no-store" in answer["Cache-Control"]

    def test_without_javascript_the_first_press_comes_back_with_a_token_and_the_second_posts(self):
        response = self.browser.post(f"/comments/post/{self.article.pk}/", VALID)
        assert response.status_code == 403
        assert Comment.objects.count() == 0
        soup = self.soup(response)
        summary = soup.select_one("#form-errors").get_text(" ", strip=True)
        assert summary.startswith("To protect this form, please press Post comment once more.")
        assert soup.find("textarea", attrs={"name": "text"}).get_text().strip() == VALID["text"]
        assert "private" in response["Cache-Control"] and "X-Cache" not in response
        fields = {
            tag["name"]: tag.get("value", "")
            for tag in soup.select("form.comment-form input")
            if tag.get("name") and tag.get("type") != "checkbox"
        }
        assert fields["csrfmiddlewaretoken"]
        again = self.browser.post(
            f"/comments/post/{self.article.pk}/", {**fields, "text": VALID["text"]}
        )
        assert again.status_code == 302
        assert Comment.objects.get().text == VALID["text"]

    def test_a_wrong_or_forged_token_is_refused_and_nothing_is_stored(self):
        path = f"/comments/post/{self.article.pk}/"
        fields = self.form_fields()
        wrong = self.browser.post(path, {**fields, **VALID, "csrfmiddlewaretoken": "x" * 64})
        stranger = Client(enforce_csrf_checks=True)
        forged = stranger.post(path, {**fields, **VALID})
        cross_site = Client(enforce_csrf_checks=True).post(
            path, VALID, HTTP_ORIGIN="https://elsewhere.example"
        )
        for response in (wrong, forged, cross_site):
            assert response.status_code == 403
            assert b"please press Post comment once more" not in response.content
        assert Comment.objects.count() == 0

    def test_a_form_from_a_cached_page_is_not_refused_for_its_age(self):
        fields = self.form_fields()
        rendered_at = time.time()
        age = 86_400 + 500  # a day on the page, after a copy kept for most of the cache's life
        with mock.patch("time.time", lambda: rendered_at + age):
            self.post({**fields, "text": "Kept the tab open."})
        assert Comment.objects.get().status == CommentStatus.PENDING
