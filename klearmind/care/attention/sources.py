"""The sources of the Needs attention list (see attention.py): urgent questionnaires, sent or
not, urgent check-ins, paper questionnaires with a positive PHQ-9 item 9, crisis-language
comments, overdue REMS forms, chart alerts not yet acknowledged and register count differences
not yet reviewed. Each is one function; care
reads intake and comments, which never read care."""

import datetime
from functools import partial

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from klearmind.comments.emails import ABOUT as COMMENT
from klearmind.comments.emails import outbox_kind
from klearmind.comments.models import Comment, CommentStatus, NotificationKind
from klearmind.intake.emails import DRAFT, SUBMISSION
from klearmind.intake.emails import outbox_kind as intake_kind
from klearmind.intake.models import Draft, EmailKind, Submission
from klearmind.outbox.models import OutgoingMessage

from ..check_ins.tasks import MAX_ATTEMPTS as CHECK_IN_MAX_ATTEMPTS
from ..models import ChartAlert, CountLine, Measurement, MeasurementSource, RemsRecord
from .services import Flag, attention_source

URGENT_INTAKE_KINDS = [intake_kind(kind) for kind in (EmailKind.URGENT, EmailKind.URGENT_DRAFT)]
URGENT_COMMENT_KINDS = [
    outbox_kind(kind) for kind in (NotificationKind.URGENT, NotificationKind.CRISIS_RESOURCES)
]


def note_kept_on_review(close):
    """`close(by=…)` as an `on_review`: the note of what was done stays on the review."""
    return lambda *, by, note: close(by=by)


@attention_source("questionnaire")
def urgent_questionnaires(patient):
    submissions = Submission.objects.filter(urgent=True).select_related("patient")
    if patient is not None:
        submissions = submissions.filter(patient=patient)
    failed = OutgoingMessage.objects.failed_ids(
        SUBMISSION, URGENT_INTAKE_KINDS, submissions.values_list("pk", flat=True)
    )
    return [
        Flag(
            source="questionnaire",
            object_id=str(submission.pk),
            raised_at=first_positive_at(submission.item9_history) or submission.submitted_at,
            title="Candidacy questionnaire: urgent",
            subject=submission.full_name,
            url=reverse("intake_admin:detail", args=[submission.pk]),
            contact=submission.phone,
            patient_id=getattr(getattr(submission, "patient", None), "pk", None),
            email_failed=submission.pk in failed,
            on_review=note_kept_on_review(partial(baseline_reviewed, submission)),
        )
        for submission in submissions
    ]


def baseline_reviewed(submission: Submission, *, by) -> None:
    """The questionnaire's urgent baseline score on the patient's progress counts as reviewed
    with the questionnaire."""
    Measurement.objects.filter(
        patient__submission=submission,
        source=MeasurementSource.INTAKE,
        urgent=True,
        reviewed_at__isnull=True,
    ).update(reviewed_at=timezone.now(), reviewed_by=by)


def first_positive_at(history: list[dict]) -> datetime.datetime | None:
    positive = [entry["at"] for entry in history if entry["answer"] > 0]
    return datetime.datetime.fromisoformat(positive[0]) if positive else None


@attention_source("draft")
def urgent_drafts(patient):
    if patient is not None:  # a draft belongs to nobody's record yet
        return []
    drafts = list(Draft.objects.urgent_unreviewed())
    failed = OutgoingMessage.objects.failed_ids(
        DRAFT, [intake_kind(EmailKind.URGENT_DRAFT)], [draft.pk for draft in drafts]
    )
    return [draft_flag(draft, email_failed=draft.pk in failed) for draft in drafts]


def draft_flag(draft: Draft, *, email_failed: bool) -> Flag:
    about = draft.answers.get("about", {})
    return Flag(
        source="draft",
        object_id=str(draft.pk),
        raised_at=draft.urgent_since,
        title="Questionnaire not sent — urgent",
        subject=about.get("full_name", "Unnamed candidate"),
        url=reverse("intake_admin:queue"),
        contact=" · ".join(filter(None, [about.get("phone"), about.get("email")])),
        email_failed=email_failed,
        on_review=note_kept_on_review(draft.mark_reviewed),
    )


def urgent_measurements(patient, *, source: str):
    measurements = Measurement.objects.filter(
        urgent=True, reviewed_at__isnull=True, source=source
    ).select_related("patient")
    if patient is not None:
        measurements = measurements.filter(patient=patient)
    return measurements


@attention_source("check_in")
def urgent_check_ins(patient):
    measurements = urgent_measurements(patient, source=MeasurementSource.CHECK_IN)
    measurements = measurements.select_related("check_in")
    return [
        measurement_flag(
            measurement,
            source="check_in",
            title="Check-in: PHQ-9 item 9 above “not at all”",
            email_failed=alert_failed(getattr(measurement, "check_in", None)),
        )
        for measurement in measurements
    ]


