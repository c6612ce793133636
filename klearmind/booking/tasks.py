"""The reminder a day ahead, run by the task worker: claimed on the visit before it is queued
in the outbox, so it goes out exactly once. Every other e-mail about a visit goes straight
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
