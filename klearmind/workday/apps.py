from django.apps import AppConfig


class WorkdayConfig(AppConfig):
    name = "klearmind.workday"
    label = "workday"
    verbose_name = "Each role's home screen"
