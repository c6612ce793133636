from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "klearmind.intake"
    label = "intake"
    verbose_name = "Candidacy questionnaires"
