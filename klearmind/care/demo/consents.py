"""The demo clinic's seven consent documents, in our own words, and who signed them: Jamie
(mid-series) and Alex (booster today) signed what their ketamine visits need at the front desk
before their first treatment, the escort agreement with the front desk as witness. The ketamine
consent then gained a second wording, which Jamie has to sign before the next visit (Alex signed
it yesterday). Jamie signed the telehealth consent for the phone consultation before its second
version, which the clinic's tablet now asks for; the invited candidate has signed nothing yet."""

import base64
import datetime
from pathlib import Path

from django.utils import timezone

from klearmind.booking.models import ServiceKind
from klearmind.encryption.keys import email_lookup_hash

from ..consents.models import (
    OPTIONAL_KINDS,
    ConsentDocument,
    ConsentKind,
    ConsentSignature,
    ConsentVersion,
    Renewal,
)
from ..consents.pdf import signed_copy
from ..consents.standing import consent_lines

TREATMENTS = [ServiceKind.KETAMINE, ServiceKind.BOOSTER, ServiceKind.SPRAVATO]
IN_CLINIC = [*TREATMENTS, ServiceKind.HYDRATION, ServiceKind.GOOD_FAITH_EXAM]
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
TABLET = "Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
DEMO_ADDRESS = "203.0.113.24"  # a documentation address (RFC 5737), nobody's
TEXTS = Path(__file__).with_name("consent_texts")


def text(slug: str) -> str:
    return (TEXTS / f"{slug}.txt").read_text(encoding="utf-8").strip()


TELEHEALTH_V2_CHANGE = (
    "and does not record visits.",
    "and does not record visits. A video visit opens from a link the clinic sends you: "
    "there is nothing to install.",
)

KETAMINE_VISIT_DOCUMENTS = ("ketamine", "escort", "financial", "contact", "privacy")
DOCUMENTS = (
    (
        "ketamine",
        ConsentKind.KETAMINE,
        [ServiceKind.KETAMINE, ServiceKind.BOOSTER],
        Renewal.YEARLY,
    ),
    ("spravato", ConsentKind.SPRAVATO, [ServiceKind.SPRAVATO], Renewal.YEARLY),
    ("escort", ConsentKind.ESCORT, TREATMENTS, Renewal.EACH_VERSION),
    ("financial", ConsentKind.FINANCIAL, IN_CLINIC, Renewal.EACH_VERSION),
    (
        "telehealth",
        ConsentKind.TELEHEALTH,
        [ServiceKind.CONSULTATION, ServiceKind.GOOD_FAITH_EXAM],
        Renewal.EACH_VERSION,
    ),
    ("contact", ConsentKind.CONTACT, [], Renewal.EACH_VERSION),
    ("privacy", ConsentKind.PRIVACY, [], Renewal.EACH_VERSION),
)


def load_consent_demo(*, clinician, front_desk, series_email: str, today_email: str) -> list[str]:
    created = [f"consent document “{title}”" for title in ensure_documents(clinician)]
    jamie = (*KETAMINE_VISIT_DOCUMENTS, "telehealth")
    if sign_demo(series_email, "Jamie Fox", jamie, witness=front_desk, older={"telehealth"}):
        created.append("Jamie Fox's signed consents, telehealth's older version among them")
    if sign_demo(today_email, "Alex Moreno", KETAMINE_VISIT_DOCUMENTS):
        created.append("Alex Moreno's signed consents")
    return created


def ensure_documents(clinician) -> list[str]:
    made = []
    for order, (slug, kind, kinds, renewal) in enumerate(DOCUMENTS):
        title = ConsentKind(kind).label
        document, created = ConsentDocument.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "kind": kind,
                "service_kinds": [str(k) for k in kinds],
                "renewal": renewal,
                "required_before_treatment": kind not in OPTIONAL_KINDS,
                "sort_order": order,
            },
        )
        if not created:
            continue
        made.append(title)
        publish(document, 1, title, text(slug), clinician, days_ago=200)
        if slug == "telehealth":
            summary = "Video visits open from a link, with nothing to install."
            second = text(slug).replace(*TELEHEALTH_V2_CHANGE)
            publish(document, 2, title, second, clinician, days_ago=10, summary=summary)
    return made


def publish(document, number, title, body, clinician, *, days_ago: int, summary: str = ""):
    ConsentVersion.objects.create(
        document=document,
        number=number,
        title=title,
        body=body,
        summary_of_changes=summary or "First version.",
        published_by=clinician,
        published_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


def sign_demo(email: str, name: str, slugs, *, witness=None, older=frozenset()) -> bool:
    """Sign, for the person of `email`, the current version of each of the documents `slugs`
    they have never signed (those in `older`: the first version). The escort agreement is the
    one witnessed. Whether anything was signed."""
    person = email_lookup_hash(email)
    signed_before = ConsentSignature.objects.of_person(person).latest_per_document()
    signed = False
    for slug in slugs:
        document = ConsentDocument.objects.filter(slug=slug).first()
        if document is None or document.pk in signed_before:
            continue
        versions = document.versions.order_by("number")
        version = versions.first() if slug in older else versions.last()
        keep_signature(version, person, name, witness=witness if slug == "escort" else None)
        signed = True
    return signed


def keep_signature(version, person: str, name: str, *, witness=None, at=None) -> None:
    """The signature with its PDF copy: on the clinic's tablet when witnessed, else on a phone;
    at `at`, or a day after the version was published and within the last 30 days."""
    signature = ConsentSignature(
        version=version,
        person_hash=person,
        signed_name=name,
        electronic_consent=True,
        text_sha256=version.sha256,
        signed_at=at
        or max(
            version.published_at + datetime.timedelta(days=1),
            timezone.now() - datetime.timedelta(days=30),
        ),
        ip_address="" if witness else DEMO_ADDRESS,
        user_agent=TABLET if witness else PHONE,
        witnessed_by=witness,
    )
    signature.pdf = base64.b64encode(signed_copy(signature)).decode("ascii")
    signature.save()


def ensure_demo_consents() -> list[str]:
    """The demo's documents, each with a published first version; what was made, in words."""
    return [f"consent document “{title}”" for title in ensure_documents(None)]


REVISION = {
    "slug": "ketamine",
    "summary": "Adds what we do if your blood pressure rises.",
    "paragraph": "If your blood pressure rises past our limits, we slow or pause the infusion "
    "and a clinician sees you at once.",
}


def revise_demo_consent() -> list[str]:
    """Publish the ketamine consent's second wording, once."""
    document = ConsentDocument.objects.filter(slug=REVISION["slug"]).first()
    if document is None or document.versions.count() != 1:
        return []
    first = document.current_version
    ConsentVersion.objects.create(
        document=document,
        number=2,
        title=first.title,
        body=f"{first.body}\n\n{REVISION['paragraph']}",
        summary_of_changes=REVISION["summary"],
    )
    return [f"a new version of “{document.title}” to sign"]


def sign_demo_consents(patient, *, kind: str, at: datetime.datetime, witness=None) -> int:
    """Sign, as `patient` at `at` on the clinic's tablet, each current version a visit of
    `kind` still needs; the escort agreement with `witness` (the front desk) as witness."""
    signed = 0
    for line in consent_lines(person_hash=patient.email_hash, kinds=[kind], on=at.date()):
        if not line.ok:
            by = witness if line.document.slug == "escort" else None
            keep_signature(
                line.version,
                patient.email_hash,
                patient.full_name,
                witness=by,
                at=min(at, timezone.now()),
            )
            signed += 1
    return signed
