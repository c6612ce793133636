"""Consent documents, their versions and the patients' signatures (docs/decisions/039).

A document (informed consent for IV ketamine, the cancellation policy...) says which kinds of
visit need it and how often it is signed again. Its text lives in versions, published once
and never changed: a new wording is a new version. A signature is kept like the audit log,
never changed or deleted, with the SHA-256 of the exact text the patient saw.

Signatures belong to a person by the keyed hash of their e-mail address, the key bookings
use too, so a candidate invited to book treatment can sign before a clinician has opened
their record; the record finds its signatures by the same hash.
"""

import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from klearmind.audit.models import AppendOnlyModel, AppendOnlyQuerySet
from klearmind.booking.models import ServiceKind
from klearmind.encryption.fields import EncryptedCharField, EncryptedTextField

from ..patients.models import NAME_MAX_LENGTH

REFUSAL = "A signed consent and a published version are kept as written: never changed or deleted."
# A yearly consent is signed again once this many days have passed since the last signature.
YEARLY_DAYS = 365


class AppendOnlyConsentError(Exception):
    """Raised on any attempt to change or remove a published version or a signature."""


class Renewal(models.TextChoices):
    ONCE = "once", "Once"
    EACH_VERSION = "version", "Again for each new version"
    YEARLY = "yearly", "Again every year, and for each new version"


class ConsentKind(models.TextChoices):
    KETAMINE = "ketamine", "Informed consent for IV ketamine"
    SPRAVATO = "spravato", "Informed consent for Spravato"
    ESCORT = "escort", "Escort and no-driving agreement"
    FINANCIAL = "financial", "Cancellation and financial policy"
    TELEHEALTH = "telehealth", "Consent to telehealth"
    CONTACT = "contact", "Consent to be contacted by e-mail and text"
    PRIVACY = "privacy", "Acknowledgement of the Notice of Privacy Practices"
    OTHER = "other", "Other"


# Kinds a patient may decline and still be treated: the demo's documents of these kinds, and
# those that stood when the setting arrived, are not needed before treatment (HIPAA asks for a
# good-faith effort to obtain the privacy notice's acknowledgement, never makes it a condition
# of care; consent to messages is the patient's choice).
OPTIONAL_KINDS = (ConsentKind.CONTACT, ConsentKind.PRIVACY)


class ConsentDocumentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def for_service_kind(self, kind: str) -> list["ConsentDocument"]:
        """The active documents a visit of this kind needs signed, in the order shown."""
        return [document for document in self.active() if document.applies_to(kind)]


class ConsentDocument(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=20, choices=ConsentKind.choices, default=ConsentKind.OTHER)
    # ServiceKind values; empty means every kind of visit.
    service_kinds = models.JSONField(
        default=list,
        blank=True,
        help_text="The kinds of visit that need this document signed first; none means all.",
    )
    renewal = models.CharField(max_length=10, choices=Renewal.choices, default=Renewal.EACH_VERSION)
    required_before_treatment = models.BooleanField(
        "needed before treatment",
        default=True,
        help_text="Ticked: a treatment cannot start until the current version is signed. "
        "Untick for a document a patient may decline and still be treated, such as the "
        "acknowledgement of the Notice of Privacy Practices (the clinic makes a good-faith "
        "effort to obtain it) and consent to be contacted by e-mail and text.",
    )
    active = models.BooleanField(
        default=True, help_text="Untick to stop asking for this document. Signatures stay."
    )
    sort_order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ConsentDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "title", "pk"]

    def __str__(self):
        return self.title

    def clean(self):
        known = set(ServiceKind.values)
        if unknown := [kind for kind in self.service_kinds if kind not in known]:
            raise ValidationError(
                {"service_kinds": f"Unknown kind of visit: {', '.join(map(str, unknown))}."},
                code="unknown_kind",
            )

    def applies_to(self, kind: str) -> bool:
        return not self.service_kinds or kind in self.service_kinds

    def service_kind_labels(self) -> list[str]:
        labels = dict(ServiceKind.choices)
        return [labels.get(kind, kind) for kind in self.service_kinds] or ["Every visit"]

    @property
    def current_version(self) -> "ConsentVersion | None":
        return self.versions.order_by("-number").first()


class ConsentVersionQuerySet(AppendOnlyQuerySet):
    error = AppendOnlyConsentError
    refusal = REFUSAL


def text_digest(title: str, body: str) -> str:
    """The SHA-256 of a version's text exactly as a patient reads and signs it."""
    return hashlib.sha256(f"{title}\n\n{body}".encode()).hexdigest()


