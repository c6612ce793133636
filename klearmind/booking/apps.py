from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "klearmind.booking"
    label = "booking"
    verbose_name = "Booking"

    def ready(self):
        from klearmind.clinic import link_targets

        from . import emails, menu
        from .flow import place_choices, service_choices

        emails.register()
        menu.connect()
        link_targets.register(services=service_choices, places=place_choices)
