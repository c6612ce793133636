from django.core.management.base import BaseCommand

from klearmind.intake.services import erase_stale_drafts


class Command(BaseCommand):
    help = (
        "Erase unfinished candidacy questionnaires not changed for the retention period "
        "(30 days by default, Candidacy questionnaires → Questionnaire settings). The scheduler "
        "runs it daily."
    )

    def handle(self, *args, **options):
        erased = erase_stale_drafts()
        self.stdout.write(f"Erased {erased} unfinished questionnaire(s).")
