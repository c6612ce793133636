"""Retention: the one path that deletes audit events, and only once they are safely archived.

Events older than settings.AUDIT_RETENTION_DAYS are written to a gzip'd JSON-lines file with a
SHA-256 file beside it (the format `sha256sum -c` reads); both are read back and checked, and
only then are those events deleted, in one transaction that lifts the database's refusal to
delete for itself alone. See docs/decisions/007.
"""

import gzip
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from .models import AuditEvent
from .services import record

FIELDS = (
    "id",
    "occurred_at",
    "actor_id",
    "actor_label",
    "ip_address",
    "action",
    "target_type",
    "target_id",
    "detail",
)
# The triggers (audit migrations 0002 and 0003) that refuse DELETE, by database vendor.
DELETE_TRIGGERS = {
    "sqlite": "audit_auditevent_no_delete",
    "postgresql": "audit_auditevent_no_update_or_delete",
}
TABLE = AuditEvent._meta.db_table


class ArchiveError(RuntimeError):
    """The archive could not be written or did not read back as written: nothing is deleted."""


@dataclass(frozen=True)
class Archive:
    path: Path
    checksum_path: Path
    count: int
    sha256: str


def cutoff(now: datetime | None = None) -> datetime:
    """The moment before which events have been kept long enough."""
    return (now or timezone.now()) - timedelta(days=settings.AUDIT_RETENTION_DAYS)


def archive_and_delete(*, before: datetime, directory: Path) -> Archive | None:
    """Archive every event older than `before`, verify the archive, then delete those events.

    Returns the archive, or None when no event is that old."""
    events = AuditEvent.objects.filter(occurred_at__lt=before).order_by("pk")
    last_pk = events.values_list("pk", flat=True).last()
    if last_pk is None:
        return None
    events = events.filter(pk__lte=last_pk)
    archive = _write(events, before=before, directory=directory)
    _verify(archive)
    with transaction.atomic(), deletion_allowed(connection):
        _delete(before=before, last_pk=last_pk, expected=archive.count)
        record(
            action=AuditEvent.Action.DELETE,
            target_type=AuditEvent._meta.label_lower,
            detail=(
                f"archived and deleted {archive.count} events before {before:%Y-%m-%d} "
                f"to {archive.path.name}, sha256 {archive.sha256}"
            ),
        )
    return archive


@contextmanager
def deletion_allowed(conn) -> Iterator[None]:
    """Lift the database's refusal to delete audit events until the end of the block, for this
    transaction only: the trigger is back at commit, and a rollback restores it too."""
    if not conn.in_atomic_block:
        raise TransactionManagementError("Deleting audit events needs transaction.atomic().")
    trigger = DELETE_TRIGGERS.get(conn.vendor)
    if conn.vendor == "postgresql":
        # Needs the table's owner: an application role that does not own it cannot delete.
        with conn.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {trigger}")
        yield
        with conn.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {trigger}")
        return
    definition = _sqlite_trigger(conn, trigger) if conn.vendor == "sqlite" else None
    if definition is None:
        yield
        return
    with conn.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {trigger}")
    yield
    with conn.cursor() as cursor:
        cursor.execute(definition)


def _sqlite_trigger(conn, name: str) -> str | None:
    with conn.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [name])
        row = cursor.fetchone()
    return row[0] if row else None


def _write(events, *, before: datetime, directory: Path) -> Archive:
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = timezone.now().astimezone(UTC)
    name = f"audit-events-before-{before.astimezone(UTC):%Y%m%d}-{stamp:%Y%m%dT%H%M%SZ}.jsonl.gz"
    path = directory / name
    count = 0
    with _private(path, "wb") as raw, gzip.open(raw, "wt", encoding="utf-8") as archive:
        for row in events.values(*FIELDS).iterator(chunk_size=2000):
            archive.write(json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False) + "\n")
            count += 1
    sha256 = _sha256(path)
    checksum_path = path.with_name(path.name + ".sha256")
    with _private(checksum_path, "w") as handle:
        handle.write(f"{sha256}  {path.name}\n")
    return Archive(path=path, checksum_path=checksum_path, count=count, sha256=sha256)


def _verify(archive: Archive) -> None:
    """Read both files back: the checksum file names this archive's digest, and every line is
    a whole event."""
    recorded, _, name = archive.checksum_path.read_text().strip().partition("  ")
    if recorded != archive.sha256 or _sha256(archive.path) != recorded or name != archive.path.name:
        raise ArchiveError(f"{archive.path} does not match its checksum; nothing was deleted.")
    try:
        with gzip.open(archive.path, "rt", encoding="utf-8") as lines:
            count = sum(1 for line in lines if set(json.loads(line)) == set(FIELDS))
    except (OSError, EOFError, ValueError) as error:
        raise ArchiveError(
            f"{archive.path} cannot be read back ({error}); none deleted."
        ) from error
    if count != archive.count:
        raise ArchiveError(f"{archive.path} holds {count} of {archive.count} events; none deleted.")


def _delete(*, before: datetime, last_pk: int, expected: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM audit_auditevent WHERE occurred_at < %s AND id <= %s",
            [connection.ops.adapt_datetimefield_value(before), last_pk],
        )
        deleted = cursor.rowcount
    if deleted != expected:
        # Rolled back by the caller's transaction: the archive and the table must agree.
        raise ArchiveError(f"Would delete {deleted} events but archived {expected}; none deleted.")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _private(path: Path, mode: str):
    """Open a new file only its owner can read: the archive holds usernames and addresses."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(descriptor, mode)
