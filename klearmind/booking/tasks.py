"""E-mail about visits, sent by the task worker: the outbox (retried on failure) and the
reminder a day ahead, which is claimed before it is sent so it goes out exactly once, and the
sweep that sends the reminders still due (the scheduler runs it every few minutes)."""

import datetime
import logging

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from klearmind.clinic.models import ClinicSettings

from .emails import build_message
from .models import Appointment, AppointmentStatus, BookingEmail, Invitation

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY_SECONDS = 60


def retry_delay(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8 ... minutes, like the comment e-mails."""
    return datetime.timedelta(seconds=FIRST_RETRY_SECONDS * 2 ** (attempts - 1))


@task()
def send_booking_email(*, email_id: int) -> str:
    """Send one outbox e-mail unless it was sent already; on failure, try again later."""
    with transaction.atomic():
        email = (
            BookingEmail.objects.select_for_update()
            .select_related("appointment__service", "appointment__location__page")
            .filter(pk=email_id, sent_at__isnull=True)
            .first()
        )
        if email is None:
            return "already sent or gone"
        try:
            build_message(email.appointment, email.kind).send()
        except Exception as error:  # noqa: BLE001 - any SMTP or network failure is retried
            return schedule_retry(email, error)
        email.sent_at = timezone.now()
        email.save(update_fields=["sent_at"])
    return "sent"


def schedule_retry(email: BookingEmail, error: Exception) -> str:
    email.attempts += 1
    email.last_error = f"{type(error).__name__}: {error}"[:300]
    email.save(update_fields=["attempts", "last_error"])
    if email.attempts >= MAX_ATTEMPTS:
        logger.error("Gave up on booking e-mail %s: %s", email.pk, email.last_error)
        return "gave up"
    if send_booking_email.get_backend().supports_defer:
        run_after = timezone.now() + retry_delay(email.attempts)
        transaction.on_commit(
            lambda: send_booking_email.using(run_after=run_after).enqueue(email_id=email.pk)
        )
    return "will retry"


@task()
def send_reminder(*, appointment_id: int, starts_at: str) -> str:
    """Send the day-ahead reminder once: only while the visit is still booked at the time the
    reminder was scheduled for, and only if no reminder went out for it yet."""
    scheduled_for = datetime.datetime.fromisoformat(starts_at)
    with transaction.atomic():
        claimed = Appointment.objects.filter(
            pk=appointment_id,
            status=AppointmentStatus.BOOKED,
            starts_at=scheduled_for,
            reminder_sent_at__isnull=True,
        ).update(reminder_sent_at=timezone.now())
        if not claimed:
            return "nothing to send"
        appointment = Appointment.objects.select_related("service", "location__page").get(
            pk=appointment_id
        )
        # A failure here rolls the claim back, so the next sweep tries again.
        build_message(appointment, "reminder").send()
    return "sent"


@task()
def send_invitation(*, invitation_id: int) -> str:
    """E-mail a candidate their personal booking link."""
    invitation = Invitation.objects.filter(pk=invitation_id, used_at__isnull=True).first()
    if invitation is None:
        return "used or gone"
    body = render_to_string(
        "booking/email/invitation.txt",
        {"invitation": invitation, "clinic": ClinicSettings.load()},
    )
    EmailMessage("Your personal link to book treatment", body, to=[invitation.email]).send()
    return "sent"


@task()
def send_due_reminders() -> int:
    """Send the day-ahead reminder of every visit in the next 24 hours that has not had one;
    return how many went out."""
    from .services import REMINDER_AHEAD

    due = Appointment.objects.due_reminders(now=timezone.now(), ahead=REMINDER_AHEAD)
    sent = 0
    for pk, starts_at in due.values_list("pk", "starts_at"):
        sent += send_reminder.call(appointment_id=pk, starts_at=starts_at.isoformat()) == "sent"
    return sent
