from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model

from . import registry
from .models import (
    CHANNELS_NEEDING_CONSENT,
    Channel,
    ContactConsent,
    ContactSource,
    OutgoingMessage,
    Status,
)


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
    person_hash: str = "",
) -> OutgoingMessage:
    """Queue one message about `about` and have the worker send it after the commit. With
    `once`, a second call for the same kind, record and recipient queues nothing more.
    Called inside the caller's transaction: rolled back with it, sent only if it commits.
    A text names its person by `person_hash`: it is held back unless they agreed to texts."""
    template = registry.kind(kind).template
    fields = {"kind": kind, "about_type": about_type(about), "about_id": about.pk}
    values = {"channel": channel, "recipient": recipient, "template": template}
    values["person_hash"] = person_hash
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


def record_contact_consent(
    *, person_hash: str, channel: str, given: bool, wording: str, source: str, by=None
) -> ContactConsent:
    """Keep one answer to "may we contact you by `channel`", with the words shown and where it
    was given; the latest answer per person and channel is the one that counts."""
    if not person_hash:
        raise ValidationError("A contact consent needs the person's e-mail hash.", code="no_person")
    if channel not in Channel.values or source not in ContactSource.values:
        raise ValidationError("Unknown channel or source of consent.", code="unknown_choice")
    if not wording.strip():
        raise ValidationError("Keep the exact words the person was shown.", code="no_wording")
    return ContactConsent.objects.create(
        person_hash=person_hash,
        channel=channel,
        given=given,
        wording=wording.strip(),
        source=source,
        recorded_by=by,
    )


def may_contact(person_hash: str, channel: str) -> bool:
    """Whether the person's latest answer for this channel is yes; no answer is a no."""
    latest = ContactConsent.objects.of(person_hash, channel).latest_answer()
    return latest is not None and latest.given


def hold_reason(message: OutgoingMessage) -> str:
    """Why a message may not go out now, in plain words; empty when it may."""
    label = Channel(message.channel).label.lower() if message.channel in Channel.values else ""
    if message.channel in CHANNELS_NEEDING_CONSENT and not may_contact(
        message.person_hash, message.channel
    ):
        return f"The person has not agreed to be contacted by {label}."
    if message.channel not in registry.CHANNELS:
        return f"No {label or message.channel} service is set up to send it."
    return ""
