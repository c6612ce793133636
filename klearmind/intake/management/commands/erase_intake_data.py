from django.core.management.base import BaseCommand

from klearmind.intake.services import erase_candidate_data


class Command(BaseCommand):
    help = (
        "Erase every candidacy questionnaire sent from an e-mail address, with its notes and "
        "history, when the candidate asks (they are not a patient). The audit log keeps that "
        "it happened, not the address."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        erased = erase_candidate_data(email=email)
        self.stdout.write(f"Erased {erased} questionnaire(s).")
