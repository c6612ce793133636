"""Questionnaire e-mail, sent by the outbox: the candidate's receipt and the on-call
clinician's alerts. Built from the record's id when sent; no e-mail carries an answer, a score
or a condition, and the alerts carry a link only."""

from django.urls import reverse
from wagtail.admin.utils import get_admin_base_url

from klearmind.clinic.models import ClinicSettings
from klearmind.outbox.models import OutgoingMessage
from klearmind.outbox.registry import Built, register_kind

from .models import EmailKind, IntakeSettings

SUBMISSION = "intake.submission"
DRAFT = "intake.draft"
SUBJECTS = {
    EmailKind.RECEIVED: "We received your questionnaire",
    EmailKind.URGENT: "URGENT: a new questionnaire needs same-day review",
    EmailKind.URGENT_DRAFT: "URGENT: a questionnaire needs same-day review",
}


def outbox_kind(kind: str) -> str:
    return f"intake.{kind}"


def received_message(message: OutgoingMessage) -> Built:
    context = {
        "clinic": ClinicSettings.load(),
        "days": IntakeSettings.load().reply_business_days,
    }
    return Built(subject=SUBJECTS[EmailKind.RECEIVED], context=context)


def urgent_message(message: OutgoingMessage) -> Built:
    link = get_admin_base_url() + reverse("intake_admin:detail", args=[message.about_id])
    return Built(subject=SUBJECTS[EmailKind.URGENT], context={"link": link})


def urgent_draft_message(message: OutgoingMessage) -> Built:
    # The same e-mail as for an urgent submission: a link, and nothing the candidate wrote.
    link = get_admin_base_url() + reverse("intake_admin:queue")
    return Built(subject=SUBJECTS[EmailKind.URGENT_DRAFT], context={"link": link})


def register() -> None:
    for kind, template, build in (
        (EmailKind.RECEIVED, "received", received_message),
        (EmailKind.URGENT, "urgent", urgent_message),
        (EmailKind.URGENT_DRAFT, "urgent_draft", urgent_draft_message),
    ):
        register_kind(outbox_kind(kind), template=f"intake/email/{template}", build=build)
