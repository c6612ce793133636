from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "klearmind.worker"
    label = "worker"
    verbose_name = "Background worker"
