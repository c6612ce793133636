import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from klearmind.audit.models import AppendOnlyModel, AppendOnlyQuerySet
from klearmind.encryption.fields import EncryptedCharField, LookupHashField

# The worker gives up on a message after this many failed attempts: failed for good, shown on
# the owner's screen with a retry button.
MAX_ATTEMPTS = 8
FIRST_RETRY_SECONDS = 60


def retry_delay(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8 ... minutes: a mail server that is down for hours is still caught up."""
    return datetime.timedelta(seconds=FIRST_RETRY_SECONDS * 2 ** (max(attempts, 1) - 1))


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    TEXT = "text", "Text message"


# Texts go only to people who said yes to them, by their latest answer (the TCPA's prior
# express consent); e-mail carries what the person asked for (a booking, a questionnaire).
CHANNELS_NEEDING_CONSENT = (Channel.TEXT,)


class Status(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Not needed any more"
    HELD = "held", "Held back"


class OutgoingMessageQuerySet(models.QuerySet):
    def about(self, about_type: str, *ids: int):
        return self.filter(about_type=about_type, about_id__in=ids)

    def failed_for_good(self):
        return self.filter(status=Status.FAILED)

    def failed_ids(self, about_type: str, kinds, ids) -> set[int]:
        """The ids, among `ids`, of the records a message of one of `kinds` failed for good."""
        failed = self.failed_for_good().filter(kind__in=kinds)
        return set(failed.about(about_type, *ids).values_list("about_id", flat=True))

    def unsent(self):
        return self.filter(status__in=(Status.QUEUED, Status.SENDING))

    def lost(self, *, now: datetime.datetime, grace: datetime.timedelta):
        """Queued and due for longer than the grace period, or claimed by a worker that has
        not finished within it: their task was lost (a database away, a worker killed)."""
        return self.filter(
            Q(status=Status.QUEUED, next_attempt_at__lte=now - grace)
            | Q(status=Status.SENDING, claimed_at__lte=now - grace)
        )

    def to(self, address: str):
        return self.filter(recipient_hash=OutgoingMessage.recipient_lookup(address))


class OutgoingMessage(models.Model):
    """One message to send: who to (encrypted), which kind, and the ids of what it is about,
    never its content. The body is built from those ids when it is sent, so nothing a patient
    wrote, no score and no private link is ever stored here; only the error's class name is
    kept when sending fails, as an SMTP error quotes the refused address."""

    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    recipient = EncryptedCharField(max_length=254)
    recipient_hash = LookupHashField(source="recipient", purpose="email", normalise=True)
    kind = models.CharField(max_length=40, db_index=True)
    template = models.CharField(max_length=100)
    about_type = models.CharField(max_length=40)
    about_id = models.PositiveBigIntegerField()
    # Plain parameters of the message that are not health content and no secret (a visit's
    # time for its reminder, the contact page's subject line); never a token or a link.
    params = models.JSONField(default=dict, blank=True)
    once = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    error_type = models.CharField(max_length=100, blank=True)
    # Whose consent a text needs: the keyed hash of their e-mail address, the key bookings,
    # patients and signatures share (the recipient of a text is a phone number).
    person_hash = models.CharField(max_length=64, blank=True)
    held_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = OutgoingMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["about_type", "about_id"], name="outbox_about"),
            # The sweep's two questions, each answered from an index whatever the history.
            models.Index(fields=["status", "next_attempt_at"], name="outbox_status_due"),
            models.Index(fields=["status", "claimed_at"], name="outbox_status_claimed"),
        ]
        constraints = [
            # A message sent once per recipient (a comment's approval, a questionnaire's
            # receipt) is one row, however often the service runs.
            models.UniqueConstraint(
                fields=["kind", "about_type", "about_id", "recipient_hash"],
                condition=Q(once=True),
                name="outbox_once_per_recipient",
            )
        ]
        permissions = [("retry_outgoingmessage", "Can send a failed message again")]

    def __str__(self):
        status = self.get_status_display().lower()
        return f"{self.kind} {status} ({self.about_type} {self.about_id})"

    @staticmethod
    def recipient_lookup(address: str) -> str:
        return OutgoingMessage._meta.get_field("recipient_hash").hash(address)

    @property
    def failed(self) -> bool:
        return self.status == Status.FAILED

    def masked_recipient(self) -> str:
        name, _, domain = self.recipient.partition("@")
        return f"{name[:1]}•••@{domain}" if domain else "•••"

    def claim(self) -> bool:
        """Take the message for sending: one conditional UPDATE, so of two workers given the
        same message only one gets it."""
        now = timezone.now()
        claimed = OutgoingMessage.objects.filter(pk=self.pk, status=Status.QUEUED).update(
            status=Status.SENDING, claimed_at=now
        )
        if claimed:
            self.status, self.claimed_at = Status.SENDING, now
        return bool(claimed)

    def mark_sent(self) -> None:
        self.status, self.sent_at = Status.SENT, timezone.now()
        self.save(update_fields=["status", "sent_at"])

    def mark_cancelled(self) -> None:
        self.status = Status.CANCELLED
        self.save(update_fields=["status"])

    def mark_held(self, reason: str) -> None:
        """Keep the message unsent, with why in plain words; it is not retried."""
        self.status, self.held_reason = Status.HELD, reason[:200]
        self.save(update_fields=["status", "held_reason"])

    def mark_failed_attempt(self, error: Exception) -> None:
        """Count a failed attempt and keep the error's class name (never its text); queue the
        message again after the backoff, or give up after the last attempt."""
        self.attempts = F("attempts") + 1
        self.save(update_fields=["attempts"])
        self.refresh_from_db(fields=["attempts"])
        self.error_type = type(error).__name__[:100]
        self.status = Status.FAILED if self.attempts >= MAX_ATTEMPTS else Status.QUEUED
        self.next_attempt_at = timezone.now() + retry_delay(self.attempts)
        self.save(update_fields=["error_type", "status", "next_attempt_at"])

    def requeue(self, *, now: datetime.datetime | None = None) -> None:
        self.status, self.next_attempt_at = Status.QUEUED, now or timezone.now()
        self.save(update_fields=["status", "next_attempt_at"])


# Consent to be contacted ------------------------------------------------------------------------


class ContactSource(models.TextChoices):
    QUESTIONNAIRE = "questionnaire", "Candidacy questionnaire"
    BOOKING = "booking", "Online booking"
    PORTAL = "portal", "Patient portal"
    FRONT_DESK = "front_desk", "Front desk"


class ContactConsentError(Exception):
    """Raised on any attempt to change or remove a recorded contact consent."""


CONTACT_REFUSAL = "A contact consent is kept as given: record a new answer instead."


class ContactConsentQuerySet(AppendOnlyQuerySet):
    error = ContactConsentError
    refusal = CONTACT_REFUSAL

    def of(self, person_hash: str, channel: str):
        return self.filter(person_hash=person_hash, channel=channel) if person_hash else self.none()

    def latest_answer(self) -> "ContactConsent | None":
        return self.order_by("-recorded_at", "-pk").first()


class ContactConsent(AppendOnlyModel):
    """One answer to "may we contact you by ...", as given: the person (by the keyed hash of
    their e-mail address), the channel, yes or no, the exact words they were shown, where and
    when. Never changed: a later answer is a new row, and the latest per channel counts."""

    person_hash = models.CharField(max_length=64)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    given = models.BooleanField()
    wording = models.TextField(max_length=2000)
    source = models.CharField(max_length=20, choices=ContactSource.choices)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The staff member who took the answer, at the front desk.",
    )

    objects = ContactConsentQuerySet.as_manager()
    error = ContactConsentError
    refusal = CONTACT_REFUSAL

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        indexes = [
            models.Index(
                fields=["person_hash", "channel", "-recorded_at"], name="outbox_contact_latest"
            )
        ]

    def __str__(self):
        answer = "yes" if self.given else "no"
        return f"{self.get_channel_display()} consent {answer} ({self.get_source_display()})"
