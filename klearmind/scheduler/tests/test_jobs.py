import datetime
from zoneinfo import ZoneInfo

from django.apps import apps
from django.test import SimpleTestCase
from django_tasks.base import Task

from klearmind.scheduler.jobs import JOBS, Job, enabled_jobs

CLINIC = ZoneInfo("America/Los_Angeles")


def job(name: str) -> Job:
    return next(job for job in JOBS if job.name == name)


def fire_times(name: str, after: datetime.datetime, count: int) -> list[datetime.datetime]:
    trigger = job(name).trigger()
    times, previous = [], None
    for _ in range(count):
        previous = trigger.get_next_fire_time(previous, previous or after)
        times.append(previous)
    return times


class JobTableTests(SimpleTestCase):
    def test_every_enabled_jobs_task_path_imports_a_task(self):
        for enabled in enabled_jobs():
            assert isinstance(enabled.task, Task), enabled.task_path
            assert enabled.task.name == enabled.task_path.rpartition(".")[2]

    def test_job_names_are_unique(self):
        assert len({job.name for job in JOBS}) == len(JOBS)

    def test_the_outbox_sweep_runs_once_its_app_is_installed(self):
        sweep = job("sweep_outbox")
        assert sweep.task_path == "klearmind.outbox.tasks.sweep_outbox"
        assert sweep.is_enabled() == apps.is_installed("klearmind.outbox")

    def test_a_job_whose_app_is_missing_is_left_out(self):
        waiting = Job(
            "later", "* * * * *", "klearmind.later.tasks.later", needs_app="klearmind.later"
        )
        assert not waiting.is_enabled()
        assert Job("now", "* * * * *", "klearmind.booking.tasks.send_due_reminders").is_enabled()


class TimetableTests(SimpleTestCase):
    NOON = datetime.datetime(2026, 12, 7, 12, 1, tzinfo=CLINIC)

    def test_reminders_every_five_minutes(self):
        times = fire_times("send_due_reminders", self.NOON, 3)
        assert [t.strftime("%H:%M") for t in times] == ["12:05", "12:10", "12:15"]

    def test_check_ins_every_hour(self):
        times = fire_times("send_check_ins", self.NOON, 2)
        assert [t.strftime("%H:%M") for t in times] == ["12:07", "13:07"]

    def test_the_erasures_once_a_day_at_quiet_hours_in_the_clinics_time_zone(self):
        for name in ("erase_comment_network_data", "erase_stale_intake_drafts"):
            first, second = fire_times(name, self.NOON, 2)
            assert first.tzinfo.key == "America/Los_Angeles"
            assert first.date() == datetime.date(2026, 12, 8)
            assert 3 <= first.hour < 4
            assert second - first == datetime.timedelta(days=1)

    def test_memberships_renew_once_a_day_before_the_clinics_open(self):
        first, second = fire_times("renew_memberships", self.NOON, 2)
        assert first == datetime.datetime(2026, 12, 8, 5, 37, tzinfo=CLINIC)
        assert second - first == datetime.timedelta(days=1)

    def test_card_payments_are_reconciled_once_a_day_after_the_clock_change_hour(self):
        first, second = fire_times("reconcile_card_payments", self.NOON, 2)
        assert first == datetime.datetime(2026, 12, 8, 4, 47, tzinfo=CLINIC)
        assert second - first == datetime.timedelta(days=1)

    def test_a_daily_job_keeps_its_local_hour_across_the_clock_change(self):
        before = datetime.datetime(2027, 3, 12, 12, tzinfo=CLINIC)
        first, second = fire_times("erase_comment_network_data", before, 2)
        assert (first.hour, second.hour) == (3, 3)
        assert first.utcoffset() != second.utcoffset()
