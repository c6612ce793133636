"""E-mail about comments goes out through the outbox, once, and is retried with a growing
delay when the mail server is down; the comment itself is never lost or duplicated because of
e-mail trouble."""

import smtplib
from unittest import mock

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import TestCase, override_settings

from klearmind.comments import services
from klearmind.comments.models import Comment
from klearmind.outbox.models import MAX_ATTEMPTS, OutgoingMessage, Status
from klearmind.outbox.tasks import deliver

from .factories import article_site
from .test_services import moderator, submission

FAILING_SMTP = "klearmind.comments.tests.test_tasks.FailingBackend"


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"mod@example.org": (550, b"no such user")})


class OutboxTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = article_site()
        moderator()

    @override_settings(EMAIL_BACKEND=FAILING_SMTP)
    def test_a_failing_mail_server_keeps_the_comment_and_the_unsent_message(self):
        with self.captureOnCommitCallbacks(execute=True):
            comment = services.post_comment(page=self.article, submission=submission())
        assert Comment.objects.get() == comment
        message = OutgoingMessage.objects.get()
        assert (message.kind, message.about_id) == ("comments.held", comment.pk)
        assert (message.status, message.attempts) == (Status.QUEUED, 1)
        # The class name alone: the error's text names the refused address.
        assert message.error_type == "SMTPRecipientsRefused"

    @override_settings(EMAIL_BACKEND=FAILING_SMTP)
    def test_it_gives_up_after_8_attempts(self):
        with self.captureOnCommitCallbacks(execute=True):
            services.post_comment(page=self.article, submission=submission())
        message = OutgoingMessage.objects.get()
        OutgoingMessage.objects.filter(pk=message.pk).update(attempts=MAX_ATTEMPTS - 1)
        assert deliver.call(message_id=message.pk) == "gave up"

    def test_once_the_server_is_back_the_e_mail_goes_out_exactly_once(self):
        with (
            override_settings(EMAIL_BACKEND=FAILING_SMTP),
            self.captureOnCommitCallbacks(execute=True),
        ):
            services.post_comment(page=self.article, submission=submission())
        message = OutgoingMessage.objects.get()
        assert deliver.call(message_id=message.pk) == "sent"
        assert deliver.call(message_id=message.pk) == "already sent or gone"
        assert len(mail.outbox) == 1
        assert mail.outbox[0].subject == "A comment is waiting for moderation"
        assert "Sign in to read it:\nhttp://testserver/admin/comments/" in mail.outbox[0].body

    def test_an_e_mail_error_never_rolls_back_the_comment(self):
        failing = mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("down"))
        with failing, self.captureOnCommitCallbacks(execute=True):
            services.post_comment(page=self.article, submission=submission())
        assert Comment.objects.count() == 1
        assert OutgoingMessage.objects.get().error_type == "OSError"
