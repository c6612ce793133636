"""Public comments on pages, their status history, the e-mail outbox and the discussion settings."""

import secrets

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import get_page_models

from klearmind.clinic.models import StatusChangeRecord
from klearmind.encryption.keys import keyed_hash

# The longest values WordPress accepts, which the issue keeps.
NAME_MAX_LENGTH = 245
EMAIL_MAX_LENGTH = 100
URL_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 65_525
USER_AGENT_MAX_LENGTH = 255


# An unsubscribe link is the comment's id signed with SECRET_KEY under this salt: every e-mail
# carries a working link and nothing is stored (docs/decisions/006).
UNSUBSCRIBE_SALT = "klearmind.comments.unsubscribe"
UNSUBSCRIBE_HASH_PURPOSE = "comment-unsubscribe"


def unsubscribe_hash(token: str) -> str:
    return keyed_hash(token, purpose=UNSUBSCRIBE_HASH_PURPOSE)


def new_token() -> str:
    """The random unsubscribe token comments once stored (migration 0001 names it)."""
    return secrets.token_urlsafe(32)


class CommentStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    SPAM = "spam", "Spam"
    TRASH = "trash", "Trash"


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=CommentStatus.APPROVED)

    def pending(self):
        return self.filter(status=CommentStatus.PENDING)

    def on(self, page):
        return self.filter(page=page)

    def top_level(self):
        return self.filter(parent__isnull=True)

    def in_threads(self, roots):
        """Every reply below the given top-level comments, in one query."""
        return self.filter(thread_root__in=roots).exclude(parent__isnull=True)

    def by_email(self, email: str):
        return self.filter(author_email__iexact=email.strip())

    def by_unsubscribe_token(self, token: str):
        """The comment an unsubscribe link was made for, or None: a signed link, or one sent
        before links were signed, found by its keyed hash."""
        try:
            pk = int(signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token))
        except (signing.BadSignature, ValueError):
            return self.filter(unsubscribe_hash=unsubscribe_hash(token)).first()
        return self.filter(pk=pk).first()

    def unsubscribe(self) -> int:
        """No more reply or approval e-mails for these comments; returns how many changed."""
        return self.update(notify=False)

    def search(self, query: str):
        return self.filter(
            models.Q(text__icontains=query)
            | models.Q(author_name__icontains=query)
            | models.Q(author_email__icontains=query)
        )

    def status_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(CommentStatus.values, 0)
        for row in self.order_by().values("status").annotate(n=models.Count("pk")):
            counts[row["status"]] = row["n"]
        return counts


# A comment that still holds its writer's IP address or browser name (erased after the
# retention period): the erasure's filter and its partial index's condition, the same words
# so that the database sees the index applies.
HOLDS_NETWORK_DATA = models.Q(ip_address__isnull=False) | ~models.Q(user_agent="")


