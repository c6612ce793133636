"""Consent documents, versions and signatures for care tests, made straight through the models."""

import datetime

from django.utils import timezone

from klearmind.care.consents.models import (
    ConsentDocument,
    ConsentKind,
    ConsentSignature,
    ConsentVersion,
    Renewal,
)
from klearmind.care.consents.standing import consent_lines


def make_document(
    title="Informed consent for IV ketamine",
    *,
    kinds=("ketamine", "booster"),
    renewal=Renewal.EACH_VERSION,
    kind=ConsentKind.KETAMINE,
) -> ConsentDocument:
    slug = title.lower().replace(" ", "-")[:60]
    document = ConsentDocument.objects.create(
        title=title, slug=slug, kind=kind, service_kinds=list(kinds), renewal=renewal
    )
    publish(document)
    return document


def publish(
    document: ConsentDocument, body: str = "What the treatment is and its risks."
) -> ConsentVersion:
    number = (document.current_version.number if document.current_version else 0) + 1
    return ConsentVersion.objects.create(
        document=document, number=number, title=document.title, body=f"{body} ({number})"
    )


def sign(person_hash: str, version: ConsentVersion, *, at: datetime.datetime | None = None):
    return ConsentSignature.objects.create(
        version=version,
        person_hash=person_hash,
        signed_name="Ana Rivera",
        electronic_consent=True,
        text_sha256=version.sha256,
        signed_at=at or timezone.now(),
    )


def consent_on_file(patient, kind: str, *, on: datetime.date | None = None) -> None:
    """The patient has signed every document a visit of `kind` needs: one is published first
    when none covers the kind yet."""
    on = on or timezone.localdate()
    lines = consent_lines(person_hash=patient.email_hash, kinds=[kind], on=on)
    if not lines:
        make_document(f"Consent for {kind} visits", kinds=[kind], kind=ConsentKind.OTHER)
        lines = consent_lines(person_hash=patient.email_hash, kinds=[kind], on=on)
    for line in lines:
        if not line.ok:
            sign(patient.email_hash, line.version)
