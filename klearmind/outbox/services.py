from typing import Any

from django.db import transaction
from django.db.models import Model

from . import registry
from .models import Channel, OutgoingMessage, Status


def about_type(instance: Model) -> str:
    return instance._meta.label_lower


def enqueue(
    *,
    kind: str,
    recipient: str,
    about: Model,
    channel: str = Channel.EMAIL,
    params: dict[str, Any] | None = None,
    once: bool = False,
) -> OutgoingMessage:
    """Queue one message about `about` and have the worker send it after the commit. With
    `once`, a second call for the same kind, record and recipient queues nothing more.
    Called inside the caller's transaction: rolled back with it, sent only if it commits."""
    template = registry.kind(kind).template
    fields = {"kind": kind, "about_type": about_type(about), "about_id": about.pk}
    values = {"channel": channel, "recipient": recipient, "template": template}
    values["params"] = params or {}
    # No savepoint of its own: inside the caller's transaction, a failure here fails it whole.
    with transaction.atomic(savepoint=False):
        if once:
            lookup = {**fields, "recipient_hash": OutgoingMessage.recipient_lookup(recipient)}
            message, created = OutgoingMessage.objects.get_or_create(
                **lookup, once=True, defaults=values
            )
        else:
            message, created = OutgoingMessage.objects.create(**fields, **values), True
        if created:
            schedule(message)
    return message


def schedule(message: OutgoingMessage) -> None:
    from .tasks import deliver

    transaction.on_commit(lambda: deliver.enqueue(message_id=message.pk))


def retry(*, message: OutgoingMessage) -> OutgoingMessage:
    """Send a failed message again, from a fresh count of attempts."""
    with transaction.atomic():
        updated = OutgoingMessage.objects.filter(pk=message.pk, status=Status.FAILED).update(
            status=Status.QUEUED, attempts=0
        )
        message.refresh_from_db()
        if updated:
            message.requeue()
            schedule(message)
    return message
