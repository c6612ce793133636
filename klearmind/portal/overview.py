"""What the portal shows the signed-in person, each read limited to their own e-mail hash:
upcoming visits and series, the preparation for the next one, documents to sign and signed
copies, check-ins due, and their scores over time in plain words."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from klearmind.booking.emails import when, where
from klearmind.booking.models import Appointment, AppointmentStatus
from klearmind.care.consents.models import ConsentSignature
from klearmind.care.consents.standing import ConsentLine, consent_lines
from klearmind.care.measures import MEASURES, PAIN
from klearmind.care.models import CheckIn, Patient
from klearmind.care.outcomes.progress import patient_progress
from klearmind.care.outcomes.progress_chart import charts, day_label


def patient_of(person: str) -> Patient | None:
    return Patient.objects.filter(email_hash=person).first() if person else None


def upcoming_visits(person: str) -> list[Appointment]:
    return list(
        Appointment.objects.filter(
            patient_email_hash=person,
            status=AppointmentStatus.BOOKED,
            starts_at__gte=timezone.now(),
        )
        .select_related("service", "location__page", "series")
        .order_by("starts_at")
    )


def person_email(person: str) -> str:
    """The person's address as their record or latest booking holds it (for a passkey's name)."""
    patient = patient_of(person)
    if patient is not None:
        return patient.email
    booking = Appointment.objects.filter(patient_email_hash=person).order_by("-created_at").first()
    return booking.patient_email if booking else ""


def visit_rows(visits: list[Appointment]) -> list[dict]:
    """Each visit in words, with its place in its series ("visit 3 of 6")."""
    totals = {}
    for visit in visits:
        if visit.series_id and visit.series_id not in totals:
            totals[visit.series_id] = list(
                visit.series.appointments.exclude(status=AppointmentStatus.CANCELLED)
                .order_by("starts_at")
                .values_list("pk", flat=True)
            )
    rows = []
    for visit in visits:
        series = totals.get(visit.series_id, [])
        rows.append(
            {
                "visit": visit,
                "when": when(visit),
                "where": where(visit),
                "number": series.index(visit.pk) + 1 if visit.pk in series else None,
                "of": len(series),
                "url": reverse("booking:appointment", args=[visit.pk]),
            }
        )
    return rows


def preparation(visits: list[Appointment]) -> dict | None:
    """The next visit and its preparation rules (fasting, a driver), as the confirmation says."""
    if not visits:
        return None
    rules = visits[0].service.preparation()
    return {"visit": visits[0], "when": when(visits[0]), "rules": rules} if rules else None


def optional_url(name: str, *args) -> str:
    """The address of a page another part of the clinic provides, or "" while it has none."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@dataclass(frozen=True)
class Documents:
    to_sign: list[dict]  # needed before treatment
    signed: list[dict]
    optional: list[dict]  # the person may decline them


def documents(person: str, visits: list[Appointment]) -> Documents:
    """The consents the upcoming visits still need, and the copies the person signed."""
    kinds = {visit.service.kind for visit in visits}
    on = timezone.localdate(visits[0].starts_at) if visits else timezone.localdate()
    lines: list[ConsentLine] = (
        consent_lines(person_hash=person, kinds=kinds, on=on) if kinds else []
    )
    unsigned = [
        {
            "line": line,
            "title": line.version.title,
            "why": line.standing.label,
            "url": optional_url("consents:sign", line.document.slug),
        }
        for line in lines
        if not line.ok
    ]
    to_sign = [item for item in unsigned if item["line"].required]
    optional = [item for item in unsigned if not item["line"].required]
    latest = ConsentSignature.objects.of_person(person).latest_per_document().values()
    signed = [
        {
            "signature": signature,
            "title": signature.version.title,
            "signed_on": timezone.localtime(signature.signed_at).date(),
            "url": optional_url("consents:copy", signature.pk),
        }
        for signature in sorted(latest, key=lambda s: s.signed_at, reverse=True)
    ]
    return Documents(to_sign, signed, optional)


def check_ins_due(patient: Patient | None) -> list[CheckIn]:
    if patient is None:
        return []
    return list(patient.check_ins.open().order_by("expires_at", "pk"))


def own_check_in(person: str, pk: int) -> CheckIn | None:
    """The open check-in `pk` if it is this person's, else None."""
    return CheckIn.objects.open().filter(pk=pk, patient__email_hash=person).first()


# How a measure is named in a sentence to the patient, where its label would read oddly.
SENTENCE_NAMES = {PAIN: "pain score"}


def in_words(label: str, points) -> str:
    """One measure's scores in a sentence: "Your PHQ-9 went from 18 to 9." """
    if not points:
        return ""
    first, last = points[0], points[-1]
    if len(points) == 1:
        return f"Your {label} was {first.total} on {day_label(first.taken_at)}."
    return (
        f"Your {label} went from {first.total} on {day_label(first.taken_at)} "
        f"to {last.total} on {day_label(last.taken_at)}."
    )


def scores(patient: Patient | None, *, with_charts: bool = True) -> list[dict]:
    """Per measure answered: its name, the sentence and (on the scores page) the chart."""
    if patient is None:
        return []
    progress = patient_progress(patient)
    drawn = {chart["measure"]: chart for chart in charts(progress)} if with_charts else {}
    return [
        {
            "measure": measure,
            "label": MEASURES[measure].label,
            "sentence": in_words(SENTENCE_NAMES.get(measure, MEASURES[measure].label), points),
            "chart": drawn.get(measure),
        }
        for measure, points in progress.series.items()
    ]
