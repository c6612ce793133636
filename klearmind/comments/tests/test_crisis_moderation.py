"""Crisis language in the moderation queue: urgent comments first with a badge that says so,
a confirmation step before approving one, and crisis resources sent privately to the writer
(CLINICAL.md, suicide risk and privacy)."""

from bs4 import BeautifulSoup
from django.core import mail
from django.template.loader import render_to_string
from django.test import TestCase

from klearmind.audit.models import AuditEvent
from klearmind.comments.models import Comment, CommentStatus
from klearmind.outbox.models import OutgoingMessage

from .factories import CommentFactory, article_site
from .test_admin_views import QUEUE, csrf_client, csrf_token, staff

CRISIS_TEXT = "Some days I want to die and nobody would notice."


class CrisisModerationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = article_site()
        cls.urgent = CommentFactory(
            page=cls.article,
            status=CommentStatus.PENDING,
            urgent=True,
            text=CRISIS_TEXT,
            author_email="writer@example.org",
        )
        cls.later = CommentFactory(page=cls.article, status=CommentStatus.PENDING, text="Later")
        cls.moderator = staff("view_comment", "moderate_comment")

    def test_urgent_comments_come_first_with_a_badge_in_words(self):
        client = csrf_client(self.moderator)
        soup = BeautifulSoup(client.get(QUEUE).content, "html.parser")
        rows = soup.select("table.listing tbody tr")
        assert "comments-admin__urgent-row" in rows[0]["class"]
        badge = rows[0].select_one(".comments-admin__urgent-badge")
        assert badge.get_text() == "Urgent: crisis language"
        assert rows[1].select_one(".comments-admin__urgent-badge") is None

    def bulk(self, client, **data):
        token = csrf_token(client, QUEUE)
        payload = {"csrfmiddlewaretoken": token, "action": "approve", "next": QUEUE, **data}
        return client.post("/admin/comments/bulk/", payload)

    def test_approving_an_urgent_comment_asks_first_and_approves_nothing_yet(self):
        client = csrf_client(self.moderator)
        response = self.bulk(client, ids=[self.urgent.pk, self.later.pk])
        assert response.status_code == 200
        page = response.content.decode()
        assert "Approve an urgent comment?" in page
        assert "Yes, approve and publish" in page and 'name="confirmed" value="1"' in page
        assert set(Comment.objects.values_list("status", flat=True)) == {CommentStatus.PENDING}
        confirmed = self.bulk(client, ids=[self.urgent.pk, self.later.pk], confirmed="1")
        assert confirmed.status_code == 302
        assert set(Comment.objects.values_list("status", flat=True)) == {CommentStatus.APPROVED}

    def test_approving_only_ordinary_comments_needs_no_confirmation(self):
        client = csrf_client(self.moderator)
        assert self.bulk(client, ids=[self.later.pk]).status_code == 302
        self.later.refresh_from_db()
        assert self.later.status == CommentStatus.APPROVED

    def test_crisis_resources_go_privately_to_the_writer_once_without_confirming_anything(self):
        client = csrf_client(self.moderator)
        detail = f"/admin/comments/{self.urgent.pk}/"
        token = csrf_token(client, detail)
        url = f"{detail}crisis-resources/"
        with self.captureOnCommitCallbacks(execute=True):
            page = client.post(url, {"csrfmiddlewaretoken": token}, follow=True)
            client.post(url, {"csrfmiddlewaretoken": token})
        assert "Crisis resources are on their way" in page.content.decode()
        assert [m.to for m in mail.outbox] == [["writer@example.org"]]
        body = mail.outbox[0].body
        assert body == render_to_string("comments/email/crisis_resources.txt")
        assert "988" in body and "911" in body
        assert CRISIS_TEXT not in body and "patient" not in body.lower()
        assert "Crisis resources were e-mailed privately" in client.get(detail).content.decode()
        assert AuditEvent.objects.filter(
            target_id=str(self.urgent.pk), detail__startswith="crisis resources"
        ).exists()

    def test_sending_crisis_resources_puts_any_comment_on_the_urgent_list(self):
        client = csrf_client(self.moderator)
        detail = f"/admin/comments/{self.later.pk}/"
        self.later.author_email = "later@example.org"
        self.later.save()
        client.post(
            f"{detail}crisis-resources/", {"csrfmiddlewaretoken": csrf_token(client, detail)}
        )
        self.later.refresh_from_db()
        assert self.later.urgent
        assert OutgoingMessage.objects.filter(kind="comments.crisis").count() == 1

    def test_a_comment_without_an_address_cannot_be_sent_resources(self):
        client = csrf_client(self.moderator)
        Comment.objects.filter(pk=self.urgent.pk).update(author_email="")
        detail = f"/admin/comments/{self.urgent.pk}/"
        assert "cannot be sent privately" in client.get(detail).content.decode()
        token = csrf_token(client, detail)
        page = client.post(
            f"{detail}crisis-resources/", {"csrfmiddlewaretoken": token}, follow=True
        )
        assert "no e-mail address" in page.content.decode()
        assert not OutgoingMessage.objects.exists()

    def test_only_moderators_send_crisis_resources(self):
        viewer = staff("view_comment", username="viewer")
        client = csrf_client(viewer)
        detail = f"/admin/comments/{self.urgent.pk}/"
        response = client.post(
            f"{detail}crisis-resources/", {"csrfmiddlewaretoken": csrf_token(client, QUEUE)}
        )
        assert response.status_code in (302, 403)
        assert not OutgoingMessage.objects.exists()
