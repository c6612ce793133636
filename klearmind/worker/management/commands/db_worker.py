"""`manage.py db_worker`, as django-tasks-db runs it, after putting back into the queue the
tasks a dead worker left half-done. Its worker id names the machine and the process. When the
database goes away (a restart, a failover), it waits and carries on instead of exiting."""

import contextlib
import logging
import time

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django_tasks_db.management.commands import db_worker

from klearmind.worker.recovery import new_worker_id, requeue_abandoned_tasks

logger = logging.getLogger("klearmind.worker")

RECONNECT_SECONDS = 2


class Command(db_worker.Command):
    help = "Requeue tasks abandoned by a dead worker, then run the database background worker"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(worker_id=None)

    def configure_logging(self, verbosity: int) -> None:
        # At the default verbosity the levels are LOGGING's (settings): django-tasks-db would
        # raise the task loggers to INFO, two lines for every task. -v 0 and -v 2 still apply.
        if verbosity != 1:
            super().configure_logging(verbosity)

    def handle(self, *, backend_name, worker_id, batch, **options):
        worker_id = worker_id or new_worker_id()
        while True:
            try:
                self.requeue(backend_name, worker_id)
                return super().handle(
                    backend_name=backend_name, worker_id=worker_id, batch=batch, **options
                )
            except (OperationalError, InterfaceError) as error:
                if batch:
                    raise
                logger.warning(
                    "The database is unavailable (%s); trying again in %ss",
                    type(error).__name__,
                    RECONNECT_SECONDS,
                )
                with contextlib.suppress(DatabaseError):
                    connections.close_all()
                time.sleep(RECONNECT_SECONDS)

    def requeue(self, backend_name: str, worker_id: str) -> None:
        # This worker's own RUNNING tasks too: after a lost database, it is running none.
        for result in requeue_abandoned_tasks(backend_name=backend_name, own_id=worker_id):
            self.stdout.write(f"Requeued task {result.pk} ({result.task_path}), abandoned.")
