from django.apps import AppConfig
from django.core.signals import setting_changed


class EncryptionConfig(AppConfig):
    name = "klearmind.encryption"
    label = "encryption"
    verbose_name = "Encryption at rest"

    def ready(self):
        from . import checks, keys  # noqa: F401  (registers the system checks)

        setting_changed.connect(keys.forget_keys, dispatch_uid="encryption.forget_keys")
