"""E-mail about comments, sent from the outbox by the task worker and retried on failure."""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task
from wagtail.admin.utils import get_admin_base_url

from .models import NOTIFICATION_MAX_ATTEMPTS, Notification, NotificationKind

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = NOTIFICATION_MAX_ATTEMPTS
FIRST_RETRY_SECONDS = 60


def retry_delay(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8 ... minutes: a mail server that is down for hours is still caught up."""
    return datetime.timedelta(seconds=FIRST_RETRY_SECONDS * 2 ** (attempts - 1))


@task()
def send_notification(*, notification_id: int) -> str:
    """Send one outbox e-mail unless it was sent already; on failure, try again later."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("comment__page")
            .filter(pk=notification_id, sent_at__isnull=True)
            .first()
        )
        if notification is None:
            return "already sent or gone"
        try:
            build_message(notification).send()
        except Exception as error:  # noqa: BLE001 - any SMTP or network failure is retried
            return schedule_retry(notification, error)
        notification.sent_at = timezone.now()
        notification.save(update_fields=["sent_at"])
    return "sent"


def schedule_retry(notification: Notification, error: Exception) -> str:
    notification.attempts += 1
    notification.last_error = f"{type(error).__name__}: {error}"[:300]
    notification.save(update_fields=["attempts", "last_error"])
    if notification.attempts >= MAX_ATTEMPTS:
        logger.error("Gave up on comment e-mail %s: %s", notification.pk, notification.last_error)
        return "gave up"
    if send_notification.get_backend().supports_defer:
        run_after = timezone.now() + retry_delay(notification.attempts)
        transaction.on_commit(
            lambda: send_notification.using(run_after=run_after).enqueue(
                notification_id=notification.pk
            )
        )
    return "will retry"


def build_message(notification: Notification) -> EmailMessage:
    comment = notification.comment
    page = comment.page
    if notification.kind in (NotificationKind.HELD, NotificationKind.URGENT):
        link = get_admin_base_url() + reverse("comments_admin:detail", args=[comment.pk])
        subject = (
            "URGENT: a comment may come from someone in crisis"
            if notification.kind == NotificationKind.URGENT
            else "A comment is waiting for moderation"
        )
        # A link, never the text: a writer may have shared health details despite the notice.
        body = (
            f"A comment on “{page.title}” is waiting for moderation.\n\n"
            f"Sign in to read it:\n{link}\n"
        )
        if notification.kind == NotificationKind.URGENT:
            body = (
                "A new comment contains language about suicide or self-harm. Please read it "
                "now and follow the clinic's crisis procedure.\n\n" + body
            )
        return EmailMessage(subject, body, to=[notification.recipient])
    if notification.kind == NotificationKind.CRISIS_RESOURCES:
        return crisis_resources_message(notification)
    return author_message(notification)


# The standard message a moderator sends privately to the writer of a comment in crisis. It
# says nothing about the comment's content, and never whether the writer is known to the
# clinic: a reply must never confirm that someone is a patient (CLINICAL.md).
CRISIS_RESOURCES_SUBJECT = "Support is available, any time"
CRISIS_RESOURCES_BODY = (
    "Hello,\n\n"
    "You recently left a comment on our website. We read every comment, and we wanted to make "
    "sure you know where to find support right now if you need it.\n\n"
    "If you are thinking about suicide or harming yourself, or are worried about someone "
    "else, call or text 988 (the 988 Suicide & Crisis Lifeline) or chat at 988lifeline.org. "
    "It is free, confidential and open 24 hours a day.\n\n"
    "If you or someone else is in immediate danger, call 911 or go to the nearest emergency "
    "room.\n\n"
    "We cannot give medical advice by e-mail or in comments. This message was sent to you "
    "alone; nothing about it is published.\n"
)


def crisis_resources_message(notification: Notification) -> EmailMessage:
    return EmailMessage(
        CRISIS_RESOURCES_SUBJECT, CRISIS_RESOURCES_BODY, to=[notification.recipient]
    )


def author_message(notification: Notification) -> EmailMessage:
    comment = notification.comment
    page_link = f"{page_url(comment)}#comment-{comment.pk}"
    unsubscribe = get_admin_base_url() + reverse(
        "comments:unsubscribe", args=[token_for(notification)]
    )
    if notification.kind == NotificationKind.APPROVED:
        subject = "Your comment is now published"
        body = f"Thank you for your comment on “{comment.page.title}”. It is now public:\n"
    else:
        subject = "Someone replied to your comment"
        body = f"There is a new reply to your comment on “{comment.page.title}”:\n"
    body += f"{page_link}\n\nTo stop these e-mails, open this link:\n{unsubscribe}\n"
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return EmailMessage(subject, body, to=[notification.recipient], headers=headers)


def token_for(notification: Notification) -> str:
    """The unsubscribe token of the recipient's own comment, signed as the e-mail is built:
    it is stored nowhere, outbox included."""
    comment = notification.comment
    if notification.kind == NotificationKind.REPLY:
        comment = comment.parent
    return comment.unsubscribe_token


def page_url(comment) -> str:
    url = comment.page.full_url or comment.page.url or "/"
    return url if url.startswith("http") else settings.WAGTAILADMIN_BASE_URL + url


@task()
def erase_network_data_task() -> int:
    """Erase the IP addresses and browsers past their keeping time; the scheduler runs it
    daily. Returns how many comments changed."""
    from .services import erase_network_data

    return erase_network_data()
