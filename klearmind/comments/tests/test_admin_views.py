"""The moderation queue and its actions in the back office, each behind a model permission."""

import json

from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import Client, TestCase

from klearmind.audit.models import AuditEvent
from klearmind.comments.models import Comment, CommentSettings, CommentStatus

from .factories import CommentFactory, article_site

QUEUE = "/admin/comments/"


def staff(*codenames: str, username="staff"):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "x")
    perms = Permission.objects.filter(codename__in=["access_admin", *codenames])
    user.user_permissions.add(*perms)
    return user


def assert_refused(response) -> None:
    """Wagtail turns a refused permission into a redirect to the dashboard with a message."""
    assert (response.status_code, response.get("Location")) in ((403, None), (302, "/admin/"))


def csrf_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def csrf_token(client, path) -> str:
    soup = BeautifulSoup(client.get(path).content, "html.parser")
    return soup.find("input", attrs={"name": "csrfmiddlewaretoken"})["value"]


class QueueTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = article_site()
        cls.pending = CommentFactory(
            page=cls.article, status=CommentStatus.PENDING, text="Waiting words"
        )
        cls.urgent = CommentFactory(
            page=cls.article, status=CommentStatus.PENDING, urgent=True, text="Urgent words"
        )
        cls.approved = CommentFactory(page=cls.article, text="Public words")
        cls.spam = CommentFactory(page=cls.article, status=CommentStatus.SPAM, text="Spam words")
        cls.moderator = staff("view_comment", "moderate_comment", "delete_comment")

    def soup(self, client, path):
        response = client.get(path)
        assert response.status_code == 200, response.status_code
        return BeautifulSoup(response.content, "html.parser")

    def test_the_queue_shows_pending_first_with_counts_per_status(self):
        client = csrf_client(self.moderator)
        soup = self.soup(client, QUEUE)
        rows = soup.select("table.listing tbody tr")
        assert {row.select_one("td:nth-of-type(3) a").get_text() for row in rows} == {
            "Waiting words",
            "Urgent words",
        }
        counts = {
            " ".join(a.get_text(" ", strip=True).split()[:-1]): a.select_one(".w-status").text
            for a in soup.select(".comments-admin__counts a")
            if a.select_one(".w-status")
        }
        assert counts["Pending"] == "2" and counts["Approved"] == "1"
        assert counts["Spam"] == "1" and counts["Trash"] == "0"

    def test_filters_by_status_urgency_page_date_and_search(self):
        client = csrf_client(self.moderator)

        def texts(query):
            soup = self.soup(client, QUEUE + query)
            return {a.get_text() for a in soup.select("table.listing tbody td:nth-of-type(3) a")}

        assert texts("?status=spam") == {"Spam words"}
        assert texts("?status=&urgent=on") == {"Urgent words"}
        assert texts(f"?status=&page={self.article.pk}&q=public") == {"Public words"}
        assert texts("?status=&since=2000-01-01&until=2000-01-02") == set()
        assert texts("?status=&q=%00words") == {
            "Waiting words",
            "Urgent words",
            "Public words",
            "Spam words",
        }

    def test_the_menu_shows_the_pending_count(self):
        client = csrf_client(self.moderator)
        assert b"Comments (2)" in client.get("/admin/").content

    def test_bulk_approve_records_the_moderator_and_reports_skips(self):
        client = csrf_client(self.moderator)
        token = csrf_token(client, QUEUE)
        response = client.post(
            "/admin/comments/bulk/",
            {
                "csrfmiddlewaretoken": token,
                "action": "approve",
                "ids": [self.pending.pk, self.approved.pk],
                "next": QUEUE + "?status=pending",
            },
            follow=True,
        )
        assert "Approve: 1 comment. 1 skipped" in response.content.decode()
        self.pending.refresh_from_db()
        assert self.pending.status == CommentStatus.APPROVED
        assert self.pending.status_changes.get().changed_by == self.moderator

    def test_every_bulk_action_moves_the_comments(self):
        client = csrf_client(self.moderator)
        token = csrf_token(client, QUEUE)
        comment = self.spam
        for action, expected in [
            ("not_spam", "pending"),
            ("spam", "spam"),
            ("trash", "trash"),
            ("restore", "spam"),
            ("not_spam", "pending"),
            ("approve", "approved"),
            ("unapprove", "pending"),
        ]:
            client.post(
                "/admin/comments/bulk/",
                {"csrfmiddlewaretoken": token, "action": action, "ids": [comment.pk]},
            )
            comment.refresh_from_db()
            assert comment.status == expected, action
        client.post(
            "/admin/comments/bulk/",
            {"csrfmiddlewaretoken": token, "action": "delete", "ids": [comment.pk]},
        )
        assert not Comment.objects.filter(pk=comment.pk).exists()

    def test_reply_from_the_queue_is_published_as_the_clinic(self):
        client = csrf_client(self.moderator)
        path = f"/admin/comments/{self.approved.pk}/"
        token = csrf_token(client, path)
        response = client.post(path, {"csrfmiddlewaretoken": token, "text": "Thanks for asking."})
        reply = Comment.objects.get(text="Thanks for asking.")
        assert response["Location"] == f"/admin/comments/{reply.pk}/"
        assert reply.is_clinic_reply and reply.status == CommentStatus.APPROVED
        public = Client().get(self.article.url).content.decode()
        assert "Thanks for asking." in public
        assert "Clinic reply" in public

    def test_replying_to_a_comment_that_is_not_public_is_refused(self):
        client = csrf_client(self.moderator)
        path = f"/admin/comments/{self.pending.pk}/"
        token = csrf_token(client, path)
        response = client.post(path, {"csrfmiddlewaretoken": token, "text": "Too early"})
        assert "Approve this comment before replying" in response.content.decode()
        assert not Comment.objects.filter(text="Too early").exists()

    def test_the_detail_shows_the_status_history(self):
        self.pending.approve(by=self.moderator)
        soup = self.soup(csrf_client(self.moderator), f"/admin/comments/{self.pending.pk}/")
        rows = [" ".join(tr.get_text(" ").split()) for tr in soup.select("table.listing tr")]
        assert any("staff Pending Approved" in row for row in rows)


class PermissionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = article_site()
        cls.comment = CommentFactory(page=cls.article, status=CommentStatus.PENDING)

    def test_staff_without_view_permission_cannot_open_any_screen(self):
        client = csrf_client(staff())
        for path in (
            QUEUE,
            f"/admin/comments/{self.comment.pk}/",
            "/admin/comments/personal-data/",
        ):
            assert client.get(path).status_code in (302, 403), path
        assert b"/admin/comments/" not in client.get("/admin/").content

    def test_viewing_is_not_moderating(self):
        viewer = staff("view_comment")
        client = csrf_client(viewer)
        token = csrf_token(client, QUEUE)
        for action in ("approve", "delete"):
            response = client.post(
                "/admin/comments/bulk/",
                {"csrfmiddlewaretoken": token, "action": action, "ids": [self.comment.pk]},
            )
            assert_refused(response)
        response = client.post(
            f"/admin/comments/{self.comment.pk}/", {"csrfmiddlewaretoken": token, "text": "x"}
        )
        assert_refused(response)
        self.comment.refresh_from_db()
        assert self.comment.status == CommentStatus.PENDING

    def test_moderating_is_not_deleting(self):
        client = csrf_client(staff("view_comment", "moderate_comment"))
        token = csrf_token(client, QUEUE)
        response = client.post(
            "/admin/comments/bulk/",
            {"csrfmiddlewaretoken": token, "action": "delete", "ids": [self.comment.pk]},
        )
        assert_refused(response)
        assert Comment.objects.filter(pk=self.comment.pk).exists()

    def test_settings_need_change_commentsettings_and_save_the_page_types(self):
        path = "/admin/settings/comments/commentsettings/"
        assert_refused(
            csrf_client(staff("view_comment")).get(f"{path}{CommentSettings.load().pk}/")
        )
        client = csrf_client(staff("change_commentsettings", username="editor"))
        response = client.get(path, follow=True)
        edit_url = response.redirect_chain[-1][0] if response.redirect_chain else path
        soup = BeautifulSoup(response.content, "html.parser")
        form = soup.select_one("form[method=post]")
        assert form.find("input", attrs={"name": "flood_seconds"})["value"] == "15"
        types = form.select("input[name=enabled_page_types]")
        assert {t["value"] for t in types if t.has_attr("checked")} == {"pages.articlepage"}
        data = {
            tag["name"]: tag.get("value", "")
            for tag in form.select("input")
            if tag.get("name") and tag.get("type") != "checkbox"
        }
        for select in form.select("select"):
            chosen = select.select_one("option[selected]") or select.select_one("option")
            data[select["name"]] = chosen["value"]
        data.update(
            enabled_page_types=["pages.articlepage", "pages.standardpage"],
            thread_depth="3",
            moderation_words="casino",
            disallowed_words="",
        )
        client.post(edit_url, data)
        saved = CommentSettings.load()
        assert saved.thread_depth == 3
        assert saved.moderation_words == "casino"
        assert saved.enabled_page_types == ["pages.articlepage", "pages.standardpage"]


class PersonalDataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = article_site()
        cls.comment = CommentFactory(
            page=cls.article, author_email="Ana@Example.org", text="My words", notify=True
        )
        CommentFactory(page=cls.article, author_email="someone@example.org")

    def test_export_downloads_every_comment_of_the_address_as_json(self):
        client = csrf_client(staff("view_comment", "change_comment"))
        path = "/admin/comments/personal-data/"
        token = csrf_token(client, path)
        response = client.post(
            path, {"csrfmiddlewaretoken": token, "email": "ana@example.org", "export": ""}
        )
        assert response["Content-Disposition"] == (
            'attachment; filename="comments-personal-data.json"'
        )
        data = json.loads(response.content)
        (comment,) = data["comments"]
        assert comment["text"] == "My words"
        assert comment["ip_address"] == "203.0.113.7"
        assert comment["page"] == "On sleep"
        assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
        event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
        assert event.detail == "one commenter's personal data, 1 comment(s)"
        assert "ana@example.org" not in event.detail.lower()

    def test_erasure_anonymises_and_keeps_or_removes_the_text(self):
        client = csrf_client(staff("view_comment", "change_comment", "delete_comment"))
        path = "/admin/comments/personal-data/"
        token = csrf_token(client, path)
        client.post(path, {"csrfmiddlewaretoken": token, "email": "ana@example.org", "erase": "1"})
        self.comment.refresh_from_db()
        assert self.comment.author_name == "Anonymous"
        assert (self.comment.author_email, self.comment.author_url) == ("", "")
        assert (self.comment.ip_address, self.comment.user_agent) == (None, "")
        assert self.comment.text == "My words"
        assert Comment.objects.filter(author_email="someone@example.org").count() == 1
        assert mail.outbox == []
        event = AuditEvent.objects.get(action=AuditEvent.Action.DELETE)
        assert event.detail == "erased one commenter's personal data from 1 comment(s)"

    def test_erasure_needs_the_delete_permission(self):
        client = csrf_client(staff("view_comment", "change_comment"))
        path = "/admin/comments/personal-data/"
        token = csrf_token(client, path)
        response = client.post(
            path, {"csrfmiddlewaretoken": token, "email": "ana@example.org", "erase": "1"}
        )
        assert_refused(response)
        self.comment.refresh_from_db()
        assert self.comment.author_email == "Ana@Example.org"
