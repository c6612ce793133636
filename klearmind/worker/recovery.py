"""Tasks abandoned by a worker that died: the database worker marks a task RUNNING when it
takes it and never looks at it again, so a killed worker would leave it claimed forever.

A task is abandoned when the worker that took it ran on this machine and its process is gone,
or when it has been running longer than the lease (`TASK_LEASE_SECONDS`), wherever its worker
ran. Abandoned tasks go back to the queue; every task they run is safe to run twice (see
docs/decisions/017-fault-drills.md)."""

import datetime
import logging
import os
import socket

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)


def this_host() -> str:
    return socket.gethostname()[:40]


def new_worker_id() -> str:
    """host:pid:random, so a later worker can tell whether this one is still alive."""
    return f"{this_host()}:{os.getpid()}:{get_random_string(8)}"


def process_is_gone(worker_id: str) -> bool:
    """True only when the worker ran on this machine and its process no longer exists."""
    host, _, rest = worker_id.partition(":")
    pid = rest.partition(":")[0]
    if host != this_host() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, owned by another user
        return False
    return False


def is_abandoned(
    result: DBTaskResult, *, lease_started_before: datetime.datetime, own_id: str
) -> bool:
    if result.started_at is not None and result.started_at < lease_started_before:
        return True
    last = result.worker_ids[-1] if result.worker_ids else ""
    return bool(own_id) and last == own_id or process_is_gone(last)


def requeue_abandoned_tasks(*, backend_name: str, own_id: str = "") -> list[DBTaskResult]:
    """Put the backend's abandoned RUNNING tasks back to READY; return them. `own_id` is the
    calling worker's id when it knows it is running nothing (it lost its database)."""
    lease_started_before = timezone.now() - datetime.timedelta(seconds=settings.TASK_LEASE_SECONDS)
    requeued = []
    running = DBTaskResult.objects.running().filter(backend_name=backend_name)
    for result in running:
        if not is_abandoned(result, lease_started_before=lease_started_before, own_id=own_id):
            continue
        # Only if nobody else requeued or finished it meanwhile.
        updated = DBTaskResult.objects.filter(
            pk=result.pk, status=TaskResultStatus.RUNNING, worker_ids=result.worker_ids
        ).update(status=TaskResultStatus.READY)
        if updated:
            logger.warning(
                "Requeued task %s (%s), abandoned by worker %s",
                result.pk,
                result.task_path,
                result.worker_ids[-1] if result.worker_ids else "?",
            )
            requeued.append(result)
    return requeued
