from django.core.management.base import BaseCommand

from klearmind.scheduler.runner import build_scheduler


class Command(BaseCommand):
    help = (
        "Enqueue the periodic tasks (reminders, check-ins, erasures) when they are due, for the "
        "task worker to run. Several may run: each run is enqueued once."
    )

    def handle(self, *args, **options):
        scheduler = build_scheduler()
        for job in scheduler.get_jobs():
            self.stdout.write(f"{job.id}: {job.trigger}")
        self.stdout.write("The scheduler is running. Ctrl-C stops it.")
        self.stdout.flush()  # before it blocks, also when its output goes to a pipe
        try:
            scheduler.start()
        except KeyboardInterrupt:
            self.stdout.write("The scheduler stopped.")
