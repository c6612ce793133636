from django.core.management.base import BaseCommand

from klearmind.comments.services import erase_personal_data


class Command(BaseCommand):
    help = (
        "Anonymise the comments of one e-mail address: name, e-mail, website, IP address and "
        "browser. With --remove-text, replace their text too."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--remove-text", action="store_true")

    def handle(self, *args, **options):
        changed = erase_personal_data(email=options["email"], remove_text=options["remove_text"])
        self.stdout.write(f"Erased the personal data of {changed} comment(s).")
