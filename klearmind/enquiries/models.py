"""Messages sent through the contact form: encrypted, read by the front desk and clinicians,
answered and closed by name."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from klearmind.encryption.fields import EncryptedCharField, EncryptedTextField, LookupHashField

NAME_MAX_LENGTH = 150
EMAIL_MAX_LENGTH = 254
PHONE_MAX_LENGTH = 40
MESSAGE_MAX_LENGTH = 5000


class EnquiryStatus(models.TextChoices):
    NEW = "new", "New"
    ANSWERED = "answered", "Answered"
    CLOSED = "closed", "Closed"


class EnquiryQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=EnquiryStatus.CLOSED)

    def with_status(self, status: str):
        return self.filter(status=status) if status else self

    def by_email(self, email: str):
        return self.filter(email_hash=self.model.email_lookup_hash(email))

    def from_sender(self, *, email: str, address_hash: str):
        """Enquiries from this e-mail address or this client address."""
        same = models.Q(email_hash=self.model.email_lookup_hash(email))
        if address_hash:
            same |= models.Q(address_hash=address_hash)
        return self.filter(same)

    def since(self, moment):
        return self.filter(created_at__gte=moment)


class Enquiry(models.Model):
    """One message from the contact form. Everything the visitor typed is encrypted at rest;
    the client address is kept only as a keyed hash, for the per-address limits."""

    name = EncryptedCharField(max_length=NAME_MAX_LENGTH)
    email = EncryptedCharField("e-mail", max_length=EMAIL_MAX_LENGTH)
    email_hash = LookupHashField(source="email", purpose="enquiry-email", normalise=True)
    phone = EncryptedCharField(max_length=PHONE_MAX_LENGTH, blank=True)
    message = EncryptedTextField(max_length=MESSAGE_MAX_LENGTH)
    address_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField("received", default=timezone.now, db_index=True)
    status = models.CharField(
        max_length=10, choices=EnquiryStatus.choices, default=EnquiryStatus.NEW
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = EnquiryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "enquiries"
        ordering = ["-created_at", "-pk"]
        permissions = [("export_enquiry", "Can export enquiries as CSV")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="answered") | models.Q(answered_at__isnull=False),
                name="enquiry_answered_has_a_time",
            ),
            models.CheckConstraint(
                condition=models.Q(status="closed", closed_at__isnull=False)
                | (~models.Q(status="closed") & models.Q(closed_at__isnull=True)),
                name="enquiry_closed_exactly_when_it_has_a_close_time",
            ),
        ]

    def __str__(self):
        return f"Enquiry {self.pk} ({self.get_status_display().lower()})"

    @classmethod
    def email_lookup_hash(cls, email: str) -> str:
        return cls._meta.get_field("email_hash").hash(email)

    def mark_answered(self, *, by) -> None:
        """A member of staff replied: from new only."""
        self._check_status(allowed=(EnquiryStatus.NEW,), new=EnquiryStatus.ANSWERED)
        self.status = EnquiryStatus.ANSWERED
        self.answered_at, self.answered_by = timezone.now(), by
        self.save(update_fields=["status", "answered_at", "answered_by"])

    def close(self, *, by) -> None:
        """Nothing more to do: from new (no reply needed) or answered."""
        self._check_status(
            allowed=(EnquiryStatus.NEW, EnquiryStatus.ANSWERED), new=EnquiryStatus.CLOSED
        )
        self.status = EnquiryStatus.CLOSED
        self.closed_at, self.closed_by = timezone.now(), by
        self.save(update_fields=["status", "closed_at", "closed_by"])

    def _check_status(self, *, allowed, new: EnquiryStatus) -> None:
        if self.status not in allowed:
            raise ValidationError(
                "This enquiry is %(status)s; it cannot be marked %(new)s.",
                code="wrong_status",
                params={"status": self.get_status_display().lower(), "new": new.label.lower()},
            )
