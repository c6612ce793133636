"""The sweep costs what is lost, not what was ever sent: one indexed query when nothing is
lost, at any size of the outbox, and at most a batch of messages per sweep."""

import datetime
from unittest import mock

from django.db import connection
from django.test import TestCase
from django.utils import timezone

from klearmind.outbox.models import OutgoingMessage, Status
from klearmind.outbox.tasks import SWEEP_GRACE, sweep

LONG_AGO = datetime.timedelta(days=30)


def is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def history(number: int, *, status: str = Status.SENT) -> None:
    """`number` messages of the past, sent (or in `status`) a month ago."""
    then = timezone.now() - LONG_AGO
    OutgoingMessage.objects.bulk_create(
        OutgoingMessage(
            recipient=f"reader{n}@example.org",
            kind="outbox.history",
            template="outbox/email/test",
            about_type="auth.group",
            about_id=n,
            status=status,
            next_attempt_at=then,
            claimed_at=then,
            created_at=then,
            sent_at=then if status == Status.SENT else None,
        )
        for n in range(number)
    )


class SweepCostTests(TestCase):
    def assert_one_query_when_nothing_is_lost(self):
        with self.assertNumQueries(1):
            assert sweep() == []

    def test_one_query_when_nothing_is_lost_at_two_sizes(self):
        history(10)
        self.assert_one_query_when_nothing_is_lost()
        history(400)
        history(20, status=Status.FAILED)
        self.assert_one_query_when_nothing_is_lost()

    def test_recent_unsent_messages_are_not_lost_yet(self):
        history(5, status=Status.QUEUED)
        OutgoingMessage.objects.update(next_attempt_at=timezone.now(), claimed_at=None)
        self.assert_one_query_when_nothing_is_lost()

    def test_takes_at_most_a_batch_and_leaves_the_rest_to_the_next_sweep(self):
        history(5, status=Status.QUEUED)
        with (
            mock.patch("klearmind.outbox.tasks.SWEEP_BATCH", 3),
            mock.patch("klearmind.outbox.tasks.deliver") as deliver,
        ):
            first = sweep()
            second = sweep()
        oldest = list(OutgoingMessage.objects.order_by("pk").values_list("pk", flat=True))
        assert first == oldest[:3]
        assert second == oldest[3:]  # the first three are queued anew, not lost
        assert deliver.enqueue.call_count == 5

    def test_the_lost_messages_are_found_through_an_index(self):
        lost = OutgoingMessage.objects.lost(now=timezone.now(), grace=SWEEP_GRACE)
        sql, params = lost.order_by("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {'QUERY PLAN ' if is_sqlite() else ''}{sql}", params)
            plan = " ".join(str(row) for row in cursor.fetchall())
        if is_sqlite():  # PostgreSQL's planner scans a table this small
            assert "outbox_status_due" in plan, plan
            assert "outbox_status_claimed" in plan, plan