class ConsentVersion(AppendOnlyModel):
    """One published wording of a document: never edited, only followed by a newer one."""

    document = models.ForeignKey(ConsentDocument, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=20000)
    sha256 = models.CharField(max_length=64, editable=False)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary_of_changes = models.CharField(max_length=300, blank=True)

    objects = ConsentVersionQuerySet.as_manager()
    error = AppendOnlyConsentError
    refusal = REFUSAL

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="one_number_per_version")
        ]

    def __str__(self):
        return f"{self.title}, version {self.number}"

    def save(self, *args, **kwargs):
        self.sha256 = text_digest(self.title, self.body)
        super().save(*args, **kwargs)

    def paragraphs(self) -> list[str]:
        return [part.strip() for part in self.body.split("\n\n") if part.strip()]


class ConsentSignatureQuerySet(AppendOnlyQuerySet):
    error = AppendOnlyConsentError
    refusal = REFUSAL

    def of_person(self, person_hash: str):
        return self.filter(person_hash=person_hash) if person_hash else self.none()

    def latest_per_document(self) -> dict[int, "ConsentSignature"]:
        """Each document's latest signature among these, by document id."""
        latest: dict[int, ConsentSignature] = {}
        for signature in self.select_related("version").order_by("signed_at", "pk"):
            latest[signature.version.document_id] = signature
        return latest


class ConsentSignature(AppendOnlyModel):
    """A patient's signature of one version: what they signed, when, from where and how."""

    version = models.ForeignKey(ConsentVersion, on_delete=models.PROTECT, related_name="signatures")
    # The keyed hash of the signer's e-mail address: Patient.email_hash and
    # Appointment.patient_email_hash hold the same value for the same person.
    person_hash = models.CharField(max_length=64, db_index=True)
    signed_name = EncryptedCharField("full name typed", max_length=NAME_MAX_LENGTH)
    # The drawn signature as a PNG data URL from the signature pad; empty without JavaScript.
    drawn_signature = EncryptedTextField(max_length=400_000, blank=True)
    # ESIGN Act and UETA: the patient agreed to sign and receive records electronically.
    electronic_consent = models.BooleanField()
    text_sha256 = models.CharField(max_length=64)
    signed_at = models.DateTimeField(default=timezone.now)
    ip_address = EncryptedCharField(max_length=45, blank=True)
    user_agent = EncryptedCharField(max_length=400, blank=True)
    witnessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The staff member beside the patient when signed in the clinic.",
    )
    # The signed copy, a PDF made when the signature is kept, base64 and encrypted.
    pdf = EncryptedTextField(max_length=4_000_000, blank=True)

    objects = ConsentSignatureQuerySet.as_manager()
    error = AppendOnlyConsentError
    refusal = REFUSAL

    class Meta:
        ordering = ["-signed_at", "-pk"]
        indexes = [
            models.Index(fields=["person_hash", "-signed_at"], name="care_consent_person_idx")
        ]

    def __str__(self):
        # Never the name: reprs reach logs.
        return f"Signature {self.pk} of {self.version}"


class Standing(models.TextChoices):
    SIGNED = "signed", "Signed"
    MISSING = "missing", "Not signed yet"
    NEW_VERSION = "new_version", "A new version to sign"
    EXPIRED = "expired", "Signed over a year ago"


def standing(
    document: ConsentDocument,
    signature: ConsentSignature | None,
    *,
    on: datetime.date,
    current: ConsentVersion | None = None,
) -> Standing:
    """Whether `signature` (the person's latest of this document, if any) still covers a visit
    on day `on`, by the document's renewal rule."""
    if signature is None:
        return Standing.MISSING
    if document.renewal == Renewal.ONCE:
        return Standing.SIGNED
    current = current or document.current_version
    if current is not None and signature.version_id != current.pk:
        return Standing.NEW_VERSION
    signed_on = timezone.localtime(signature.signed_at).date()
    if document.renewal == Renewal.YEARLY and on > signed_on + datetime.timedelta(YEARLY_DAYS):
        return Standing.EXPIRED
    return Standing.SIGNED


DECLINE_REASON_MAX_LENGTH = 500


class ConsentDeclineQuerySet(AppendOnlyQuerySet):
    error = AppendOnlyConsentError
    refusal = REFUSAL

    def of_person(self, person_hash: str):
        return self.filter(person_hash=person_hash) if person_hash else self.none()

    def listed(self):
        """With what a listing names: the document, its version and who recorded it."""
        return self.select_related("version__document", "recorded_by")


class ConsentDecline(AppendOnlyModel):
    """A patient declined to sign a document they may decline, as the staff member beside them
    recorded it: HIPAA asks the clinic to document its good-faith effort to obtain the privacy
    notice's acknowledgement, and why it was not obtained. The document stays offered."""

    version = models.ForeignKey(ConsentVersion, on_delete=models.PROTECT, related_name="declines")
    person_hash = models.CharField(max_length=64, db_index=True)
    reason = EncryptedCharField("why it was not signed", max_length=DECLINE_REASON_MAX_LENGTH)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = ConsentDeclineQuerySet.as_manager()
    error = AppendOnlyConsentError
    refusal = REFUSAL

    class Meta:
        ordering = ["-recorded_at", "-pk"]

    def __str__(self):
        return f"Declined {self.version}"
