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
        hooks.register_caller_finder(find_candidates)
        emails.register()


def find_candidates(user, search) -> list:
    """Candidates whose questionnaire has this whole e-mail address, whole name or phone number
    (a `booking.hooks.CallerSearch`), for the desk's finder; only for a role that may open the
    questionnaire queue ("view patient contact")."""
    from django.urls import reverse

    from klearmind.booking.hooks import Caller

    from .models import Submission

    if not user.has_perm("accounts.view_patient_contact"):
        return []
    found = Submission.objects.filter(search.lookup()).order_by("-pk")[:5]
    return [
        Caller(
            "Candidate",
            submission.full_name,
            submission.email,
            submission.phone,
            reverse("intake_admin:detail", args=[submission.pk]),
        )
        for submission in found
    ]
