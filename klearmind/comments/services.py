"""Comment workflows: posting, moderating, replying as the clinic, personal data."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.models import Page

from klearmind.accounts.roles import holders_of
from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record
from klearmind.clinic.models import ClinicSettings
from klearmind.outbox.models import OutgoingMessage
from klearmind.outbox.services import enqueue

from . import crisis, rules, spam
from .caching import forget_pages_after_commit, invalidate
from .emails import ABOUT, outbox_kind
from .models import (
    HOLDS_NETWORK_DATA,
    Comment,
    CommentSettings,
    CommentStatus,
    CommentStatusChange,
    ModerationMode,
    NotificationKind,
)

ERASED_NAME = "Anonymous"
REMOVED_TEXT = "This comment was removed at the writer's request."


class CommentRefused(Exception):
    """A submission the site will not store, with the HTTP status and message to show."""

    def __init__(self, message: str, *, code: str, status: int):
        super().__init__(message)
        self.message, self.code, self.status = message, code, status


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str = ""


def post_comment(
    *,
    page,
    submission: rules.Submission,
    parent: Comment | None = None,
    notify: bool = False,
    user=None,
) -> Comment:
    """Store a comment after WordPress's checks, in its order; raise CommentRefused for a
    closed page, a duplicate (409) or a flood (429). Spam is stored too, with its reason."""
    comment_settings = CommentSettings.load()
    is_staff = can_moderate(user)
    with transaction.atomic():
        # One writer at a time per page, so two copies of one form sent at once (a double
        # click) cannot both pass the duplicate check.
        Page.objects.select_for_update().filter(pk=page.pk).values_list("pk").first()
        if not comment_settings.is_open_for(page):
            raise CommentRefused("Comments are closed on this page.", code="closed", status=403)
        refuse_duplicate(page=page, submission=submission)
        if not is_staff:
            refuse_flood(submission=submission, seconds=comment_settings.flood_seconds)
        verdict = judge(submission, comment_settings, is_staff=is_staff)
        comment = Comment.objects.create(
            page=page,
            parent=parent,
            depth=parent.depth + 1 if parent else 1,
            thread_root_id=parent.thread_root_id if parent else None,
            status=verdict.status,
            status_reason=verdict.reason,
            urgent=crisis.mentions_crisis(submission.text),
            author_name=submission.author_name,
            author_email=submission.author_email,
            author_url=submission.author_url,
            text=submission.text,
            ip_address=submission.ip_address,
            user_agent=submission.user_agent[:255],
            notify=notify,
            user=user if is_staff else None,
        )
        start_thread(comment)
        CommentStatusChange.objects.create(comment=comment, to_status=comment.status)
        queue_notifications_for_new(comment)
    return comment


def start_thread(comment: Comment) -> None:
    if comment.thread_root_id is None:
        comment.thread_root = comment
        comment.save(update_fields=["thread_root"])


def refuse_duplicate(*, page, submission: rules.Submission) -> None:
    same_author = Q(author_email__iexact=submission.author_email) | Q(
        author_name=submission.author_name
    )
    duplicate = (
        Comment.objects.on(page)
        .filter(same_author, text=submission.text)
        .exclude(status=CommentStatus.TRASH)
    )
    if duplicate.exists():
        raise CommentRefused(
            "You already said that: this comment is already on this page.",
            code="duplicate",
            status=409,
        )


def refuse_flood(*, submission: rules.Submission, seconds: int) -> None:
    if not seconds:
        return
    since = timezone.now() - datetime.timedelta(seconds=seconds)
    same_sender = Q(author_email__iexact=submission.author_email)
    if submission.ip_address:
        same_sender |= Q(ip_address=submission.ip_address)
    if Comment.objects.filter(same_sender, submitted_at__gte=since).exists():
        raise CommentRefused(
            "You are posting too quickly. Please wait a few seconds and send it again.",
            code="flood",
            status=429,
        )


def judge(submission: rules.Submission, comment_settings, *, is_staff: bool) -> Verdict:
    """Spam, trash, held or approved, with the reason a moderator will see."""
    if reason := spam.spam_reason(submission, comment_settings):
        return Verdict(CommentStatus.SPAM, reason)
    if word := rules.matching_word(submission, comment_settings.word_list("disallowed_words")):
        return Verdict(CommentStatus.TRASH, f"Contains the disallowed word “{word}”.")
    if is_staff:
        return Verdict(CommentStatus.APPROVED)
    links = rules.count_links(submission.text)
    if links >= comment_settings.link_limit:
        return Verdict(CommentStatus.PENDING, f"Has {links} links.")
    if word := rules.matching_word(submission, comment_settings.word_list("moderation_words")):
        return Verdict(CommentStatus.PENDING, f"Contains the moderation word “{word}”.")
    if comment_settings.moderation_mode == ModerationMode.KNOWN_AUTHORS and has_approved_before(
        submission
    ):
        return Verdict(CommentStatus.APPROVED, "The author has an earlier approved comment.")
    return Verdict(CommentStatus.PENDING)


def has_approved_before(submission: rules.Submission) -> bool:
    return (
        Comment.objects.approved()
        .by_email(submission.author_email)
        .filter(author_name=submission.author_name)
        .exists()
    )


def can_moderate(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("comments.moderate_comment"))


def moderators():
    """Active users who may moderate comments (directly, through a group, or as superusers)
    and have an e-mail address."""
    return holders_of("comments.moderate_comment").exclude(email="")


# Notifications: a row per e-mail in the same transaction as the change; the e-mail itself
# goes out from a background task once the transaction has committed.


def queue_notifications_for_new(comment: Comment) -> None:
    if comment.urgent and comment.status != CommentStatus.SPAM:
        notify_moderators(comment, NotificationKind.URGENT)
    elif comment.status == CommentStatus.PENDING:
        notify_moderators(comment, NotificationKind.HELD)
    elif comment.status == CommentStatus.APPROVED:
        queue_notifications_for_approved(comment)


def notify_moderators(comment: Comment, kind: str) -> None:
    for email in moderators().values_list("email", flat=True):
        queue_notification(comment, kind, email)


def queue_notifications_for_approved(comment: Comment) -> None:
    if comment.notify and comment.author_email:
        queue_notification(comment, NotificationKind.APPROVED, comment.author_email)
    parent = comment.parent
    if (
        parent is not None
        and parent.notify
        and parent.author_email
        and parent.author_email.lower() != comment.author_email.lower()
    ):
        queue_notification(comment, NotificationKind.REPLY, parent.author_email)


def queue_notification(comment: Comment, kind: str, recipient: str) -> None:
    enqueue(kind=outbox_kind(kind), recipient=recipient, about=comment, once=True)


# Moderation.

MODERATION_ACTIONS = {
    "approve": "approve",
    "unapprove": "unapprove",
    "spam": "mark_spam",
    "not_spam": "mark_not_spam",
    "trash": "trash",
    "restore": "restore",
}


def moderate_comments(*, comments, action: str, by) -> tuple[int, int]:
    """Apply one moderation action to each comment that allows it; return (done, skipped)."""
    done = skipped = 0
    with transaction.atomic():
        if action == "delete":
            done = len([comment.delete() for comment in comments])
            return done, 0
        for comment in comments:
            try:
                getattr(comment, MODERATION_ACTIONS[action])(by=by)
            except ValidationError:
                skipped += 1
                continue
            done += 1
            if comment.status == CommentStatus.APPROVED:
                queue_notifications_for_approved(comment)
    return done, skipped


def send_crisis_resources(*, comment: Comment, by, request=None) -> Comment:
    """E-mail the writer, privately and once, the standard message with 988 and 911, and mark
    the comment urgent so that it stands on the clinicians' Needs attention list (care reads
    `Comment.urgent`; comments never reach into care)."""
    if not comment.author_email:
        raise ValidationError(
            "This comment has no e-mail address to send crisis resources to.", code="no_email"
        )
    with transaction.atomic():
        if not comment.urgent:
            comment.urgent = True
            comment.save(update_fields=["urgent"])
        queue_notification(comment, NotificationKind.CRISIS_RESOURCES, comment.author_email)
        record(
            action=AuditEvent.Action.CREATE,
            request=request,
            actor=by,
            target=comment,
            detail="crisis resources e-mailed privately to the writer",
        )
    return comment


def reply_as_clinic(*, parent: Comment, text: str, by) -> Comment:
    """Reply publicly as the clinic: approved at once and marked as the clinic's."""
    attach_to = reply_anchor(parent, CommentSettings.load().thread_depth)
    with transaction.atomic():
        comment = Comment.objects.create(
            page_id=parent.page_id,
            parent=attach_to,
            thread_root_id=attach_to.thread_root_id,
            depth=attach_to.depth + 1,
            status=CommentStatus.APPROVED,
            author_name=ClinicSettings.load().clinic_name,
            text=text,
            user=by,
            is_clinic_reply=True,
        )
        CommentStatusChange.objects.create(
            comment=comment, changed_by=by, to_status=CommentStatus.APPROVED
        )
        queue_notifications_for_approved(comment)
    return comment


