"""Which consents a person has on file for a kind of visit, and which still need signing."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from klearmind.booking.models import TREATMENT_KINDS, Appointment

from .models import ConsentDocument, ConsentSignature, ConsentVersion, Standing, standing


@dataclass(frozen=True)
class ConsentLine:
    document: ConsentDocument
    version: ConsentVersion
    standing: Standing
    signature: ConsentSignature | None

    @property
    def ok(self) -> bool:
        return self.standing == Standing.SIGNED

    @property
    def required(self) -> bool:
        return self.document.required_before_treatment

    @property
    def blocks_treatment(self) -> bool:
        """Unsigned, and needed before a treatment may start."""
        return self.required and not self.ok


def consent_lines(
    *, person_hash: str, kinds: Iterable[str], on: datetime.date
) -> list[ConsentLine]:
    """One line per active, published document that any of `kinds` of visit needs: its
    current version and whether the person's latest signature covers a visit on `on`."""
    signed = ConsentSignature.objects.of_person(person_hash).latest_per_document()
    return lines_for(published_documents(), signed, kinds=kinds, on=on)


def published_documents() -> list[tuple[ConsentDocument, ConsentVersion]]:
    """Each active document with its current version (two queries); unpublished ones left out."""
    found = []
    for document in ConsentDocument.objects.active().prefetch_related("versions"):
        versions = sorted(document.versions.all(), key=lambda version: -version.number)
        if versions:  # nothing published yet: nothing to sign
            found.append((document, versions[0]))
    return found


def lines_for(
    documents, signed: dict[int, ConsentSignature], *, kinds: Iterable[str], on: datetime.date
) -> list[ConsentLine]:
    kinds = set(kinds)
    lines = []
    for document, current in documents:
        if any(document.applies_to(kind) for kind in kinds):
            signature = signed.get(document.pk)
            state = standing(document, signature, on=on, current=current)
            lines.append(ConsentLine(document, current, state, signature))
    return lines


def standing_in_words(line: ConsentLine) -> str:
    """ "Informed consent for IV ketamine: a new version to sign"."""
    why = line.standing.label
    return f"{line.document.title}: {why[:1].lower()}{why[1:]}"


def treatments_to_sign_for(visits) -> dict[int, list[str]]:
    """For each treatment visit among `visits` whose patient has a consent still to sign on
    the visit's day, the documents in words, by visit id. Three queries however many visits:
    the documents, their versions, and every signature of the visits' people."""
    visits = [visit for visit in visits if visit.service.kind in TREATMENT_KINDS]
    hashes = {visit.patient_email_hash for visit in visits if visit.patient_email_hash}
    if not visits:
        return {}
    documents = published_documents()
    latest: dict[str, dict[int, ConsentSignature]] = {}
    signatures = ConsentSignature.objects.filter(person_hash__in=hashes).select_related("version")
    for signature in signatures.order_by("signed_at", "pk"):
        latest.setdefault(signature.person_hash, {})[signature.version.document_id] = signature
    found = {}
    for visit in visits:
        signed = latest.get(visit.patient_email_hash, {})
        day = visit.local_start.date()
        lines = lines_for(documents, signed, kinds=[visit.service.kind], on=day)
        if missing := [standing_in_words(line) for line in lines if line.blocks_treatment]:
            found[visit.pk] = missing
    return found


def missing_consents(*, person_hash: str, kind: str, on: datetime.date) -> list[ConsentLine]:
    """The documents a visit of `kind` on `on` still needs signed before treatment: none means
    ready. Documents the patient may decline are left out."""
    lines = consent_lines(person_hash=person_hash, kinds=[kind], on=on)
    return [line for line in lines if line.blocks_treatment]


def upcoming_kinds(person_hash: str) -> set[str]:
    """The kinds of the person's visits still to come, which say what they need to sign."""
    visits = Appointment.objects.active().upcoming().filter(patient_email_hash=person_hash)
    return set(visits.values_list("service__kind", flat=True)) if person_hash else set()


def person_consents(person_hash: str, *, kinds: Iterable[str]) -> dict:
    """What the person still has to sign for visits of `kinds` (`required` before treatment,
    then the `optional` ones they may decline; both in `to_sign`), and everything they
    signed."""
    lines = consent_lines(person_hash=person_hash, kinds=kinds, on=timezone.localdate())
    signed = (
        ConsentSignature.objects.of_person(person_hash)
        .select_related("version__document", "witnessed_by")
        .order_by("-signed_at", "-pk")
    )
    required = [line for line in lines if line.blocks_treatment]
    optional = [line for line in lines if not line.ok and not line.required]
    return {
        "to_sign": required + optional,
        "required": required,
        "optional": optional,
        "signed": list(signed),
    }
