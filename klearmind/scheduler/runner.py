"""APScheduler, set up to enqueue the jobs of `jobs.JOBS`, each run under its own key.

A job's function is told the time its run was due (`run_at`): two schedulers firing the same
run give the same time, so the run's unique key lets one of them enqueue it.

- coalesce: runs missed while the scheduler was held up (a stalled database, a suspended
  machine) fire once, not once each: every task sweeps up all that is due.
- misfire grace of five minutes: a run held up longer is skipped and the next one catches up.
- one instance per job, run in the scheduler's own thread: a run is one insert and one
  enqueue, and needs no thread with its own database connection."""

import datetime
import logging
import traceback

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MISSED,
    JobExecutionEvent,
)
from apscheduler.executors.base import BaseExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from django.conf import settings
from django.db import close_old_connections, connection

from .jobs import Job, enabled_jobs
from .services import enqueue_run

logger = logging.getLogger(__name__)

MISFIRE_GRACE_SECONDS = 300


class KeyedRunExecutor(BaseExecutor):
    """Runs each due run in the scheduler's thread, passing the time it was due as `run_at`."""

    def _do_submit_job(self, job, run_times):
        self._run_job_success(job.id, [self.run(job, run_time) for run_time in run_times])

    def run(self, job, run_time: datetime.datetime) -> JobExecutionEvent:
        alias = job._jobstore_alias
        late = datetime.datetime.now(datetime.UTC) - run_time
        if job.misfire_grace_time is not None and late.total_seconds() > job.misfire_grace_time:
            logger.warning("Skipped the run of %s due at %s: %s late", job.id, run_time, late)
            return JobExecutionEvent(EVENT_JOB_MISSED, job.id, alias, run_time)
        try:
            retval = job.func(*job.args, **{**job.kwargs, "run_at": run_time})
        except Exception as error:
            logger.exception("The run of %s due at %s failed", job.id, run_time)
            return JobExecutionEvent(
                EVENT_JOB_ERROR,
                job.id,
                alias,
                run_time,
                exception=error,
                traceback=traceback.format_exc(),
            )
        return JobExecutionEvent(EVENT_JOB_EXECUTED, job.id, alias, run_time, retval=retval)


def fire(*, job: Job, run_at: datetime.datetime) -> bool:
    """Enqueue the run; True if this scheduler did, False if another had."""
    drop_stale_connections()
    try:
        run = enqueue_run(job=job, run_at=run_at)
    finally:
        drop_stale_connections()
    if run is not None:
        logger.debug("Enqueued %s for its run due at %s", job.task_path, run_at)
    return run is not None


def drop_stale_connections() -> None:
    """As Django does around each request: close a connection the database dropped (a restart)
    or one past its CONN_MAX_AGE. Never one in the middle of a transaction (a caller's)."""
    if not connection.in_atomic_block:
        close_old_connections()


def build_scheduler(jobs: list[Job] | None = None) -> BlockingScheduler:
    scheduler = BlockingScheduler(
        executors={"default": KeyedRunExecutor()},
        job_defaults={
            "coalesce": True,
            "misfire_grace_time": MISFIRE_GRACE_SECONDS,
            "max_instances": 1,
        },
        timezone=settings.TIME_ZONE,
    )
    for job in enabled_jobs() if jobs is None else jobs:
        job.task  # noqa: B018 - a wrong task path fails at start, not at its first run
        scheduler.add_job(
            fire, job.trigger(), kwargs={"job": job, "run_at": None}, id=job.name, name=job.name
        )
    return scheduler
