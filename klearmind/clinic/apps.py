from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "klearmind.clinic"
    label = "clinic"
    verbose_name = "Clinic"
