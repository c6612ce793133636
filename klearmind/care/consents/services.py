"""Publishing a consent document's new version and keeping a patient's signature of one."""

import base64
import binascii
import datetime
import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from klearmind.audit.models import AuditEvent
from klearmind.audit.services import PATIENT_ITSELF, record
from klearmind.clinic.http import client_ip

from .models import (
    ConsentDecline,
    ConsentDocument,
    ConsentSignature,
    ConsentVersion,
    Standing,
    standing,
)
from .pdf import signed_copy

PNG_DATA_URL = "data:image/png;base64,"
# A drawn signature is a few kilobytes; a phone's large canvas stays well under this.
DRAWN_MAX_BYTES = 150_000
DRAWN_MAX_PIXELS = 4000
USER_AGENT_MAX_LENGTH = ConsentSignature._meta.get_field("user_agent").max_length
STALE = (
    "A new version of this document was published while you were reading it. Please read "
    "the new text below; you sign that one."
)


@transaction.atomic
def publish_version(
    *, document: ConsentDocument, title: str, body: str, summary: str, by, request=None
) -> ConsentVersion:
    """Publish the next version of `document`; earlier versions stay exactly as they were."""
    ConsentDocument.objects.select_for_update().get(pk=document.pk)
    last = document.versions.aggregate(last=Max("number"))["last"] or 0
    version = ConsentVersion.objects.create(
        document=document,
        number=last + 1,
        title=title,
        body=body,
        summary_of_changes=summary,
        published_by=by,
    )
    record(
        action=AuditEvent.Action.CREATE,
        request=request,
        actor=by,
        target=version,
        detail=f"published version {version.number} of consent document {document.pk} "
        f"(SHA-256 {version.sha256})",
    )
    return version


def png_from_data_url(value: str) -> bytes:
    """The PNG bytes of a drawn signature's data URL; ValidationError for anything else."""
    refusal = ValidationError(
        "The drawn signature could not be read. Please clear it and draw it again.",
        code="bad_drawing",
    )
    if not value.startswith(PNG_DATA_URL):
        raise refusal
    encoded = value.removeprefix(PNG_DATA_URL)
    if len(encoded) > DRAWN_MAX_BYTES * 4 // 3 + 4:
        raise ValidationError(
            "The drawn signature is too large. Please clear it and draw it again.",
            code="drawing_too_large",
        )
    try:
        raw = base64.b64decode(encoded, validate=True)
        with Image.open(io.BytesIO(raw)) as image:
            image.verify()
            if image.format != "PNG" or max(image.size) > DRAWN_MAX_PIXELS:
                raise refusal
    except (binascii.Error, ValueError, UnidentifiedImageError, OSError):
        raise refusal from None
    return raw


@transaction.atomic
def sign_consent(
    *,
    document: ConsentDocument,
    shown_version: int,
    shown_sha256: str,
    person_hash: str,
    signed_name: str,
    drawn_signature: str = "",
    electronic_consent: bool,
    request,
    witnessed_by=None,
) -> ConsentSignature:
    """Keep `person_hash`'s signature of the document's current version, with its PDF copy.

    Refused (code "stale_version") unless the version and text shown are the current ones.
    Signing a version whose signature still stands returns that signature: a double click
    signs once."""
    if not person_hash:
        raise ValidationError("No one to sign for.", code="no_person")
    if not electronic_consent:
        raise ValidationError(
            "Please agree to sign electronically, or ask the clinic for a paper copy.",
            code="no_electronic_consent",
        )
    # One signing at a time per document: the second of two clicks waits, then finds the first.
    document = ConsentDocument.objects.select_for_update().get(pk=document.pk)
    current = document.current_version
    if current is None or current.pk != shown_version or current.sha256 != shown_sha256:
        raise ValidationError(STALE, code="stale_version")
    if drawn_signature:
        png_from_data_url(drawn_signature)
    earlier = ConsentSignature.objects.of_person(person_hash).latest_per_document().get(document.pk)
    if already_signed(earlier, current):
        return earlier
    signature = ConsentSignature(
        version=current,
        person_hash=person_hash,
        signed_name=signed_name,
        drawn_signature=drawn_signature,
        electronic_consent=True,
        text_sha256=current.sha256,
        ip_address=client_ip(request) or "",
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX_LENGTH],
        witnessed_by=witnessed_by,
    )
    signature.pdf = base64.b64encode(signed_copy(signature)).decode("ascii")
    signature.save()
    record(
        action=AuditEvent.Action.CREATE,
        request=request,
        actor=witnessed_by,
        actor_label="" if witnessed_by else PATIENT_ITSELF,
        target=signature,
        detail=f"signed version {current.number} of consent document {document.pk}"
        + (", witnessed in the clinic" if witnessed_by else ""),
    )
    return signature


def already_signed(signature: ConsentSignature | None, current: ConsentVersion) -> bool:
    """The person's latest signature is of this very version and still covers today."""
    return (
        signature is not None
        and signature.version_id == current.pk
        and standing(current.document, signature, on=timezone.localdate(), current=current)
        == Standing.SIGNED
    )


def pdf_bytes(signature: ConsentSignature) -> bytes:
    return base64.b64decode(signature.pdf)


@transaction.atomic
def record_decline(*, document: ConsentDocument, person_hash: str, reason: str, by, request):
    """Keep that the patient declined to sign the current version of a document they may
    decline, and why, as `by` recorded it. A document needed before treatment cannot be
    declined: the treatment waits for it. The same decline twice within a minute (a double
    click) is kept once."""
    if document.required_before_treatment:
        raise ValidationError(
            "This document is needed before treatment, so it cannot be recorded as declined.",
            code="required",
        )
    document = ConsentDocument.objects.select_for_update().get(pk=document.pk)
    current = document.current_version
    if current is None or not person_hash:
        raise ValidationError("This document has no published text yet.", code="unpublished")
    recent = ConsentDecline.objects.of_person(person_hash).filter(
        version=current, recorded_at__gte=timezone.now() - datetime.timedelta(minutes=1)
    )
    if earlier := recent.first():
        return earlier
    decline = ConsentDecline.objects.create(
        version=current, person_hash=person_hash, reason=reason, recorded_by=by
    )
    record(
        action=AuditEvent.Action.CREATE,
        request=request,
        actor=by,
        target=decline,
        detail=f"declined version {current.number} of consent document {document.pk}",
    )
    return decline
