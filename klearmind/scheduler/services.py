import datetime
import logging

from django.db import IntegrityError, transaction

from .jobs import Job
from .models import ScheduledRun

logger = logging.getLogger(__name__)

# Runs are kept this long, to see when each job last ran; then the next run deletes them.
KEEP_RUNS = datetime.timedelta(days=30)


def enqueue_run(*, job: Job, run_at: datetime.datetime) -> ScheduledRun | None:
    """Enqueue the job's task for its run due at `run_at`, unless another scheduler did: the
    run is stored first, and its unique key refuses a second. Returns the run, or None."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=job.name, run_at=run_at)
        except IntegrityError:
            logger.info("Run %s of %s was enqueued by another scheduler", run_at, job.name)
            return None
        run.task_result_id = job.task.enqueue().id
        run.save(update_fields=["task_result_id"])
        ScheduledRun.objects.filter(job=job.name, run_at__lt=run_at - KEEP_RUNS).delete()
    return run
