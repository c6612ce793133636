from django.apps import AppConfig


class EncryptionTestAppConfig(AppConfig):
    """A model to encrypt in tests, installed by the test settings only."""

    name = "klearmind.encryption.tests.testapp"
    label = "encryption_testapp"
    default_auto_field = "django.db.models.BigAutoField"
