"""Reviews that close a flag on the Needs attention list: who, when and what was done.

Append-only, like the audit log: a review is never changed or deleted, so the list's history
is the record of how every flag was closed (CLINICAL.md, suicide risk)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from klearmind.audit.models import AppendOnlyModel, AppendOnlyQuerySet
from klearmind.encryption.fields import EncryptedCharField, EncryptedTextField

from ..patients.models import LONG_TEXT_MAX_LENGTH, Patient

REFUSAL = "A review on Needs attention is kept as written: it can be neither changed nor deleted."


class AppendOnlyReviewError(Exception):
    """Raised on any attempt to change or remove a review."""


class AttentionReviewQuerySet(AppendOnlyQuerySet):
    error = AppendOnlyReviewError
    refusal = REFUSAL

    def keys(self, source: str) -> set[tuple[str, str]]:
        """(object id, raised at) of every flag of one source that has a review."""
        rows = self.filter(source=source).values_list("object_id", "flag_raised_at")
        return {(object_id, raised.isoformat()) for object_id, raised in rows}


class AttentionReview(AppendOnlyModel):
    """A clinician's review of one flag. A flag is a source (questionnaire, draft, check-in,
    comment...), an object of that source and the moment it was raised: an object raised again
    later (a new positive answer after a review) is a new flag needing its own review."""

    source = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64)
    flag_raised_at = models.DateTimeField()
    # The flag's title and who it was about, as shown when it was reviewed: the object itself
    # may be erased later (a draft once sent, a comment deleted), the history stays readable.
    flag_title = EncryptedCharField(max_length=200)
    flag_subject = EncryptedTextField(max_length=300, blank=True)
    patient = models.ForeignKey(
        Patient,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attention_reviews",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(default=timezone.now, db_index=True)
    note = EncryptedTextField("what was done", max_length=LONG_TEXT_MAX_LENGTH)

    objects = AttentionReviewQuerySet.as_manager()
    error = AppendOnlyReviewError
    refusal = REFUSAL

    class Meta:
        ordering = ["-reviewed_at", "-pk"]
        constraints = [
            # One review closes one flag: a double click stores one.
            models.UniqueConstraint(
                fields=["source", "object_id", "flag_raised_at"], name="one_review_per_flag"
            )
        ]

    def __str__(self):
        return f"Review {self.pk} of {self.source} {self.object_id}"
