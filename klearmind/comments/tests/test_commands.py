"""The management commands: the recurring erasure of network data, and personal data."""

import datetime
import io
import json

import time_machine
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from klearmind.comments.models import Comment, CommentSettings
from klearmind.comments.tasks import erase_network_data_task
from klearmind.outbox.models import OutgoingMessage
from klearmind.outbox.services import enqueue

from .factories import CommentFactory, article_site


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


class NetworkDataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = article_site()

    def test_ip_and_browser_are_erased_after_60_days_and_not_before(self):
        now = timezone.now()
        old = CommentFactory(page=self.article, submitted_at=now - datetime.timedelta(days=61))
        recent = CommentFactory(page=self.article, submitted_at=now - datetime.timedelta(days=59))
        with time_machine.travel(now, tick=False):
            assert "of 1 comment(s)" in run("erase_comment_network_data")
        old.refresh_from_db()
        recent.refresh_from_db()
        assert (old.ip_address, old.user_agent) == (None, "")
        assert (recent.ip_address, recent.user_agent) == ("203.0.113.7", "Mozilla/5.0 (test)")
        assert old.text and old.author_email  # nothing else is touched
        assert "of 0 comment(s)" in run("erase_comment_network_data")

    def test_the_scheduled_task_erases_and_says_how_many(self):
        CommentFactory(page=self.article, submitted_at=timezone.now() - datetime.timedelta(days=61))
        assert erase_network_data_task.call() == 1
        assert erase_network_data_task.call() == 0

    def test_the_retention_period_is_a_setting(self):
        comment_settings = CommentSettings.load()
        comment_settings.ip_retention_days = 7
        comment_settings.save()
        comment = CommentFactory(
            page=self.article, submitted_at=timezone.now() - datetime.timedelta(days=8)
        )
        run("erase_comment_network_data")
        comment.refresh_from_db()
        assert comment.ip_address is None


class PersonalDataCommandTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = article_site()

    def test_export_prints_json_of_every_comment_of_the_address(self):
        CommentFactory(page=self.article, author_email="ana@example.org", text="Hello 🌿 שלום")
        CommentFactory(page=self.article, author_email="other@example.org")
        data = json.loads(run("export_comment_data", "ANA@example.org"))
        assert [c["text"] for c in data["comments"]] == ["Hello 🌿 שלום"]
        assert data["comments"][0]["author_email"] == "ana@example.org"

    def test_erase_keeps_the_text_unless_asked_and_drops_pending_e_mail(self):
        keep = CommentFactory(page=self.article, author_email="ana@example.org", text="Kept")
        enqueue(kind="comments.approved", recipient="ana@example.org", about=keep, once=True)
        run("erase_comment_data", "ana@example.org")
        keep.refresh_from_db()
        assert (keep.author_name, keep.author_email, keep.text) == ("Anonymous", "", "Kept")
        assert OutgoingMessage.objects.count() == 0
        gone = CommentFactory(page=self.article, author_email="bo@example.org", text="Secret")
        run("erase_comment_data", "bo@example.org", "--remove-text")
        gone.refresh_from_db()
        assert "Secret" not in gone.text
        assert gone.text == "This comment was removed at the writer's request."
        assert Comment.objects.count() == 2
