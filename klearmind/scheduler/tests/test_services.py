import datetime
from unittest import mock

import pytest
from django.db import IntegrityError, OperationalError, transaction
from django.test import TestCase, override_settings
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from klearmind.scheduler.jobs import Job
from klearmind.scheduler.models import ScheduledRun
from klearmind.scheduler.services import KEEP_RUNS, enqueue_run

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
REMINDERS = Job("send_due_reminders", "*/5 * * * *", "klearmind.booking.tasks.send_due_reminders")
RUN_AT = datetime.datetime(2026, 12, 7, 20, 5, tzinfo=datetime.UTC)


@override_settings(TASKS=DATABASE_TASKS)
class EnqueueRunTests(TestCase):
    def test_a_run_is_stored_with_the_task_it_enqueued(self):
        run = enqueue_run(job=REMINDERS, run_at=RUN_AT)
        queued = DBTaskResult.objects.get()
        assert queued.task_path == REMINDERS.task_path
        assert (run.job, run.run_at, run.task_result_id) == (REMINDERS.name, RUN_AT, str(queued.pk))

    def test_a_run_enqueued_already_is_not_enqueued_again(self):
        assert enqueue_run(job=REMINDERS, run_at=RUN_AT) is not None
        assert enqueue_run(job=REMINDERS, run_at=RUN_AT) is None
        assert DBTaskResult.objects.count() == 1
        assert ScheduledRun.objects.count() == 1

    def test_the_next_run_is_enqueued(self):
        enqueue_run(job=REMINDERS, run_at=RUN_AT)
        enqueue_run(job=REMINDERS, run_at=RUN_AT + datetime.timedelta(minutes=5))
        assert DBTaskResult.objects.count() == 2

    def test_the_database_refuses_a_second_row_for_one_run(self):
        ScheduledRun.objects.create(job=REMINDERS.name, run_at=RUN_AT)
        with pytest.raises(IntegrityError), transaction.atomic():
            ScheduledRun.objects.create(job=REMINDERS.name, run_at=RUN_AT)

    def test_a_failed_enqueue_stores_no_run_so_it_can_be_tried_again(self):
        with (
            mock.patch.object(DatabaseBackend, "enqueue", side_effect=OperationalError("gone")),
            pytest.raises(OperationalError),
        ):
            enqueue_run(job=REMINDERS, run_at=RUN_AT)
        assert not ScheduledRun.objects.exists()
        assert enqueue_run(job=REMINDERS, run_at=RUN_AT) is not None

    def test_runs_older_than_the_keeping_time_go(self):
        old = ScheduledRun.objects.create(job=REMINDERS.name, run_at=RUN_AT - KEEP_RUNS)
        older = ScheduledRun.objects.create(
            job=REMINDERS.name, run_at=RUN_AT - KEEP_RUNS - datetime.timedelta(minutes=5)
        )
        other = ScheduledRun.objects.create(job="send_check_ins", run_at=older.run_at)
        enqueue_run(job=REMINDERS, run_at=RUN_AT)
        assert set(ScheduledRun.objects.values_list("pk", flat=True)) >= {old.pk, other.pk}
        assert not ScheduledRun.objects.filter(pk=older.pk).exists()
