from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "klearmind.payments"
    label = "payments"
    verbose_name = "Payments"

    def ready(self):
        from . import desk_lines, membership_emails, packages, patient, receivers

        membership_emails.register()
        packages.register()  # a completed visit uses a package credit
        receivers.register()  # a cancelled or missed visit: its deposit refunded or kept
        patient.register()  # the deposit step after booking, and the visit page's payments
        desk_lines.register()  # the staff appointment screen's deposit and account link
