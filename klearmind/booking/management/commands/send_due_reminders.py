from django.core.management.base import BaseCommand

from klearmind.booking.tasks import send_due_reminders


class Command(BaseCommand):
    help = (
        "Queue the day-ahead reminder of every visit in the next 24 hours that has not had one "
        "(a safety net beside the reminders the worker runs on time; the scheduler runs it "
        "every five minutes). Safe to run often."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Reminders queued: {send_due_reminders.call()}.")
