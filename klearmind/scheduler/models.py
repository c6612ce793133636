from django.db import models


class ScheduledRun(models.Model):
    """One run of a periodic job, stored before its task is enqueued: the unique key lets only
    one of several schedulers enqueue it."""

    job = models.CharField(max_length=100)
    run_at = models.DateTimeField(help_text="When the run was due, as the job's timetable says.")
    enqueued_at = models.DateTimeField(auto_now_add=True)
    task_result_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-run_at"]
        constraints = [
            models.UniqueConstraint(fields=["job", "run_at"], name="scheduler_one_enqueue_per_run")
        ]

    def __str__(self):
        return f"{self.job} at {self.run_at:%Y-%m-%d %H:%M %Z}"