class Comment(models.Model):
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    # The top-level comment of the thread (itself for a top-level comment), so a page of
    # threads and all their replies load in two queries.
    thread_root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    depth = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        max_length=10, choices=CommentStatus.choices, default=CommentStatus.PENDING
    )
    status_reason = models.CharField(max_length=200, blank=True)
    urgent = models.BooleanField(default=False)
    author_name = models.CharField(max_length=NAME_MAX_LENGTH)
    author_email = models.EmailField(max_length=EMAIL_MAX_LENGTH, blank=True)
    author_url = models.URLField(max_length=URL_MAX_LENGTH, blank=True)
    text = models.TextField(max_length=TEXT_MAX_LENGTH)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=USER_AGENT_MAX_LENGTH, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now, db_index=True)
    notify = models.BooleanField(
        default=False, help_text="The writer asked for e-mail on approval and on replies."
    )
    # The keyed hash of a random unsubscribe token e-mailed before links were signed, so that
    # those e-mails' links keep working; empty for comments written since.
    unsubscribe_hash = models.CharField(
        max_length=64, null=True, blank=True, unique=True, editable=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    is_clinic_reply = models.BooleanField(default=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["submitted_at", "pk"]
        permissions = [("moderate_comment", "Can moderate comments")]
        indexes = [
            models.Index(fields=["page", "status", "parent"]),
            models.Index(fields=["thread_root", "status"]),
            models.Index(fields=["author_email"]),
            models.Index(fields=["ip_address", "submitted_at"]),
            # The moderation queue: its counts per status, and one status newest first
            # (urgent first) a page at a time (docs/decisions/036).
            models.Index(
                fields=["status", "urgent", "submitted_at", "id"], name="comment_status_queue"
            ),
            # Needs attention's crisis-language comments, read on every back-office page.
            models.Index(
                fields=["submitted_at"], condition=models.Q(urgent=True), name="comment_urgent"
            ),
            # The daily erasure of network data: only the rows still holding some, so the
            # sweep reads what is due, not every comment ever written.
            models.Index(
                fields=["submitted_at"],
                condition=HOLDS_NETWORK_DATA,
                name="comment_network_data",
            ),
        ]

    def __str__(self):
        return f"{self.author_name} on {self.submitted_at:%Y-%m-%d %H:%M}"

    @property
    def initials(self) -> str:
        letters = [word[0] for word in self.author_name.split() if word[:1].isalnum()]
        return ("".join(letters[:1] + letters[1:][-1:]) or "?").upper()

    @property
    def unsubscribe_token(self) -> str:
        """The secret of this comment's unsubscribe link, made anew for each e-mail."""
        return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(self.pk))

    @property
    def avatar_tone(self) -> int:
        """One of six background colors, stable for a name (no hash leaks anywhere)."""
        return sum(map(ord, self.author_name)) % 6

    # State changes. Each records who moved the comment, when, from and to.
    def approve(self, *, by=None):
        self._move(CommentStatus.APPROVED, by=by, allowed={CommentStatus.PENDING})

    def unapprove(self, *, by=None):
        self._move(CommentStatus.PENDING, by=by, allowed={CommentStatus.APPROVED})

    def mark_spam(self, *, by=None):
        self._move(
            CommentStatus.SPAM, by=by, allowed={CommentStatus.PENDING, CommentStatus.APPROVED}
        )

    def mark_not_spam(self, *, by=None):
        self._move(CommentStatus.PENDING, by=by, allowed={CommentStatus.SPAM})

    def trash(self, *, by=None):
        allowed = {CommentStatus.PENDING, CommentStatus.APPROVED, CommentStatus.SPAM}
        self._move(CommentStatus.TRASH, by=by, allowed=allowed)

    def restore(self, *, by=None):
        """Out of the trash, back to the status it had before (pending if unknown)."""
        last = self.status_changes.filter(to_status=CommentStatus.TRASH).order_by("-pk").first()
        previous = last.from_status if last else CommentStatus.PENDING
        self._move(previous, by=by, allowed={CommentStatus.TRASH})

    def _move(self, to: str, *, by, allowed: set[str]) -> None:
        if self.status not in allowed:
            raise ValidationError(
                "A %(status)s comment cannot be moved to %(to)s.",
                code="invalid_transition",
                params={"status": self.get_status_display().lower(), "to": to},
            )
        CommentStatusChange.objects.create(
            comment=self, changed_by=by, from_status=self.status, to_status=to
        )
        self.status = to
        self.save(update_fields=["status"])


class CommentStatusChange(StatusChangeRecord):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=CommentStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=CommentStatus.choices)


class NotificationKind(models.TextChoices):
    """The e-mails about comments, sent through the outbox as kinds `comments.<value>`."""

    HELD = "held", "Comment held for moderation"
    URGENT = "urgent", "Urgent: crisis language"
    APPROVED = "approved", "Your comment was approved"
    REPLY = "reply", "Someone replied to your comment"
    CRISIS_RESOURCES = "crisis", "Crisis resources, privately to the writer"


class ModerationMode(models.TextChoices):
    HOLD_ALL = "hold_all", "Hold every comment for moderation"
    KNOWN_AUTHORS = "known_authors", "Approve authors with an earlier approved comment"