def alert_failed(check_in) -> bool:
    return (
        check_in is not None
        and check_in.alert_sent_at is None
        and check_in.alert_attempts >= CHECK_IN_MAX_ATTEMPTS
    )


@attention_source("paper")
def urgent_paper_entries(patient):
    measurements = urgent_measurements(patient, source=MeasurementSource.CLINIC)
    return [
        measurement_flag(
            m, source="paper", title="Paper questionnaire: PHQ-9 item 9 above “not at all”"
        )
        for m in measurements
    ]


def measurement_flag(measurement: Measurement, *, source: str, title: str, email_failed=False):
    return Flag(
        source=source,
        object_id=str(measurement.pk),
        raised_at=measurement.taken_at,
        title=title,
        subject=measurement.patient.full_name,
        url=reverse("care_admin:progress", args=[measurement.patient_id]),
        contact=measurement.patient.phone,
        patient_id=measurement.patient_id,
        email_failed=email_failed,
        on_review=note_kept_on_review(measurement.mark_reviewed),
    )


@attention_source("comment")
def crisis_comments(patient):
    # A comment never belongs to a patient's record: a public comment must not confirm that
    # anyone is a patient, so it is never matched to one.
    if patient is not None:
        return []
    comments = list(Comment.objects.filter(urgent=True).exclude(status=CommentStatus.SPAM))
    failed = OutgoingMessage.objects.failed_ids(
        COMMENT, URGENT_COMMENT_KINDS, [comment.pk for comment in comments]
    )
    return [
        Flag(
            source="comment",
            object_id=str(comment.pk),
            raised_at=comment.submitted_at,
            title="Public comment with crisis language",
            subject=f"{comment.author_name} (a public comment)",
            url=reverse("comments_admin:detail", args=[comment.pk]),
            contact=comment.author_email,
            email_failed=comment.pk in failed,
        )
        for comment in comments
    ]


@attention_source("rems")
def overdue_rems_forms(patient):
    records = RemsRecord.objects.overdue(timezone.localdate()).select_related("chart__patient")
    if patient is not None:
        records = records.filter(chart__patient=patient)
    return [
        Flag(
            source="rems",
            object_id=str(rems.pk),
            raised_at=overdue_since(rems.due_on),
            title="Spravato REMS form overdue",
            subject=rems.chart.patient.full_name,
            url=reverse("care_admin:rems_due"),
            patient_id=rems.chart.patient_id,
        )
        for rems in records
    ]


def overdue_since(due_on: datetime.date) -> datetime.datetime:
    """The first moment a form is late: the start of the day after it was due."""
    day_after = datetime.datetime.combine(due_on + datetime.timedelta(days=1), datetime.time())
    return timezone.make_aware(day_after)


@attention_source("chart_alert")
def unacknowledged_chart_alerts(patient):
    alerts = ChartAlert.objects.unacknowledged().for_list()
    if patient is not None:
        alerts = alerts.filter(chart__patient=patient)
    return [
        Flag(
            source="chart_alert",
            object_id=str(alert.pk),
            raised_at=alert.raised_at,
            title=f"Chart alert not acknowledged: {alert.text}",
            subject=alert.chart.patient.full_name,
            url=reverse("care_admin:chart", args=[alert.chart_id]) + "#acknowledge",
            contact=alert.chart.patient.phone,
            patient_id=alert.chart.patient_id,
            on_review=alert.acknowledge,
        )
        for alert in alerts
    ]


@attention_source("register")
def register_discrepancies(patient):
    if patient is not None:  # a vial's count belongs to the clinic, not to a patient
        return []
    lines = CountLine.objects.with_open_discrepancy().select_related("count__location", "container")
    return [
        Flag(
            source="register",
            object_id=str(line.pk),
            raised_at=line.count.counted_at,
            title=f"Controlled-substance count: {line.container} "
            f"{abs(line.difference_mg)} mg {'short of' if line.difference_mg < 0 else 'over'} "
            "the register",
            subject=f"{line.count.location}, {line.count}",
            url=reverse("care_admin:register_count", args=[line.count_id]),
            on_review=reviewed_on_the_register,
            reviewed_at=reverse("care_admin:register_count", args=[line.count_id]),
        )
        for line in lines
    ]


def reviewed_on_the_register(*, by, note):
    raise ValidationError(
        "A count's difference is reviewed on its count page, by someone other than the person "
        "who counted, who decides there whether the register takes the counted amount.",
        code="review_on_the_register",
    )
