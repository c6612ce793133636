"""The scheduler driven for one round: the clock is set to the moment a run is due and stands
still, the scheduler fires what is due, and a listener stops it then. Nothing sleeps."""

import datetime
import io
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from apscheduler.events import EVENT_JOB_SUBMITTED
from django.core.management import call_command
from django.db import OperationalError
from django.test import SimpleTestCase, TestCase, override_settings
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from klearmind.scheduler.jobs import Job
from klearmind.scheduler.management.commands import scheduler as command
from klearmind.scheduler.models import ScheduledRun
from klearmind.scheduler.runner import MISFIRE_GRACE_SECONDS, build_scheduler

CLINIC = ZoneInfo("America/Los_Angeles")
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
FIVE_PAST = datetime.datetime(2026, 12, 7, 12, 5, tzinfo=CLINIC)
REMINDERS = Job("send_due_reminders", "*/5 * * * *", "klearmind.booking.tasks.send_due_reminders")
ERASURE = Job(
    "erase_stale_intake_drafts", "27 3 * * *", "klearmind.intake.tasks.erase_stale_drafts_task"
)


def stop_after_one_round(scheduler):
    """Once the scheduler has handed its due runs to the executor, stop it."""
    scheduler.add_listener(lambda event: scheduler.shutdown(wait=False), EVENT_JOB_SUBMITTED)
    return scheduler


def run_one_round(jobs, *, now, next_run_time=None):
    # With the clock standing still, a round with nothing due would never end.
    assert next_run_time or any(job.trigger().get_next_fire_time(None, now) == now for job in jobs)
    scheduler = stop_after_one_round(build_scheduler(jobs))
    if next_run_time:  # as if the scheduler had been held up since then
        for job in jobs:
            scheduler.modify_job(job.name, next_run_time=next_run_time)
    with time_machine.travel(now, tick=False):
        scheduler.start()


def queued() -> list[str]:
    return list(DBTaskResult.objects.values_list("task_path", flat=True))


@override_settings(TASKS=DATABASE_TASKS)
class SchedulerTests(TestCase):
    def test_a_due_run_enqueues_its_task_under_the_time_it_was_due(self):
        run_one_round([REMINDERS, ERASURE], now=FIVE_PAST)
        assert queued() == [REMINDERS.task_path]
        run = ScheduledRun.objects.get()
        assert (run.job, run.run_at) == (REMINDERS.name, FIVE_PAST)

    def test_two_schedulers_firing_the_same_run_enqueue_one_task(self):
        run_one_round([REMINDERS], now=FIVE_PAST)
        run_one_round([REMINDERS], now=FIVE_PAST)
        assert queued() == [REMINDERS.task_path]
        assert ScheduledRun.objects.count() == 1

    def test_runs_missed_while_held_up_are_enqueued_once(self):
        run_one_round(
            [REMINDERS], now=FIVE_PAST, next_run_time=FIVE_PAST - datetime.timedelta(minutes=25)
        )
        assert queued() == [REMINDERS.task_path]
        assert ScheduledRun.objects.get().run_at == FIVE_PAST

    def test_a_run_held_up_past_the_grace_time_is_skipped_for_the_next(self):
        due = datetime.datetime(2026, 12, 7, 3, 27, tzinfo=CLINIC)
        late = due + datetime.timedelta(seconds=MISFIRE_GRACE_SECONDS + 1)
        run_one_round([ERASURE], now=late, next_run_time=due)
        assert queued() == []

    def test_a_run_a_little_late_is_still_enqueued(self):
        due = datetime.datetime(2026, 12, 7, 3, 27, tzinfo=CLINIC)
        late = due + datetime.timedelta(seconds=MISFIRE_GRACE_SECONDS - 1)
        run_one_round([ERASURE], now=late, next_run_time=due)
        assert queued() == [ERASURE.task_path]

    def test_a_failed_run_stops_nothing_and_the_next_run_enqueues(self):
        with mock.patch.object(DatabaseBackend, "enqueue", side_effect=OperationalError("gone")):
            run_one_round([REMINDERS], now=FIVE_PAST)
        assert queued() == []
        run_one_round([REMINDERS], now=FIVE_PAST + datetime.timedelta(minutes=5))
        assert queued() == [REMINDERS.task_path]

    def test_the_command_starts_and_enqueues_the_task_of_a_due_job(self):
        out = io.StringIO()
        with (
            mock.patch.object(
                command, "build_scheduler", lambda: stop_after_one_round(build_scheduler())
            ),
            time_machine.travel(FIVE_PAST, tick=False),
        ):
            call_command("scheduler", stdout=out)
        assert (
            "send_due_reminders: */5 * * * *, enqueues klearmind.booking.tasks.send_due_reminders"
            in out.getvalue()
        )
        assert "The scheduler is running (America/Los_Angeles)." in out.getvalue()
        assert REMINDERS.task_path in queued()
        assert ScheduledRun.objects.filter(job="send_due_reminders", run_at=FIVE_PAST).exists()


class StartTests(SimpleTestCase):
    def test_a_job_whose_task_path_does_not_import_stops_the_start(self):
        wrong = Job("wrong", "* * * * *", "klearmind.booking.tasks.no_such_task")
        with pytest.raises(ImportError):
            build_scheduler([wrong])
