import gzip
import hashlib
import json
import tempfile
from datetime import timedelta
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import TestCase, override_settings
from django.utils import timezone

from klearmind.audit import retention
from klearmind.audit.models import AuditEvent

from .factories import AuditEventFactory
from .test_models import raw

YEAR = timedelta(days=365)


def old_event(**kwargs) -> AuditEvent:
    return AuditEventFactory(occurred_at=timezone.now() - 7 * YEAR, **kwargs)


class ArchiveAuditEventsTests(TestCase):
    def setUp(self):
        self.directory = Path(self.enterContext(tempfile.TemporaryDirectory())) / "archive"

    def archive(self) -> str:
        out = StringIO()
        with override_settings(AUDIT_ARCHIVE_DIR=self.directory):
            call_command("archive_audit_events", stdout=out)
        return out.getvalue()

    def test_archives_events_past_six_years_with_a_checksum_then_deletes_only_them(self):
        first = old_event(detail="first", target_id="41")
        second = old_event(detail="second")
        recent = AuditEventFactory(occurred_at=timezone.now() - 5 * YEAR)
        output = self.archive()
        assert "Archived 2 audit events" in output
        [archive] = self.directory.glob("*.jsonl.gz")
        with gzip.open(archive, "rt") as lines:
            rows = [json.loads(line) for line in lines]
        assert [(r["id"], r["detail"]) for r in rows] == [
            (first.pk, "first"),
            (second.pk, "second"),
        ]
        assert rows[0]["target_type"] == "care.patient" and rows[0]["target_id"] == "41"
        digest = hashlib.sha256(archive.read_bytes()).hexdigest()
        checksum = archive.with_name(archive.name + ".sha256").read_text()
        assert checksum == f"{digest}  {archive.name}\n"
        assert archive.stat().st_mode & 0o777 == 0o600
        remaining = AuditEvent.objects.exclude(action=AuditEvent.Action.DELETE)
        assert list(remaining) == [recent]

    def test_records_the_archiving_itself_in_the_log(self):
        old_event()
        self.archive()
        event = AuditEvent.objects.get(action=AuditEvent.Action.DELETE)
        assert event.target_type == "audit.auditevent"
        assert event.detail.startswith("archived and deleted 1 events before ")
        assert "sha256 " in event.detail

    def test_the_retention_period_is_a_setting(self):
        event = AuditEventFactory(occurred_at=timezone.now() - timedelta(days=40))
        with override_settings(AUDIT_RETENTION_DAYS=30):
            self.archive()
        assert not AuditEvent.objects.filter(pk=event.pk).exists()

    def test_deletes_nothing_when_the_archive_does_not_read_back_as_written(self):
        event = old_event()
        with (
            mock.patch.object(retention, "_sha256", side_effect=["a" * 64, "b" * 64]),
            pytest.raises(CommandError, match="does not match its checksum"),
        ):
            self.archive()
        assert AuditEvent.objects.filter(pk=event.pk).exists()

    def test_deletes_nothing_when_the_table_and_the_archive_disagree(self):
        event = old_event()
        with (
            pytest.raises(retention.ArchiveError, match="archived 5"),
            transaction.atomic(),
            retention.deletion_allowed(connection),
        ):
            retention._delete(before=retention.cutoff(), last_pk=event.pk, expected=5)
        assert AuditEvent.objects.filter(pk=event.pk).exists()
        self.assert_delete_refused(event)

    def test_says_so_when_nothing_is_old_enough(self):
        AuditEventFactory()
        assert "nothing to do" in self.archive()
        assert not self.directory.exists()

    def test_the_database_refuses_deletes_again_after_archiving(self):
        old_event()
        self.archive()
        self.assert_delete_refused(AuditEventFactory())

    def test_lifting_the_refusal_needs_a_transaction(self):
        outside_any = mock.Mock(in_atomic_block=False, vendor=connection.vendor)
        with pytest.raises(transaction.TransactionManagementError):
            retention.deletion_allowed(outside_any).__enter__()

    @staticmethod
    def assert_delete_refused(event):
        with pytest.raises(DatabaseError, match="append-only"):
            raw("DELETE FROM {table} WHERE id = %s", event.pk)
