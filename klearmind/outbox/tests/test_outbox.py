import datetime
import threading
from unittest import mock

from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.test import TestCase, TransactionTestCase
from django.utils import timezone

from klearmind.outbox import registry
from klearmind.outbox.models import MAX_ATTEMPTS, OutgoingMessage, Status, retry_delay
from klearmind.outbox.services import enqueue, retry
from klearmind.outbox.tasks import SWEEP_GRACE, deliver, sweep, sweep_outbox

KIND = "outbox.test"
built = []


def build(message):
    group = Group.objects.filter(pk=message.about_id).first()
    if group is None:
        return None
    built.append(message.pk)
    return registry.Built(subject="Hello", context={"name": group.name, "link": "https://x/t"})


registry.register_kind(KIND, template="outbox/email/test", build=build)


class EnqueueTests(TestCase):
    def setUp(self):
        self.group = Group.objects.create(name="R&D <team>")

    def test_sends_after_the_commit_with_text_and_html(self):
        with self.captureOnCommitCallbacks(execute=True):
            message = enqueue(kind=KIND, recipient="ana@example.org", about=self.group)
        message.refresh_from_db()
        assert message.status == Status.SENT
        assert message.sent_at is not None
        sent = mail.outbox[0]
        assert (sent.subject, sent.to) == ("Hello", ["ana@example.org"])
        assert "Dear R&D <team>" in sent.body
        html = sent.alternatives[0][0]
        assert "R&amp;D &lt;team&gt;" in html
        assert '<a href="https://x/t"' in html

    def test_stores_the_recipient_encrypted_and_only_ids(self):
        message = enqueue(kind=KIND, recipient="ana@example.org", about=self.group)
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM outbox_outgoingmessage WHERE id = %s", [message.pk])
            row = " ".join(str(value) for value in cursor.fetchone())
        assert "ana@example.org" not in row
        assert (message.about_type, message.about_id) == ("auth.group", self.group.pk)
        assert OutgoingMessage.objects.to(" ANA@example.org").get() == message

    def test_once_queues_one_message_per_record_kind_and_recipient(self):
        with self.captureOnCommitCallbacks(execute=True):
            first = enqueue(kind=KIND, recipient="a@example.org", about=self.group, once=True)
            again = enqueue(kind=KIND, recipient="A@example.org", about=self.group, once=True)
            enqueue(kind=KIND, recipient="b@example.org", about=self.group, once=True)
        assert first == again
        assert len(mail.outbox) == 2

    def test_a_rolled_back_transaction_sends_nothing(self):
        with (
            self.captureOnCommitCallbacks(execute=True),
            self.assertRaises(ValueError),
            transaction.atomic(),
        ):
            enqueue(kind=KIND, recipient="a@example.org", about=self.group)
            raise ValueError
        assert mail.outbox == []

    def test_a_kind_without_a_builder_is_refused(self):
        from django.core.exceptions import ImproperlyConfigured

        with self.assertRaises(ImproperlyConfigured):
            enqueue(kind="nobody.knows", recipient="a@example.org", about=self.group)


class DeliverTests(TestCase):
    def setUp(self):
        self.group = Group.objects.create(name="Ana")
        self.message = enqueue(kind=KIND, recipient="ana@example.org", about=self.group)

    def test_keeps_only_the_error_class_and_retries_with_backoff(self):
        refused = OSError("550 ana@example.org: mailbox unavailable")
        with mock.patch("django.core.mail.EmailMessage.send", side_effect=refused):
            assert deliver.call(message_id=self.message.pk) == "will retry"
        self.message.refresh_from_db()
        assert self.message.error_type == "OSError"
        assert (self.message.status, self.message.attempts) == (Status.QUEUED, 1)
        assert self.message.next_attempt_at > timezone.now() + datetime.timedelta(seconds=50)
        assert retry_delay(3) == datetime.timedelta(minutes=4)
        assert deliver.call(message_id=self.message.pk) == "sent"
        assert deliver.call(message_id=self.message.pk) == "already sent or gone"
        assert len(mail.outbox) == 1

    def test_gives_up_after_the_last_attempt_and_the_owner_may_retry(self):
        OutgoingMessage.objects.filter(pk=self.message.pk).update(attempts=MAX_ATTEMPTS - 1)
        with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError):
            assert deliver.call(message_id=self.message.pk) == "gave up"
        assert list(OutgoingMessage.objects.failed_for_good()) == [self.message]
        assert deliver.call(message_id=self.message.pk) == "already sent or gone"
        with self.captureOnCommitCallbacks(execute=True):
            retry(message=self.message)
        self.message.refresh_from_db()
        assert (self.message.status, self.message.attempts) == (Status.SENT, 0)

    def test_a_message_no_longer_needed_is_cancelled(self):
        self.group.delete()
        assert deliver.call(message_id=self.message.pk) == "not needed any more"
        self.message.refresh_from_db()
        assert self.message.status == Status.CANCELLED
        assert mail.outbox == []

    def test_a_second_claim_of_one_message_fails(self):
        assert self.message.claim()
        assert not OutgoingMessage.objects.get(pk=self.message.pk).claim()
        assert deliver.call(message_id=self.message.pk) == "already sent or gone"


class SweepTests(TestCase):
    def setUp(self):
        self.group = Group.objects.create(name="Ana")
        self.message = enqueue(kind=KIND, recipient="ana@example.org", about=self.group)

    def test_requeues_a_message_whose_task_was_lost_after_the_grace(self):
        assert sweep() == []
        later = timezone.now() + SWEEP_GRACE + datetime.timedelta(seconds=1)
        assert sweep(now=later) == [self.message.pk]
        self.message.refresh_from_db()
        assert self.message.status == Status.SENT

    def test_requeues_a_message_claimed_by_a_worker_that_died(self):
        self.message.claim()
        assert sweep() == []
        OutgoingMessage.objects.filter(pk=self.message.pk).update(
            claimed_at=timezone.now() - SWEEP_GRACE * 2
        )
        assert sweep() == [self.message.pk]
        assert len(mail.outbox) == 1

    def test_the_task_and_the_command_sweep(self):
        OutgoingMessage.objects.update(next_attempt_at=timezone.now() - SWEEP_GRACE * 2)
        assert sweep_outbox.call() == "re-queued 1 message(s)"
        assert sweep_outbox.module_path == "klearmind.outbox.tasks.sweep_outbox"
        OutgoingMessage.objects.update(
            status=Status.QUEUED, next_attempt_at=timezone.now() - SWEEP_GRACE * 2
        )
        with mock.patch("sys.stdout"):
            call_command("sweep_outbox")
        assert len(mail.outbox) == 2


class ConcurrentClaimTests(TransactionTestCase):
    """Two workers given one message at the same moment: one sends, the other does nothing."""

    serialized_rollback = True  # keep Wagtail's root page and default site for other tests

    def test_two_workers_never_send_one_message_twice(self):
        group = Group.objects.create(name="Ana")
        message = enqueue(kind=KIND, recipient="ana@example.org", about=group)
        OutgoingMessage.objects.filter(pk=message.pk).update(status=Status.QUEUED)
        barrier = threading.Barrier(2)
        results = []

        def worker():
            copy = OutgoingMessage.objects.get(pk=message.pk)
            barrier.wait()
            results.append(copy.claim())
            connection.close()

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results) == [False, True]
