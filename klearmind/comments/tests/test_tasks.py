"""E-mail goes out from an outbox row, once, and is retried with a growing delay when the mail
server is down; the comment itself is never lost or duplicated because of e-mail trouble."""

import datetime
import smtplib
from unittest import mock

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import TestCase, override_settings
from django.utils import timezone
from django_tasks import default_task_backend

from klearmind.comments import services
from klearmind.comments.models import Comment, Notification
from klearmind.comments.tasks import MAX_ATTEMPTS, retry_delay, send_notification

from .factories import article_site
from .test_services import moderator, submission

FAILING_SMTP = "klearmind.comments.tests.test_tasks.FailingBackend"


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class OutboxTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = article_site()
        moderator()

    @override_settings(EMAIL_BACKEND=FAILING_SMTP)
    def test_a_failing_mail_server_keeps_the_comment_and_the_unsent_notification(self):
        with self.captureOnCommitCallbacks(execute=True):
            comment = services.post_comment(page=self.article, submission=submission())
        assert Comment.objects.get() == comment
        notification = Notification.objects.get()
        assert notification.sent_at is None
        assert notification.attempts == 1
        assert "SMTPServerDisconnected" in notification.last_error

    @override_settings(
        EMAIL_BACKEND=FAILING_SMTP,
        TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}},
    )
    def test_a_failed_send_is_enqueued_again_later_with_a_growing_delay(self):
        with self.captureOnCommitCallbacks(execute=True):
            services.post_comment(page=self.article, submission=submission())
        notification = Notification.objects.get()
        backend = default_task_backend
        backend.clear()
        before = timezone.now()
        with self.captureOnCommitCallbacks(execute=True):
            send_notification.call(notification_id=notification.pk)
        (retry,) = backend.results
        assert retry.kwargs == {"notification_id": notification.pk}
        assert retry.task.run_after >= before + datetime.timedelta(seconds=60)
        assert retry_delay(1) == datetime.timedelta(minutes=1)
        assert retry_delay(4) == datetime.timedelta(minutes=8)

    @override_settings(EMAIL_BACKEND=FAILING_SMTP)
    def test_it_gives_up_after_8_attempts(self):
        with self.captureOnCommitCallbacks(execute=True):
            services.post_comment(page=self.article, submission=submission())
        notification = Notification.objects.get()
        Notification.objects.filter(pk=notification.pk).update(attempts=MAX_ATTEMPTS - 1)
        assert send_notification.call(notification_id=notification.pk) == "gave up"

    def test_once_the_server_is_back_the_e_mail_goes_out_exactly_once(self):
        with (
            override_settings(EMAIL_BACKEND=FAILING_SMTP),
            self.captureOnCommitCallbacks(execute=True),
        ):
            services.post_comment(page=self.article, submission=submission())
        notification = Notification.objects.get()
        assert send_notification.call(notification_id=notification.pk) == "sent"
        assert send_notification.call(notification_id=notification.pk) == "already sent or gone"
        assert len(mail.outbox) == 1
        notification.refresh_from_db()
        assert notification.sent_at is not None

    def test_an_e_mail_error_never_rolls_back_the_comment(self):
        failing = mock.patch("klearmind.comments.tasks.build_message", side_effect=OSError("down"))
        with failing, self.captureOnCommitCallbacks(execute=True):
            services.post_comment(page=self.article, submission=submission())
        assert Comment.objects.count() == 1
        assert Notification.objects.get().last_error == "OSError: down"
