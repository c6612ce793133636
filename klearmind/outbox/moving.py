"""Moving the rows of an app's former outbox into this one, for that app's data migration.
Works on the historical models it is given; the recipient is encrypted again by the field."""

from collections.abc import Callable, Iterable

from django.utils import timezone

from klearmind.encryption import keys

FORMER_MAX_ATTEMPTS = 8


def error_type(last_error: str) -> str:
    """The class name alone of a former error text such as "SMTPRecipientsRefused: {...}"."""
    return last_error.split(":", 1)[0].strip()[:100]


def move_rows(
    apps,
    rows: Iterable,
    *,
    kind: Callable,
    template: Callable,
    about_type: str,
    about_id: Callable,
    recipient: Callable,
    once: bool,
) -> int:
    message_model = apps.get_model("outbox", "OutgoingMessage")
    moved = 0
    for row in rows:
        address = recipient(row)
        if not address:
            continue
        if row.sent_at:
            status = "sent"
        elif row.attempts >= FORMER_MAX_ATTEMPTS:
            status = "failed"
        else:
            status = "queued"
        message_model.objects.create(
            channel="email",
            recipient=address,
            recipient_hash=keys.keyed_hash(keys.normalise(address), purpose="email"),
            kind=kind(row),
            template=template(row),
            about_type=about_type,
            about_id=about_id(row),
            once=once,
            status=status,
            attempts=row.attempts,
            next_attempt_at=timezone.now(),
            error_type=error_type(row.last_error),
            created_at=row.created_at,
            sent_at=row.sent_at,
        )
        moved += 1
    return moved
