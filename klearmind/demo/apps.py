from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "klearmind.demo"
    label = "demo"
    verbose_name = "Demo clinic"
