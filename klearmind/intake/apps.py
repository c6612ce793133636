from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "klearmind.intake"
    label = "intake"
    verbose_name = "Candidacy questionnaires"

    def ready(self):
        from klearmind.booking import clearance, hooks

        from . import emails
        from .acceptance import has_accepted_questionnaire
        from .consultation import details_typed, match_booked_consultation

        clearance.register(has_accepted_questionnaire)
        hooks.register_details_source(details_typed)
        hooks.register_booked(match_booked_consultation)
        emails.register()
