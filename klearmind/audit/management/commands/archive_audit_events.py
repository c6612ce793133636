from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from klearmind.audit import retention


class Command(BaseCommand):
    help = (
        "Archive audit events older than the retention period (AUDIT_RETENTION_DAYS, six years "
        "by default) to a gzip'd JSON-lines file with a SHA-256 file beside it, check both, "
        "and only then delete those events. The only way audit events are ever deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            type=Path,
            default=settings.AUDIT_ARCHIVE_DIR,
            help="Where the archive goes (default: AUDIT_ARCHIVE_DIR).",
        )

    def handle(self, *args, directory: Path, **options):
        before = retention.cutoff()
        try:
            archive = retention.archive_and_delete(before=before, directory=directory)
        except retention.ArchiveError as error:
            raise CommandError(str(error)) from error
        if archive is None:
            self.stdout.write(f"No audit events from before {before:%Y-%m-%d}: nothing to do.")
            return
        self.stdout.write(
            f"Archived {archive.count} audit events from before {before:%Y-%m-%d} to "
            f"{archive.path} (SHA-256 in {archive.checksum_path.name}) and deleted them."
        )
