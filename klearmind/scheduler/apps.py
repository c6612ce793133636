from django.apps import AppConfig


class SchedulerConfig(AppConfig):
    name = "klearmind.scheduler"
    label = "scheduler"
    verbose_name = "Scheduler"
