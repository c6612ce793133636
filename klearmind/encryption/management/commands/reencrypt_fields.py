from django.core.management.base import BaseCommand, CommandError

from klearmind.encryption.fields import DecryptionError
from klearmind.encryption.rotation import encrypted_fields, reencrypt_field


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field with the first key of FIELD_ENCRYPTION_KEYS, so the "
        "other keys can be removed. Safe to run again: values already under that key are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        total = 0
        for model, field in encrypted_fields():
            try:
                tally = reencrypt_field(model, field, batch_size=batch_size)
            except DecryptionError as error:
                raise CommandError(str(error)) from error
            total += tally.rewritten
            self.stdout.write(
                f"{tally.model}.{tally.field}: {tally.rewritten} re-encrypted, "
                f"{tally.current} already under the current key"
            )
        self.stdout.write(self.style.SUCCESS(f"{total} values re-encrypted."))
