"""Candidacy questionnaires: drafts in progress, submissions, their triage history, notes,
the e-mail outbox and the thresholds a clinic sets. Answers and contact details are encrypted
(docs/decisions/008 and 010)."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_noop
from wagtail.contrib.settings.models import BaseGenericSetting

from klearmind.clinic.models import StatusChangeRecord
from klearmind.encryption.fields import (
    EncryptedCharField,
    EncryptedDateField,
    EncryptedJSONField,
    EncryptedTextField,
    LookupHashField,
)

from . import scoring

# Unfinished drafts are erased this many days after their last change (the 30 days).
DEFAULT_DRAFT_RETENTION_DAYS = 30
# The thank-you page and e-mail promise a reply within this many business days.
DEFAULT_REPLY_BUSINESS_DAYS = 2


# The labels candidates see are marked for translation but stay English here (gettext_noop):
# the questionnaire's forms show them in the page's language, the back office in English.
class Condition(models.TextChoices):
    ANXIETY = "anxiety", gettext_noop("Anxiety")
    DEPRESSION = "depression", gettext_noop("Depression")
    PTSD = "ptsd", gettext_noop("PTSD")
    CHRONIC_PAIN = "chronic_pain", gettext_noop("Chronic pain")
    OTHER = "other", gettext_noop("Something else")


class Location(models.TextChoices):
    SACRAMENTO = "sacramento", gettext_noop("Sacramento clinic")
    ROSEVILLE = "roseville", gettext_noop("Roseville clinic")
    HOME = "home", gettext_noop("At home")
    EITHER = "either", gettext_noop("Either clinic")


class ContactMethod(models.TextChoices):
    PHONE = "phone", gettext_noop("Phone call")
    TEXT = "text", gettext_noop("Text message")
    EMAIL = "email", gettext_noop("E-mail message")


class Language(models.TextChoices):
    """The language a questionnaire was answered in, and so which published translation of
    the PHQ-9 and GAD-7 the candidate read (the PCL-5 is English in both)."""

    ENGLISH = "en", "English"
    SPANISH = "es", "Spanish"


class Status(models.TextChoices):
    NEW = "new", "New"
    REVIEWING = "reviewing", "Reviewing"
    CONSULTATION_BOOKED = "consultation_booked", "Consultation booked"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    REFERRED_OUT = "referred_out", "Referred out"


# Forward through the triage; a decided submission may be reopened for review.
TRANSITIONS = {
    Status.NEW: {Status.REVIEWING, Status.DECLINED, Status.REFERRED_OUT},
    Status.REVIEWING: {
        Status.CONSULTATION_BOOKED,
        Status.ACCEPTED,
        Status.DECLINED,
        Status.REFERRED_OUT,
    },
    Status.CONSULTATION_BOOKED: {
        Status.REVIEWING,
        Status.ACCEPTED,
        Status.DECLINED,
        Status.REFERRED_OUT,
    },
    Status.ACCEPTED: {Status.REVIEWING},
    Status.DECLINED: {Status.REVIEWING},
    Status.REFERRED_OUT: {Status.REVIEWING},
}


# The statuses a consultation booked with the questionnaire's e-mail moves on by itself.
MOVED_BY_CONSULTATION = {Status.NEW, Status.REVIEWING}


class IntakeSettings(BaseGenericSetting):
    """Thresholds clinics set differently, with CLINICAL.md's defaults. Edited by clinicians
    and the owner at Candidacy → Settings (not the Settings menu, which editors reach)."""

    pcl5_cutoff = models.PositiveSmallIntegerField(
        "PCL-5 cut-off for provisional PTSD",
        default=scoring.PCL5_DEFAULT_CUTOFF,
        validators=[
            MinValueValidator(scoring.PCL5_CUTOFF_MIN),
            MaxValueValidator(scoring.PCL5_CUTOFF_MAX),
        ],
        help_text="The National Center for PTSD suggests 31 to 33; 33 unless your clinic "
        "decided otherwise.",
    )
    draft_retention_days = models.PositiveSmallIntegerField(
        "Days an unfinished questionnaire is kept",
        default=DEFAULT_DRAFT_RETENTION_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    reply_business_days = models.PositiveSmallIntegerField(
        "Business days until we contact a candidate",
        default=DEFAULT_REPLY_BUSINESS_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Promised on the thank-you page and in the confirmation e-mail.",
    )

    class Meta:
        verbose_name = "Candidacy questionnaire settings"


def item9_answers(history: list[dict]) -> list[tuple[int, datetime.datetime]]:
    """Each PHQ-9 item-9 answer kept, with when it was saved."""
    return [(entry["answer"], datetime.datetime.fromisoformat(entry["at"])) for entry in history]


class DraftQuerySet(models.QuerySet):
    def stale(self, *, days: int, now: datetime.datetime | None = None):
        """Untouched for `days`, and not an urgent draft still waiting for a clinician: a
        positive PHQ-9 item 9 outlives the retention period until someone has reviewed it."""
        cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
        return self.filter(updated_at__lt=cutoff).exclude(urgent=True, reviewed_at__isnull=True)

    def urgent_unreviewed(self):
        return self.filter(urgent=True, reviewed_at__isnull=True).order_by("urgent_since", "pk")


class Draft(models.Model):
    """A questionnaire in progress. Only the keyed hash of its resume token is stored: the
    token itself is the candidate's alone."""

    token_hash = models.CharField(max_length=64, unique=True)
    answers = EncryptedJSONField(default=dict)
    step = models.CharField("furthest step reached", max_length=20)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)
    # PHQ-9 item 9 above "not at all" counts the moment it is saved, sent or not (CLINICAL.md,
    # suicide risk): the draft stays urgent whatever the answer becomes later, every item-9
    # answer from the first positive one on is kept with when, and only a clinician's review
    # (on care's Needs attention list) closes it.
    urgent = models.BooleanField(default=False)
    urgent_since = models.DateTimeField(null=True, blank=True)
    item9_history = EncryptedJSONField(default=list, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = DraftQuerySet.as_manager()

    def __str__(self):
        return f"Draft {self.pk} at {self.step}"

    def save_step(self, *, step: str, data: dict, next_step: str) -> bool:
        """Keep one step's answers and move the furthest step reached forward. Returns True
        when this save made the draft urgent (a positive item 9 not seen before, or a new one
        after a clinician's review)."""
        self.answers = {**self.answers, step: data}
        self.step = next_step
        self.updated_at = timezone.now()
        fields = ["answers", "step", "updated_at"]
        raised = False
        if step == "phq9":
            raised = self._keep_item9(data.get("phq9_9"))
            fields += ["urgent", "urgent_since", "item9_history", "reviewed_at", "reviewed_by"]
        self.save(update_fields=fields)
        return raised

    def _keep_item9(self, answer) -> bool:
        try:
            answer = int(answer)
        except (TypeError, ValueError):
            return False
        history = list(self.item9_history)
        if history and history[-1]["answer"] == answer:
            return False
        if answer <= 0 and not history:
            return False
        history.append({"answer": answer, "at": self.updated_at.isoformat()})
        self.item9_history = history
        if answer <= 0 or (self.urgent and self.reviewed_at is None):
            return False
        self.urgent, self.urgent_since = True, self.updated_at
        self.reviewed_at, self.reviewed_by = None, None
        return True

    def item9_answers(self) -> list[tuple[int, datetime.datetime]]:
        return item9_answers(self.item9_history)

    def mark_reviewed(self, *, by) -> None:
        """A clinician has reviewed the urgent draft (care's Needs attention does this)."""
        if not self.urgent:
            raise ValidationError("Only an urgent draft needs a review.", code="not_urgent")
        if self.reviewed_at is not None:
            raise ValidationError("This draft was reviewed already.", code="reviewed")
        self.reviewed_at, self.reviewed_by = timezone.now(), by
        self.save(update_fields=["reviewed_at", "reviewed_by"])


class SubmissionQuerySet(models.QuerySet):
    def queue(self):
        """Urgent ones nobody has picked up yet first, then newest. Once a clinician moves an
        urgent questionnaire on, it takes its place by date, so last year's urgent ones never
        sit above today's new ones."""
        waiting_urgent = models.Case(
            models.When(urgent=True, status=Status.NEW, then=models.Value(1)),
            default=models.Value(0),
        )
        return self.alias(waiting_urgent=waiting_urgent).order_by(
            "-waiting_urgent", "-submitted_at", "-pk"
        )

    def with_status(self, status: str):
        return self.filter(status=status)

    def at(self, location: str):
        return self.filter(location=location)

    def submitted_since(self, moment: datetime.datetime):
        return self.filter(submitted_at__gte=moment)


class Submission(models.Model):
    # The resume token's hash, unique: the same draft sent twice stores one submission.
    draft_key = models.CharField(max_length=64, unique=True, editable=False)
    submitted_at = models.DateTimeField(default=timezone.now, db_index=True)
    full_name = EncryptedCharField(max_length=200)
    email = EncryptedCharField(max_length=254)
    email_hash = LookupHashField(source="email", purpose="email", normalise=True)
    phone = EncryptedCharField(max_length=40)
    # The desk's finder looks a caller up by whole name or phone (docs/decisions/038).
    name_hash = LookupHashField(
        source="full_name", purpose="name", normalise="name", db_index=False
    )
    phone_hash = LookupHashField(source="phone", purpose="phone", normalise="phone", db_index=False)
    date_of_birth = EncryptedDateField()
    zip_code = EncryptedCharField(max_length=10)
    preferred_contact = models.CharField(max_length=10, choices=ContactMethod.choices)
    # Plain, for the queue's filter: where someone would like treatment says nothing about
    # their health. Conditions stay encrypted and are filtered after decryption (decision 010).
    location = models.CharField(max_length=12, choices=Location.choices, db_index=True)
    conditions = EncryptedJSONField(default=list)
    answers = EncryptedJSONField(default=dict)
    results = EncryptedJSONField(default=dict)
    urgent = models.BooleanField(default=False)
    # Every PHQ-9 item-9 answer from the first positive one on, carried over from the draft:
    # a positive answer changed back before sending stays on the record.
    item9_history = EncryptedJSONField(default=list, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    language = models.CharField(
        "answered in", max_length=2, choices=Language.choices, default=Language.ENGLISH
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="intake_submissions",
    )
    # A consultation booked with this questionnaire's e-mail, matched when it was booked, and
    # the status the match moved it from ("" when it did not move it), so staff can undo it.
    consultation = models.ForeignKey(
        "booking.Appointment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    consultation_moved_from = models.CharField(
        max_length=20, choices=Status.choices, blank=True, editable=False
    )

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-urgent", "-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-urgent", "-submitted_at"]),
            models.Index(fields=["name_hash"], name="intake_submission_name_idx"),
            models.Index(fields=["phone_hash"], name="intake_submission_phone_idx"),
        ]

    def __str__(self):
        return f"Questionnaire {self.pk}"

    def condition_labels(self) -> list[str]:
        labels = dict(Condition.choices)
        return [labels.get(value, value) for value in self.conditions]

    def item9_answers(self) -> list[tuple[int, datetime.datetime]]:
        return item9_answers(self.item9_history)

    def change_status(self, to: str, *, by) -> "StatusChange":
        if to not in TRANSITIONS[Status(self.status)]:
            raise ValidationError(
                "A questionnaire that is %(status)s cannot be moved to %(to)s.",
                code="invalid_transition",
                params={"status": self.get_status_display().lower(), "to": Status(to).label},
            )
        change = StatusChange.objects.create(
            submission=self, changed_by=by, from_status=self.status, to_status=to
        )
        self.status = to
        self.save(update_fields=["status"])
        return change

    def match_consultation(self, appointment, *, by=None) -> None:
        """Remember a consultation booked with this questionnaire's e-mail; one still new or
        under review moves to consultation booked. An urgent one nobody has picked up stays
        new, at the top of the queue: a booking must not hide it."""
        self.consultation = appointment
        self.consultation_moved_from = ""
        if self.status in MOVED_BY_CONSULTATION and not (self.urgent and self.status == Status.NEW):
            self.consultation_moved_from = self.status
            StatusChange.objects.create(
                submission=self,
                changed_by=by,
                from_status=self.status,
                to_status=Status.CONSULTATION_BOOKED,
            )
            self.status = Status.CONSULTATION_BOOKED
        self.save(update_fields=["consultation", "consultation_moved_from", "status"])

    def undo_consultation_match(self, *, by) -> None:
        """Forget the matched consultation (it was someone else's, say); while the
        questionnaire is still at consultation booked, it goes back to where the match found it."""
        if self.consultation_id is None:
            raise ValidationError(
                "No consultation is matched to this questionnaire.", code="no_match"
            )
        if self.consultation_moved_from and self.status == Status.CONSULTATION_BOOKED:
            StatusChange.objects.create(
                submission=self,
                changed_by=by,
                from_status=self.status,
                to_status=self.consultation_moved_from,
            )
            self.status = self.consultation_moved_from
        self.consultation, self.consultation_moved_from = None, ""
        self.save(update_fields=["consultation", "consultation_moved_from", "status"])

    def assign(self, clinician) -> None:
        if clinician is not None and not clinician.has_perm("accounts.change_health_record"):
            raise ValidationError(
                "Only a clinician can be assigned a questionnaire.", code="not_a_clinician"
            )
        self.assigned_to = clinician
        self.save(update_fields=["assigned_to"])


class StatusChange(StatusChangeRecord):
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    first_label = "submitted"


class Note(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    text = EncryptedTextField(max_length=5000)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Note {self.pk} on questionnaire {self.submission_id}"


class EmailKind(models.TextChoices):
    """The questionnaire's e-mails, sent through the outbox as kinds `intake.<value>`."""

    RECEIVED = "received", "Confirmation to the candidate"
    URGENT = "urgent", "Urgent: to the on-call clinician"
    URGENT_DRAFT = "urgent_dft", "Urgent, not sent yet: to the on-call clinician"
