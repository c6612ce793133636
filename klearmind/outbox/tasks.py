"""The outbox's two tasks: deliver one message (claimed first, so it goes out once, retried
with backoff), and the sweep that re-queues messages whose task was lost."""

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from . import registry
from .models import OutgoingMessage, Status
from .services import hold_reason

logger = logging.getLogger(__name__)

# A message still queued this long after it was due, or claimed this long ago and not
# finished, has lost its task. An SMTP send gives up well within it (EMAIL_TIMEOUT).
SWEEP_GRACE = datetime.timedelta(minutes=5)
# At most this many messages are re-queued by one sweep; the next sweep takes the rest.
SWEEP_BATCH = 500


@task()
def deliver(*, message_id: int) -> str:
    """Send one message unless another worker has it or it went out; on failure, count the
    attempt and try again after the backoff."""
    message = OutgoingMessage.objects.filter(pk=message_id).first()
    if message is None:
        return "already sent or gone"
    # The claim and the outcome commit together: a worker killed mid-send rolls its claim
    # back, so the task run again sends; a second worker waits for the first and finds the
    # message taken.
    with transaction.atomic():
        if not message.claim():
            return "already sent or gone"
        kind = registry.kind(message.kind)
        if reason := hold_reason(message):
            message.mark_held(reason)
            return "held back"
        try:
            built = kind.build(message)
            if built is None:
                message.mark_cancelled()
                return "not needed any more"
            registry.channel(message.channel)(
                template=message.template, built=built, recipient=message.recipient
            )
        except Exception as error:  # noqa: BLE001 - any SMTP or network failure is retried
            outcome = failed(message, error)
            if kind.on_failed is not None:
                kind.on_failed(message)
            return outcome
        message.mark_sent()
        if kind.on_sent is not None:
            kind.on_sent(message)
    return "sent"


def failed(message: OutgoingMessage, error: Exception) -> str:
    message.mark_failed_attempt(error)
    if message.status == Status.FAILED:
        logger.error("Gave up on %s message %s: %s", message.kind, message.pk, message.error_type)
        return "gave up"
    if deliver.get_backend().supports_defer:
        retry = deliver.using(run_after=message.next_attempt_at)
        transaction.on_commit(lambda: retry.enqueue(message_id=message.pk))
    return "will retry"


@task()
def sweep_outbox() -> str:
    """Queue again every message whose task was lost; the claim keeps a message that was in
    fact still on its way from going out twice."""
    return f"re-queued {len(sweep())} message(s)"


def sweep(*, now: datetime.datetime | None = None) -> list[int]:
    """One indexed query when nothing is lost, however many messages were ever sent; the
    work done is the lost messages', at most SWEEP_BATCH of them."""
    now = now or timezone.now()
    ids = []
    lost = OutgoingMessage.objects.lost(now=now, grace=SWEEP_GRACE)
    for message in lost.only("pk", "status", "claimed_at").order_by("pk")[:SWEEP_BATCH]:
        # Conditional, like the claim: a worker that finished meanwhile keeps its result.
        if OutgoingMessage.objects.filter(
            pk=message.pk, status=message.status, claimed_at=message.claimed_at
        ).update(status=Status.QUEUED, next_attempt_at=now):
            ids.append(message.pk)
    for message_id in ids:
        deliver.enqueue(message_id=message_id)
    return ids
