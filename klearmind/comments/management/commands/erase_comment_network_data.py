from django.core.management.base import BaseCommand

from klearmind.comments.services import erase_network_data


class Command(BaseCommand):
    help = (
        "Erase the IP address and browser of comments older than the retention period "
        "(Settings → Comment settings, 60 days by default). Run it daily from cron or a timer."
    )

    def handle(self, *args, **options):
        changed = erase_network_data()
        self.stdout.write(f"Erased the IP address and browser of {changed} comment(s).")
