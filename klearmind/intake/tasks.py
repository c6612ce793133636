"""Questionnaire e-mail, sent from the outbox by the task worker and retried on failure, and
the erasure of stale drafts. No e-mail carries an answer, a score or a condition."""

import datetime
import logging

from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task
from wagtail.admin.utils import get_admin_base_url

from klearmind.clinic.models import ClinicSettings

from .models import EMAIL_MAX_ATTEMPTS, EmailKind, IntakeSettings, OutgoingEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = EMAIL_MAX_ATTEMPTS
FIRST_RETRY_SECONDS = 60


def retry_delay(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8 ... minutes, like comment e-mail."""
    return datetime.timedelta(seconds=FIRST_RETRY_SECONDS * 2 ** (attempts - 1))


@task()
def send_email(*, email_id: int) -> str:
    """Send one outbox e-mail unless it was sent already; on failure, try again later."""
    with transaction.atomic():
        email = (
            OutgoingEmail.objects.select_for_update()
            .filter(pk=email_id, sent_at__isnull=True)
            .first()
        )
        if email is None:
            return "already sent or gone"
        try:
            build_message(email).send()
        except Exception as error:  # noqa: BLE001 - any SMTP or network failure is retried
            return schedule_retry(email, error)
        email.sent_at = timezone.now()
        email.save(update_fields=["sent_at"])
    return "sent"


def schedule_retry(email: OutgoingEmail, error: Exception) -> str:
    email.attempts += 1
    email.last_error = type(error).__name__[:300]
    email.save(update_fields=["attempts", "last_error"])
    if email.attempts >= MAX_ATTEMPTS:
        logger.error("Gave up on questionnaire e-mail %s: %s", email.pk, email.last_error)
        return "gave up"
    if send_email.get_backend().supports_defer:
        run_after = timezone.now() + retry_delay(email.attempts)
        transaction.on_commit(
            lambda: send_email.using(run_after=run_after).enqueue(email_id=email.pk)
        )
    return "will retry"


def build_message(email: OutgoingEmail) -> EmailMessage:
    clinic = ClinicSettings.load()
    if email.kind == EmailKind.URGENT:
        link = get_admin_base_url() + reverse("intake_admin:detail", args=[email.submission_id])
        body = (
            "A new candidacy questionnaire needs same-day review by a clinician.\n\n"
            f"Sign in to read it:\n{link}\n"
        )
        return EmailMessage(
            "URGENT: a new questionnaire needs same-day review", body, to=[email.recipient]
        )
    if email.kind == EmailKind.URGENT_DRAFT:
        # The same e-mail as for an urgent submission: a link, and nothing the candidate wrote.
        link = get_admin_base_url() + reverse("intake_admin:queue")
        body = (
            "A candidacy questionnaire that has not been sent yet needs same-day review by a "
            "clinician.\n\n"
            f"Sign in to read it:\n{link}\n"
        )
        return EmailMessage(
            "URGENT: a questionnaire needs same-day review", body, to=[email.recipient]
        )
    days = IntakeSettings.load().reply_business_days
    body = (
        f"Thank you: {clinic.clinic_name} received your questionnaire.\n\n"
        f"A member of our clinical team will read it and contact you within {days} business "
        "days, in the way you asked, to talk about next steps. Your answers are kept private "
        "and are not part of this e-mail.\n\n"
        + (
            f"If you have a question in the meantime, call us on {clinic.phone}.\n\n"
            if clinic.phone
            else ""
        )
        + "If you are in crisis, call or text 988 (Suicide & Crisis Lifeline), any time. In an "
        "emergency, call 911.\n"
    )
    return EmailMessage("We received your questionnaire", body, to=[email.recipient])


@task()
def erase_stale_drafts_task() -> str:
    from .services import erase_stale_drafts

    return f"erased {erase_stale_drafts()} draft(s)"
