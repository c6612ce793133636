from django.apps import AppConfig


class EnquiriesConfig(AppConfig):
    name = "klearmind.enquiries"
    label = "enquiries"
    verbose_name = "Enquiries"

    def ready(self):
        from . import (
            checks,  # noqa: F401  (registers the system check)
            emails,
        )

        emails.register()
