import datetime
import subprocess
from unittest import mock

from django.core.management import call_command
from django.db import OperationalError
from django.test import TestCase, override_settings
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from klearmind.intake.tasks import erase_stale_drafts_task
from klearmind.worker.recovery import new_worker_id, requeue_abandoned_tasks, this_host

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def dead_pid() -> int:
    """The id of a process that has just ended (and been reaped)."""
    process = subprocess.Popen(["true"])  # noqa: S607
    process.wait()
    return process.pid


@override_settings(TASKS=DATABASE_TASKS, TASK_LEASE_SECONDS=900)
class RequeueTests(TestCase):
    def claimed(self, worker_id: str, *, minutes_ago: int = 0) -> DBTaskResult:
        result = DBTaskResult.objects.get(pk=erase_stale_drafts_task.enqueue().id)
        result.claim(worker_id)
        started = timezone.now() - datetime.timedelta(minutes=minutes_ago)
        DBTaskResult.objects.filter(pk=result.pk).update(started_at=started)
        return result

    def status(self, result: DBTaskResult) -> str:
        result.refresh_from_db()
        return result.status

    def test_a_task_whose_worker_process_is_gone_goes_back_to_the_queue(self):
        result = self.claimed(f"{this_host()}:{dead_pid()}:abcdefgh")
        assert requeue_abandoned_tasks(backend_name="default") == [result]
        assert self.status(result) == TaskResultStatus.READY
        assert DBTaskResult.objects.ready().get() == result

    def test_a_task_whose_worker_is_alive_stays_with_it(self):
        result = self.claimed(new_worker_id(), minutes_ago=14)
        assert requeue_abandoned_tasks(backend_name="default") == []
        assert self.status(result) == TaskResultStatus.RUNNING

    def test_a_task_of_a_worker_on_another_machine_is_requeued_only_after_the_lease(self):
        recent = self.claimed("elsewhere:123:abcdefgh", minutes_ago=14)
        stale = self.claimed("elsewhere:124:abcdefgh", minutes_ago=16)
        assert requeue_abandoned_tasks(backend_name="default") == [stale]
        assert self.status(recent) == TaskResultStatus.RUNNING
        assert self.status(stale) == TaskResultStatus.READY

    def test_finished_tasks_are_left_alone(self):
        result = self.claimed(f"{this_host()}:{dead_pid()}:abcdefgh", minutes_ago=60)
        result.set_successful("done")
        assert requeue_abandoned_tasks(backend_name="default") == []
        assert self.status(result) == TaskResultStatus.SUCCESSFUL

    def test_a_worker_id_names_this_machine_and_process(self):
        host, pid, suffix = new_worker_id().split(":")
        assert (host, len(suffix)) == (this_host(), 8)
        assert int(pid) > 0

    def test_a_worker_that_lost_its_database_takes_back_its_own_running_task(self):
        own = new_worker_id()
        result = self.claimed(own)
        assert requeue_abandoned_tasks(backend_name="default") == []
        assert requeue_abandoned_tasks(backend_name="default", own_id=own) == [result]


@override_settings(TASKS=DATABASE_TASKS)
class WorkerCommandTests(TestCase):
    def test_the_worker_waits_out_a_lost_database_and_carries_on(self):
        runs = iter([OperationalError("the server closed the connection"), None])

        def run_worker(self, **options):
            assert options["worker_id"].startswith(this_host() + ":")
            if error := next(runs):
                raise error

        with (
            mock.patch.object(db_worker.Command, "handle", run_worker),
            mock.patch("klearmind.worker.management.commands.db_worker.time.sleep") as sleep,
            # The test's transaction must keep its connection.
            mock.patch("klearmind.worker.management.commands.db_worker.connections"),
        ):
            call_command("db_worker", "--no-startup-delay")
        sleep.assert_called_once()

    def test_in_batch_mode_a_lost_database_is_an_error(self):
        error = OperationalError("the server closed the connection")
        with (
            mock.patch.object(db_worker.Command, "handle", side_effect=error),
            self.assertRaises(OperationalError),
        ):
            call_command("db_worker", "--batch")
