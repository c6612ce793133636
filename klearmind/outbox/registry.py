"""What the outbox knows of the apps that use it: for each kind of message its template and
the builder that turns the row's ids into the message at send time; for each channel the
function that sends. Apps register their kinds in their AppConfig.ready()."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured


@dataclass
class Built:
    """A message ready to render: its subject and the context of its templates. A builder
    mints any private link here, at send time, so no link is ever stored; likewise any
    attachment, as (file name, content, MIME type with its parameters, such as
    "text/calendar; method=REQUEST"), made from the record as it stands when sent."""

    subject: str
    context: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)
    from_email: str | None = None


@dataclass(frozen=True)
class Kind:
    name: str
    template: str
    # Returns None when the message is not needed any more (a check-in done, a visit moved).
    build: Callable[..., Built | None]
    # Called in the delivery's transaction, for an app that keeps its own mark of the e-mail.
    on_sent: Callable[..., None] | None = None
    on_failed: Callable[..., None] | None = None


KINDS: dict[str, Kind] = {}
CHANNELS: dict[str, Callable[..., None]] = {}


def register_kind(
    name: str,
    *,
    template: str,
    build: Callable[..., Built | None],
    on_sent: Callable[..., None] | None = None,
    on_failed: Callable[..., None] | None = None,
) -> None:
    KINDS[name] = Kind(name, template, build, on_sent=on_sent, on_failed=on_failed)


def kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ImproperlyConfigured(f"No outbox builder is registered for {name!r}.") from None


def register_channel(name: str, send: Callable[..., None]) -> None:
    CHANNELS[name] = send


def channel(name: str) -> Callable[..., None]:
    return CHANNELS[name]
