"""E-mail about comments, sent by the outbox. The builders turn the comment's id into the
message when it is sent: a link, never the comment's text (a writer may have shared health
details despite the notice), and the unsubscribe link signed then, stored nowhere."""

from django.conf import settings
from django.urls import reverse
from wagtail.admin.utils import get_admin_base_url

from klearmind.outbox.models import OutgoingMessage
from klearmind.outbox.registry import Built, register_kind

from .models import Comment, NotificationKind

ABOUT = "comments.comment"
# The standard message a moderator sends privately to the writer of a comment in crisis. It
# says nothing about the comment's content, and never whether the writer is known to the
# clinic: a reply must never confirm that someone is a patient (CLINICAL.md).
CRISIS_RESOURCES_SUBJECT = "Support is available, any time"
SUBJECTS = {
    NotificationKind.HELD: "A comment is waiting for moderation",
    NotificationKind.URGENT: "URGENT: a comment may come from someone in crisis",
    NotificationKind.APPROVED: "Your comment is now published",
    NotificationKind.REPLY: "Someone replied to your comment",
    NotificationKind.CRISIS_RESOURCES: CRISIS_RESOURCES_SUBJECT,
}


def outbox_kind(kind: str) -> str:
    return f"comments.{kind}"


def comment_of(message: OutgoingMessage) -> Comment | None:
    return Comment.objects.select_related("page", "parent").filter(pk=message.about_id).first()


def moderation_message(message: OutgoingMessage) -> Built | None:
    comment = comment_of(message)
    if comment is None:
        return None
    kind = message.kind.removeprefix("comments.")
    link = get_admin_base_url() + reverse("comments_admin:detail", args=[comment.pk])
    context = {"title": comment.page.title, "link": link, "urgent": kind == "urgent"}
    return Built(subject=SUBJECTS[kind], context=context)


def crisis_resources_message(message: OutgoingMessage) -> Built | None:
    if comment_of(message) is None:
        return None
    return Built(subject=CRISIS_RESOURCES_SUBJECT, context={})


def author_message(message: OutgoingMessage) -> Built | None:
    comment = comment_of(message)
    if comment is None:
        return None
    kind = message.kind.removeprefix("comments.")
    # The recipient's own comment: the reply's parent for a reply, signed as the e-mail is built.
    own = comment.parent if kind == NotificationKind.REPLY else comment
    unsubscribe = get_admin_base_url() + reverse(
        "comments:unsubscribe", args=[own.unsubscribe_token]
    )
    context = {
        "title": comment.page.title,
        "reply": kind == NotificationKind.REPLY,
        "page_link": f"{page_url(comment)}#comment-{comment.pk}",
        "unsubscribe": unsubscribe,
    }
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return Built(subject=SUBJECTS[kind], context=context, headers=headers)


def page_url(comment) -> str:
    url = comment.page.full_url or comment.page.url or "/"
    return url if url.startswith("http") else settings.WAGTAILADMIN_BASE_URL + url


def register() -> None:
    for kind in (NotificationKind.HELD, NotificationKind.URGENT):
        register_kind(
            outbox_kind(kind), template="comments/email/moderation", build=moderation_message
        )
    for kind in (NotificationKind.APPROVED, NotificationKind.REPLY):
        register_kind(outbox_kind(kind), template="comments/email/author", build=author_message)
    register_kind(
        outbox_kind(NotificationKind.CRISIS_RESOURCES),
        template="comments/email/crisis_resources",
        build=crisis_resources_message,
    )