def reply_anchor(parent: Comment, thread_depth: int) -> Comment:
    """The comment a reply hangs from: the one replied to, or its nearest ancestor with room
    for one more level when the thread is already as deep as the settings allow."""
    while parent.depth >= thread_depth and parent.parent_id:
        parent = parent.parent
    return parent


# Privacy.


def erase_network_data(*, now: datetime.datetime | None = None) -> int:
    """Erase IP addresses and browser names older than the retention setting; return how many
    comments were changed."""
    days = CommentSettings.load().ip_retention_days
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    return (
        Comment.objects.filter(submitted_at__lt=cutoff)
        .filter(HOLDS_NETWORK_DATA)
        .update(ip_address=None, user_agent="")
    )


def export_personal_data(*, email: str) -> dict:
    """Everything stored about the writer of this e-mail address, as plain JSON data."""
    comments = Comment.objects.by_email(email).select_related("page").order_by("submitted_at")
    return {
        "email": email,
        "exported_at": timezone.now().isoformat(),
        "comments": [
            {
                "id": comment.pk,
                "page": comment.page.title,
                "page_url": comment.page.url,
                "submitted_at": comment.submitted_at.isoformat(),
                "status": comment.status,
                "author_name": comment.author_name,
                "author_email": comment.author_email,
                "author_url": comment.author_url,
                "text": comment.text,
                "ip_address": comment.ip_address,
                "user_agent": comment.user_agent,
                "notify": comment.notify,
                "in_reply_to": comment.parent_id,
            }
            for comment in comments
        ],
    }


def erase_personal_data(*, email: str, remove_text: bool, by=None, request=None) -> int:
    """Anonymise every comment of this e-mail address (and remove its text if asked), audited
    in the same transaction; return how many comments were changed."""
    email = email.strip()
    with transaction.atomic():
        OutgoingMessage.objects.to(email).filter(about_type=ABOUT).delete()
        comments = Comment.objects.by_email(email)
        forget_pages_after_commit(comments.values_list("page_id", flat=True))
        fields = {
            "author_name": ERASED_NAME,
            "author_email": "",
            "author_url": "",
            "ip_address": None,
            "user_agent": "",
            "notify": False,
        }
        if remove_text:
            fields["text"] = REMOVED_TEXT
        changed = comments.update(**fields)
        record(
            action=AuditEvent.Action.DELETE,
            request=request,
            actor=by,
            target_type="comments.comment",
            detail=f"erased one commenter's personal data from {changed} comment(s)",
        )
        transaction.on_commit(invalidate)  # update() sends no signal for the cache purge
    return changed
