from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "klearmind.care"
    label = "care"
    verbose_name = "Care record and outcomes"

    def ready(self):
        from klearmind.booking import clearance, hooks

        from .attention import sources  # noqa: F401 - registers the Needs attention sources
        from .check_ins import tasks as check_in_tasks
        from .consents.standing import treatments_to_sign_for

        clearance.register(has_patient_record)
        hooks.register_caller_finder(find_patients)
        hooks.register_consent_check(treatments_to_sign_for)
        check_in_tasks.register()


def has_patient_record(email: str) -> bool:
    """An active patient record: opened from an accepted questionnaire or by a clinician."""
    from .models import Patient

    return Patient.objects.active().with_email(email).exists()


def find_patients(user, search) -> list:
    """Patients with this whole e-mail address, whole name or phone number (a
    `booking.hooks.CallerSearch`), for the desk's finder; only for a role that may open the
    patient screens (they require "view health record")."""
    from django.urls import reverse

    from klearmind.booking.hooks import Caller

    from .models import Patient

    if not user.has_perm("accounts.view_health_record"):
        return []
    return [
        Caller(
            "Patient",
            patient.full_name,
            patient.email,
            patient.phone,
            reverse("care_admin:patient", args=[patient.pk]),
        )
        for patient in Patient.objects.filter(search.lookup()).order_by("-pk")[:5]
    ]
