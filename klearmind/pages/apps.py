from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "klearmind.pages"
    label = "pages"
    verbose_name = "Public site"

    def ready(self):
        from . import signals

        signals.connect()
