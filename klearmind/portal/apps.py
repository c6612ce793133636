from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "klearmind.portal"
    label = "portal"
    verbose_name = "Patient portal"

    def ready(self):
        from . import emails

        emails.register()
