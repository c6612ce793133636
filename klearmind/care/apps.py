from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "klearmind.care"
    label = "care"
    verbose_name = "Care record and outcomes"

    def ready(self):
        from klearmind.booking import clearance

        from .attention import sources  # noqa: F401 - registers the Needs attention sources
        from .check_ins import tasks as check_in_tasks

        clearance.register(has_patient_record)
        check_in_tasks.register()


def has_patient_record(email: str) -> bool:
    """An active patient record: opened from an accepted questionnaire or by a clinician."""
    from .models import Patient

    return Patient.objects.active().with_email(email).exists()
