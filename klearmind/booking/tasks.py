"""The reminder a day ahead, run by the task worker: claimed on the visit before it is queued
in the outbox, so it goes out exactly once, and the sweep that queues the reminders still due
(the scheduler runs it every few minutes). Every other e-mail about a visit goes straight
through the outbox (emails.py)."""

import datetime

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from klearmind.outbox.services import enqueue

from .emails import REMINDER, outbox_kind
from .models import Appointment, AppointmentStatus


@task()
def send_reminder(*, appointment_id: int, starts_at: str) -> str:
    """Queue the day-ahead reminder once: only while the visit is still booked at the time the
    reminder was scheduled for, and only if no reminder was queued for it yet."""
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
        appointment = Appointment.objects.get(pk=appointment_id)
        # The outbox retries a failed send; the claim stays, so no second reminder is queued.
        enqueue(
            kind=outbox_kind(REMINDER),
            recipient=appointment.patient_email,
            about=appointment,
            params={"starts_at": appointment.starts_at.isoformat()},
        )
    return "queued"


@task()
def send_due_reminders() -> int:
    """Queue the day-ahead reminder of every visit in the next 24 hours that has not had one;
    return how many were queued."""
    from .services import REMINDER_AHEAD

    due = Appointment.objects.due_reminders(now=timezone.now(), ahead=REMINDER_AHEAD)
    queued = 0
    for pk, starts_at in due.values_list("pk", "starts_at"):
        queued += send_reminder.call(appointment_id=pk, starts_at=starts_at.isoformat()) == "queued"
    return queued
