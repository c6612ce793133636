"""Needs attention: one clinic-wide list of open safety flags, oldest first (CLINICAL.md,
suicide risk; docs/decisions/023).

A flag comes from a *source*: one small function, registered under a name, that returns the
flags it knows of. The list is every source's flags minus those a clinician has reviewed; a
flag is closed only by a review with a note (`review_flag`), kept for good in
`AttentionReview`. Adding a source is a few lines::

    @attention_source("chart_alert")
    def unacknowledged_chart_alerts(patient):
        alerts = ChartAlert.objects.unacknowledged()  # whatever "still open" means there
        if patient is not None:
            alerts = alerts.filter(chart__patient=patient)
        return [
            Flag(
                source="chart_alert",
                object_id=str(alert.pk),
                raised_at=alert.raised_at,
                title="Chart alert not acknowledged",
                subject=alert.chart.patient.full_name,
                url=reverse("care_admin:chart", args=[alert.chart_id]),
                patient_id=alert.chart.patient_id,
            )
            for alert in alerts
        ]

A source that also closes something of its own when reviewed passes `on_review` (called as
`on_review(by=clinician, note=what_was_done)` inside the review's transaction: a chart alert
reviewed here is acknowledged on its chart with the same note); a source whose flags close by
themselves (an alert acknowledged at the chair, a REMS form submitted) simply stops returning
them.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record

from ..patients.models import Patient
from .models import AttentionReview

Source = Callable[[Patient | None], Iterable["Flag"]]
SOURCES: dict[str, Source] = {}


@dataclass(frozen=True)
class Flag:
    source: str
    object_id: str
    raised_at: datetime.datetime
    title: str  # what needs attention, in a few words
    subject: str  # whom it is about: a name, or "a public comment"
    url: str  # where a clinician reads the whole of it
    contact: str = ""  # how to reach the person today
    patient_id: int | None = None  # the patient record it belongs to, for the banners
    email_failed: bool = False  # the on-call e-mail about it failed for good
    on_review: Callable | None = field(default=None, compare=False, repr=False)
    # Where it is reviewed, when not on this list's own form: a count's difference is closed on
    # the register by someone other than the counter, who decides on an adjustment there.
    reviewed_at: str = ""

    @property
    def stamp(self) -> str:
        return stamp(self.raised_at)

    @property
    def review_url(self) -> str:
        return self.reviewed_at or reverse(
            "care_admin:attention_review", args=[self.source, self.object_id]
        )


def stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat()


def attention_source(name: str) -> Callable[[Source], Source]:
    """Register a function `(patient or None) -> flags` as the source `name`."""

    def register(collect: Source) -> Source:
        SOURCES[name] = collect
        return collect

    return register


def open_flags(*, patient: Patient | None = None) -> list[Flag]:
    """Every flag no clinician has reviewed yet, oldest first; only one patient's if given.

    A fixed number of queries whatever the number of flags (it runs on every back-office
    page, for the menu's count): each source's own, then one for the reviews of them all."""
    found = [flag for collect in SOURCES.values() for flag in collect(patient)]
    if not found:
        return []
    reviewed = AttentionReview.objects.filter(
        source__in={flag.source for flag in found},
        object_id__in={flag.object_id for flag in found},
    ).values_list("source", "object_id", "flag_raised_at")
    closed = {(source, object_id, stamp(raised)) for source, object_id, raised in reviewed}
    flags = [flag for flag in found if (flag.source, flag.object_id, flag.stamp) not in closed]
    return sorted(flags, key=lambda flag: (flag.raised_at, flag.source, flag.object_id))


def open_flags_of_request(request) -> list[Flag]:
    """`open_flags()` gathered once per request: the menu's count and the banners on the
    page share it (the request lives for one page; nothing is kept beyond it)."""
    flags = getattr(request, "_care_open_flags", None)
    if flags is None:
        flags = request._care_open_flags = open_flags()
    return flags


def find_open_flag(source: str, object_id: str) -> Flag | None:
    return next(
        (flag for flag in open_flags() if flag.source == source and flag.object_id == object_id),
        None,
    )


def already_reviewed() -> ValidationError:
    return ValidationError("This flag was reviewed already, or is no longer open.", code="reviewed")


def review_flag(*, flag: Flag, note: str, by, request=None) -> AttentionReview:
    """Close one flag with a clinician's note of what was done; audited. A note is required,
    and a flag is reviewed once (ValidationError otherwise)."""
    if not note.strip():
        raise ValidationError(
            {"note": "Write what was done: a flag is closed only with a note."}, code="no_note"
        )
    try:
        with transaction.atomic():
            review = AttentionReview.objects.create(
                source=flag.source,
                object_id=flag.object_id,
                flag_raised_at=flag.raised_at,
                flag_title=flag.title[:200],
                flag_subject=flag.subject[:300],
                patient_id=flag.patient_id,
                reviewed_by=by,
                note=note.strip(),
            )
            if flag.on_review is not None:
                flag.on_review(by=by, note=review.note)
            record(
                action=AuditEvent.Action.CREATE,
                request=request,
                actor=by,
                target=review,
                detail=f"needs-attention flag {flag.source} {flag.object_id} reviewed",
            )
    except IntegrityError:  # a second click, or another clinician a moment earlier
        raise already_reviewed() from None
    return review


def flags_by_patient(flags: Iterable[Flag]) -> dict[int, list[Flag]]:
    grouped: dict[int, list[Flag]] = {}
    for flag in flags:
        if flag.patient_id is not None:
            grouped.setdefault(flag.patient_id, []).append(flag)
    return grouped
