from django.core.management.base import BaseCommand

from klearmind.scheduler.runner import build_scheduler


class Command(BaseCommand):
    help = (
        "Enqueue the periodic tasks (reminders, check-ins, erasures) when they are due, for the "
        "task worker to run. Several may run: each run is enqueued once."
    )

    def handle(self, *args, **options):
        scheduler = build_scheduler()
        for scheduled in scheduler.get_jobs():
            job = scheduled.kwargs["job"]
            self.stdout.write(f"{job.name}: {job.cron}, enqueues {job.task_path}")
        self.stdout.write(f"The scheduler is running ({scheduler.timezone}). Ctrl-C stops it.")
        self.stdout.flush()  # before it blocks, also when its output goes to a pipe
        try:
            scheduler.start()
        except KeyboardInterrupt:
            self.stdout.write("The scheduler stopped.")