class CommentOrder(models.TextChoices):
    OLDEST = "oldest", "Oldest first"
    NEWEST = "newest", "Newest first"


def default_page_types() -> list[str]:
    return ["pages.articlepage"]


def page_type_choices() -> list[tuple[str, str]]:
    models_ = [model for model in get_page_models() if model._meta.app_label != "wagtailcore"]
    return sorted((m._meta.label_lower, str(m._meta.verbose_name).capitalize()) for m in models_)


class CommentSettingsForm(WagtailAdminModelForm):
    enabled_page_types = forms.MultipleChoiceField(
        choices=page_type_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Page types with comments",
    )


@register_setting(icon="comment")
class CommentSettings(BaseGenericSetting):
    """Every discussion setting, with a clinic's safe defaults."""

    enabled_page_types = models.JSONField(
        default=default_page_types,
        blank=True,
        help_text="Page types that show comments and the comment form.",
    )
    moderation_mode = models.CharField(
        max_length=20, choices=ModerationMode.choices, default=ModerationMode.HOLD_ALL
    )
    link_limit = models.PositiveSmallIntegerField(
        default=2, help_text="Hold a comment with this many links or more."
    )
    moderation_words = models.TextField(
        blank=True,
        help_text=(
            "One word or phrase a line. A comment whose text, name, e-mail, website, IP address "
            "or browser contains one is held for moderation."
        ),
    )
    disallowed_words = models.TextField(
        blank=True,
        help_text="One word or phrase a line. A comment that contains one goes to the trash.",
    )
    close_after_days_enabled = models.BooleanField("Close comments on old pages", default=False)
    close_after_days = models.PositiveSmallIntegerField(
        default=14, validators=[MinValueValidator(1)], help_text="Days after first publication."
    )
    thread_depth = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(2), MaxValueValidator(10)],
        help_text="Levels of replies, from 2 to 10.",
    )
    per_page = models.PositiveSmallIntegerField(
        "Top-level comments per page", default=50, validators=[MinValueValidator(1)]
    )
    order = models.CharField(
        max_length=10, choices=CommentOrder.choices, default=CommentOrder.OLDEST
    )
    flood_seconds = models.PositiveSmallIntegerField(
        default=15, help_text="Refuse a second comment from one IP or e-mail within this time."
    )
    time_trap_seconds = models.PositiveSmallIntegerField(
        default=3, help_text="A form sent sooner than this after it was shown is spam."
    )
    ip_retention_days = models.PositiveSmallIntegerField(
        default=60,
        validators=[MinValueValidator(1)],
        help_text="IP addresses and browser names are erased after this many days.",
    )

    base_form_class = CommentSettingsForm
    panels = [
        FieldPanel("enabled_page_types"),
        MultiFieldPanel(
            [
                FieldPanel("moderation_mode"),
                FieldPanel("link_limit"),
                FieldPanel("moderation_words"),
                FieldPanel("disallowed_words"),
            ],
            heading="Moderation",
        ),
        MultiFieldPanel(
            [
                FieldPanel("close_after_days_enabled"),
                FieldPanel("close_after_days"),
                FieldPanel("thread_depth"),
                FieldPanel("per_page"),
                FieldPanel("order"),
            ],
            heading="Discussion",
        ),
        MultiFieldPanel(
            [
                FieldPanel("flood_seconds"),
                FieldPanel("time_trap_seconds"),
                FieldPanel("ip_retention_days"),
            ],
            heading="Protection and privacy",
        ),
    ]

    class Meta:
        verbose_name = "Comment settings"

    def word_list(self, name: str) -> list[str]:
        return [line.strip().lower() for line in getattr(self, name).splitlines() if line.strip()]

    def is_enabled_for(self, page) -> bool:
        content_type = page.specific_class._meta.label_lower if page.specific_class else ""
        return content_type in self.enabled_page_types

    def is_open_for(self, page) -> bool:
        if not self.is_enabled_for(page):
            return False
        if not self.close_after_days_enabled or page.first_published_at is None:
            return True
        age = timezone.now() - page.first_published_at
        return age.days < self.close_after_days
