from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "klearmind.intake"
    label = "intake"
    verbose_name = "Candidacy questionnaires"

    def ready(self):
        from klearmind.booking import clearance

        from . import emails
        from .acceptance import has_accepted_questionnaire

        clearance.register(has_accepted_questionnaire)
        emails.register()
