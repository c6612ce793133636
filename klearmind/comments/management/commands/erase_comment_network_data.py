from django.core.management.base import BaseCommand

from klearmind.comments.tasks import erase_network_data_task


class Command(BaseCommand):
    help = (
        "Erase the IP address and browser of comments older than the retention period "
        "(Settings → Comment settings, 60 days by default). The scheduler runs it daily."
    )

    def handle(self, *args, **options):
        changed = erase_network_data_task.call()
        self.stdout.write(f"Erased the IP address and browser of {changed} comment(s).")
