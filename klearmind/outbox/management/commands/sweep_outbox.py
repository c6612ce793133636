from django.core.management.base import BaseCommand

from klearmind.outbox.tasks import sweep


class Command(BaseCommand):
    help = "Queue again the outgoing messages whose delivery task was lost."

    def handle(self, *args, **options):
        ids = sweep()
        self.stdout.write(f"Re-queued {len(ids)} message(s).")
