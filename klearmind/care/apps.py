from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "klearmind.care"
    label = "care"
    verbose_name = "Care record and outcomes"

    def ready(self):
        from . import attention_sources  # noqa: F401 - registers the Needs attention sources
