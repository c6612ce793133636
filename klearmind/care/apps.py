from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "klearmind.care"
    label = "care"
    verbose_name = "Care record and outcomes"
