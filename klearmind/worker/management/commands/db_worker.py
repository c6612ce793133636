"""`manage.py db_worker`, as django-tasks-db runs it, after putting back into the queue the
tasks a dead worker left half-done. Its worker id names the machine and the process."""

from django_tasks_db.management.commands import db_worker

from klearmind.worker.recovery import new_worker_id, requeue_abandoned_tasks


class Command(db_worker.Command):
    help = "Requeue tasks abandoned by a dead worker, then run the database background worker"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(worker_id=None)

    def handle(self, *, backend_name, worker_id, **options):
        for result in requeue_abandoned_tasks(backend_name=backend_name):
            self.stdout.write(f"Requeued task {result.pk} ({result.task_path}), abandoned.")
        super().handle(backend_name=backend_name, worker_id=worker_id or new_worker_id(), **options)
