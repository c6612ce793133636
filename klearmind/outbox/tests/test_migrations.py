"""The rows of the former outboxes (comments, questionnaires, booking) move into the one
outbox: recipients encrypted again, only the error's class name kept, sent ones kept as sent."""

import datetime

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

from klearmind.booking.tests.factories import book, make_clinic
from klearmind.comments.tests.factories import CommentFactory, article_site
from klearmind.intake.tests.factories import submission_with
from klearmind.outbox.models import OutgoingMessage, Status

BEFORE = [
    ("comments", "0003_unsubscribe_hash"),
    ("intake", "0002_urgent_drafts"),
    ("booking", "0004_booking_request_token_hash"),
    ("outbox", "0001_initial"),
]
SENT = datetime.datetime(2026, 3, 2, 14, 30, tzinfo=datetime.UTC)


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


class MoveFormerOutboxesTests(TransactionTestCase):
    serialized_rollback = True  # keep Wagtail's root page and default site for other tests

    def tearDown(self):
        migrate(leaves())

    def test_every_former_row_becomes_an_outgoing_message(self):
        comment = CommentFactory(page=article_site())
        submission = submission_with(notify=False)
        clinic = make_clinic()
        visit = book(clinic, clinic.at(datetime.date.today() + datetime.timedelta(days=9), 10))
        migrate(BEFORE)
        OutgoingMessage.objects.all().delete()
        apps = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        apps.get_model("comments", "Notification").objects.create(
            comment_id=comment.pk,
            kind="urgent",
            recipient="mod@example.org",
            attempts=8,
            last_error="SMTPRecipientsRefused: {'mod@example.org': (550, b'no')}",
        )
        apps.get_model("intake", "OutgoingEmail").objects.create(
            submission_id=submission.pk, kind="received", recipient="ana@example.org", sent_at=SENT
        )
        apps.get_model("booking", "BookingEmail").objects.create(
            appointment_id=visit.pk, kind="confirmation", attempts=2, last_error="OSError: down"
        )
        migrate(leaves())

        by_kind = {message.kind: message for message in OutgoingMessage.objects.all()}
        assert set(by_kind) == {"comments.urgent", "intake.received", "booking.confirmation"}
        held = by_kind["comments.urgent"]
        assert (held.status, held.error_type, held.recipient) == (
            Status.FAILED,
            "SMTPRecipientsRefused",
            "mod@example.org",
        )
        assert (held.about_type, held.about_id, held.once) == ("comments.comment", comment.pk, True)
        received = by_kind["intake.received"]
        assert (received.status, received.sent_at, received.about_id) == (
            Status.SENT,
            SENT,
            submission.pk,
        )
        confirmation = by_kind["booking.confirmation"]
        assert (confirmation.status, confirmation.attempts, confirmation.recipient) == (
            Status.QUEUED,
            2,
            visit.patient_email,
        )
        assert confirmation.template == "booking/email/appointment"
        assert OutgoingMessage.objects.to("MOD@example.org").get() == held
        with connection.cursor() as cursor:
            cursor.execute("SELECT recipient, error_type FROM outbox_outgoingmessage")
            stored = " ".join(" ".join(row) for row in cursor.fetchall())
        for address in ("mod@example.org", "ana@example.org", visit.patient_email):
            assert address not in stored
