from django.core.management.base import BaseCommand
from django.utils import timezone

from klearmind.booking.models import Appointment
from klearmind.booking.services import REMINDER_AHEAD
from klearmind.booking.tasks import send_reminder


class Command(BaseCommand):
    help = (
        "Queue the day-ahead reminder of every visit in the next 24 hours that has not had one "
        "(a safety net beside the reminders the worker runs on time). Safe to run often."
    )

    def handle(self, *args, **options):
        due = Appointment.objects.due_reminders(now=timezone.now(), ahead=REMINDER_AHEAD)
        sent = 0
        for pk, starts_at in due.values_list("pk", "starts_at"):
            outcome = send_reminder.call(appointment_id=pk, starts_at=starts_at.isoformat())
            sent += outcome == "queued"
        self.stdout.write(f"Reminders queued: {sent}.")
