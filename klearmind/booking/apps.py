from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "klearmind.booking"
    label = "booking"
    verbose_name = "Booking"

    def ready(self):
        from . import emails, menu

        emails.register()
        menu.connect()
