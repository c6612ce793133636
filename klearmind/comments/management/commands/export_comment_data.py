import json

from django.core.management.base import BaseCommand

from klearmind.comments.services import export_personal_data


class Command(BaseCommand):
    help = "Print, as JSON, everything stored about the comments of one e-mail address."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, **options):
        data = export_personal_data(email=options["email"])
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
