from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "klearmind.outbox"
    label = "outbox"
    verbose_name = "Outgoing messages"

    def ready(self):
        from . import channels  # noqa: F401  (registers the e-mail channel)
