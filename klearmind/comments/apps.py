from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "klearmind.comments"
    label = "comments"
    verbose_name = "Comments"

    def ready(self):
        from . import emails, signals

        emails.register()

        signals.connect()
