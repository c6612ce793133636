"""Check-in e-mail, sent by the task worker and retried on failure: the patient's private
link, and the on-call clinician's alert. Neither carries a score, a condition or a measure."""

import datetime
import logging

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task
from wagtail.admin.utils import get_admin_base_url

from klearmind.clinic.models import ClinicSettings

from .models import CheckIn

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY_SECONDS = 60


def retry_delay(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8 ... minutes, like the questionnaire e-mails."""
    return datetime.timedelta(seconds=FIRST_RETRY_SECONDS * 2 ** (attempts - 1))


@task()
def send_check_in(*, check_in_id: int) -> str:
    """E-mail the patient their check-in link unless it went out already or is done."""
    with transaction.atomic():
        check_in = (
            CheckIn.objects.select_for_update()
            .select_related("patient")
            .filter(pk=check_in_id, sent_at__isnull=True, completed_at__isnull=True)
            .first()
        )
        if check_in is None:
            return "already sent or gone"
        try:
            invitation_message(check_in).send()
        except Exception as error:  # noqa: BLE001 - any SMTP or network failure is retried
            return retry(check_in, error, task=send_check_in, counter="attempts")
        check_in.sent_at = timezone.now()
        check_in.save(update_fields=["sent_at"])
    return "sent"


@task()
def send_check_in_alert(*, check_in_id: int) -> str:
    """Tell the on-call clinician that a check-in needs same-day review."""
    with transaction.atomic():
        check_in = (
            CheckIn.objects.select_for_update()
            .filter(pk=check_in_id, alert_sent_at__isnull=True)
            .first()
        )
        if check_in is None:
            return "already sent or gone"
        try:
            alert_message(check_in).send()
        except Exception as error:  # noqa: BLE001 - any SMTP or network failure is retried
            return retry(check_in, error, task=send_check_in_alert, counter="alert_attempts")
        check_in.alert_sent_at = timezone.now()
        check_in.save(update_fields=["alert_sent_at"])
    return "sent"


def retry(check_in: CheckIn, error: Exception, *, task, counter: str) -> str:
    attempts = getattr(check_in, counter) + 1
    setattr(check_in, counter, attempts)
    check_in.last_error = type(error).__name__[:300]
    check_in.save(update_fields=[counter, "last_error"])
    if attempts >= MAX_ATTEMPTS:
        logger.error("Gave up on e-mail for check-in %s: %s", check_in.pk, check_in.last_error)
        return "gave up"
    if task.get_backend().supports_defer:
        run_after = timezone.now() + retry_delay(attempts)
        transaction.on_commit(
            lambda: task.using(run_after=run_after).enqueue(check_in_id=check_in.pk)
        )
    return "will retry"


def invitation_message(check_in: CheckIn) -> EmailMessage:
    from .services import check_in_url

    context = {
        "check_in": check_in,
        "link": check_in_url(check_in),
        "clinic": ClinicSettings.load(),
    }
    body = render_to_string("care/email/check_in.txt", context)
    return EmailMessage("A short check-in from your clinic", body, to=[check_in.patient.email])


def alert_message(check_in: CheckIn) -> EmailMessage:
    link = get_admin_base_url() + reverse("care_admin:progress", args=[check_in.patient_id])
    body = (
        "A check-in questionnaire needs same-day review by a clinician.\n\n"
        f"Sign in to read it:\n{link}\n"
    )
    to = [ClinicSettings.load().on_call_address()]
    return EmailMessage("URGENT: a check-in needs same-day review", body, to=to)


@task()
def create_due_check_ins_task() -> str:
    from .services import create_due_check_ins

    return f"made {len(create_due_check_ins())} check-in(s)"
