from django.apps import AppConfig


class EnquiriesTestAppConfig(AppConfig):
    name = "klearmind.enquiries.tests.testapp"
    label = "enquiries_testapp"
    default_auto_field = "django.db.models.BigAutoField"
