"""The periodic jobs, in one table: each enqueues one task on a cron timetable read in the
clinic's time zone (`TIME_ZONE`). The scheduler only enqueues; the task worker runs them.

Daily jobs run at quiet hours after 3:00, as 2:00-3:00 is skipped or repeated on the days the
clocks change."""

from dataclasses import dataclass

from apscheduler.triggers.cron import CronTrigger
from django.apps import apps
from django.conf import settings
from django.utils.module_loading import import_string
from django_tasks.base import Task


@dataclass(frozen=True)
class Job:
    name: str
    cron: str  # minute hour day month weekday
    task_path: str
    # The job runs only while this app is installed (a job for an app still to come).
    needs_app: str = ""

    @property
    def task(self) -> Task:
        return import_string(self.task_path)

    def trigger(self) -> CronTrigger:
        return CronTrigger.from_crontab(self.cron, timezone=settings.TIME_ZONE)

    def is_enabled(self) -> bool:
        return not self.needs_app or apps.is_installed(self.needs_app)


JOBS = (
    # A safety net beside the reminders enqueued on time when a visit is booked.
    Job("send_due_reminders", "*/5 * * * *", "klearmind.booking.tasks.send_due_reminders"),
    Job("send_check_ins", "7 * * * *", "klearmind.care.check_ins.tasks.create_due_check_ins_task"),
    Job(
        "erase_comment_network_data",
        "17 3 * * *",
        "klearmind.comments.tasks.erase_network_data_task",
    ),
    Job(
        "erase_stale_intake_drafts",
        "27 3 * * *",
        "klearmind.intake.tasks.erase_stale_drafts_task",
    ),
    Job(
        "reconcile_card_payments",
        "47 4 * * *",
        "klearmind.payments.tasks.reconcile_yesterday",
        needs_app="klearmind.payments",
    ),
    Job(
        "renew_memberships",
        "37 5 * * *",
        "klearmind.payments.membership_tasks.renew_memberships",
        needs_app="klearmind.payments",
    ),
    Job(
        "sweep_outbox",
        "*/5 * * * *",
        "klearmind.outbox.tasks.sweep_outbox",
        needs_app="klearmind.outbox",
    ),
)


def enabled_jobs() -> list[Job]:
    return [job for job in JOBS if job.is_enabled()]
