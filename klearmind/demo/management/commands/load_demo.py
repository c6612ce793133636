import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from klearmind.accounts.demo import describe, ensure_demo_staff
from klearmind.booking.demo import ensure_demo_booking
from klearmind.care.demo import load_care_demo
from klearmind.comments.demo import ensure_demo_comments
from klearmind.enquiries.demo import load_enquiries_demo
from klearmind.intake.demo import book_demo_consultation, load_intake_demo
from klearmind.pages.demo import load_demo
from klearmind.payments.demo import load_payments_demo
from klearmind.portal.demo import portal_demo
from klearmind.workday.demo import load_workday_demo


class Command(BaseCommand):
    help = (
        "Build the demo clinic (pages, safety notices, images, settings, one staff login "
        "per role). Safe to run again: it creates what is missing and brings up to date only "
        "what nobody has edited since the demo wrote it."
    )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "load_demo refuses to run under the production settings: it adds invented "
                "patients to the records and staff logins whose passwords it prints."
            )
        report, logins = self._quietly(load_site) if options["verbosity"] < 2 else load_site()
        self.stdout.write(
            f"Demo pages: {len(report.pages_created)} created, "
            f"{len(report.pages_present)} already present."
        )
        if report.translations_created or report.translations_present:
            self.stdout.write(
                f"Spanish pages: {len(report.translations_created)} created, "
                f"{len(report.translations_present)} already present."
            )
        if report.pages_updated or report.other_updated:
            updated = report.pages_updated + report.other_updated
            self.stdout.write("Brought up to date (never edited): " + "; ".join(updated) + ".")
        if report.other_created:
            self.stdout.write("Also created: " + "; ".join(report.other_created) + ".")
        self.stdout.write(load_intake_demo())
        self.stdout.write(load_enquiries_demo())
        self.stdout.write(ensure_demo_booking().summary())
        if lead := book_demo_consultation():
            self.stdout.write(lead)
        self.stdout.write(load_care_demo().summary())
        if payments := load_payments_demo():
            self.stdout.write(payments)
        if portal := portal_demo():
            self.stdout.write(portal)
        self.stdout.write(load_workday_demo())
        self.stdout.write(describe(logins))

    @staticmethod
    def _quietly(function):
        # Wagtail logs every page it creates and publishes; a summary is enough here.
        logger = logging.getLogger("wagtail")
        level = logger.level
        logger.setLevel(logging.WARNING)
        try:
            return function()
        finally:
            logger.setLevel(level)


@transaction.atomic
def load_site():
    """The public site's content, the staff logins, then the sample comments on its articles."""
    report = load_demo()
    logins = ensure_demo_staff()
    report.other_created += ensure_demo_comments()
    return report, logins
