from django.core.management.base import BaseCommand

from klearmind.care.check_ins.services import create_due_check_ins


class Command(BaseCommand):
    help = (
        "Make and e-mail the check-in questionnaires that are due: before each visit starting "
        "soon, and each period during an active treatment plan. Safe to run often."
    )

    def handle(self, *args, **options):
        made = create_due_check_ins()
        self.stdout.write(f"Check-ins made: {len(made)}.")
