"""The one way to write to the audit log."""

import ipaddress

from django.conf import settings
from django.db import models
from django.http import HttpRequest

from .models import AuditEvent

DETAIL_MAX_LENGTH = AuditEvent._meta.get_field("detail").max_length


def record(
    *,
    action: AuditEvent.Action,
    request: HttpRequest | None = None,
    actor=None,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    detail: str = "",
) -> AuditEvent:
    """Append one event; actor and IP come from the request when given."""
    user = getattr(request, "user", None)
    if actor is None and user is not None and user.is_authenticated:
        actor = user
    if target is not None:
        target_type, target_id = target._meta.label_lower, str(target.pk)
    return AuditEvent.objects.create(
        action=AuditEvent.Action(action),
        actor=actor,
        actor_label=actor.get_username() if actor is not None else "",
        ip_address=client_ip(request) if request is not None else None,
        target_type=target_type,
        target_id=str(target_id),
        detail=_shorten(detail),
    )


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or the address a trusted proxy put in X-Forwarded-For
    when settings.TRUSTED_PROXY_COUNT says how many proxies to trust."""
    trusted = settings.TRUSTED_PROXY_COUNT
    address = request.META.get("REMOTE_ADDR", "")
    if trusted > 0:
        forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        # Each proxy appends the address it was called from, so the last `trusted` entries are
        # theirs to vouch for; anything further left was written by the client and may be forged.
        if len(forwarded) >= trusted and forwarded[-trusted]:
            address = forwarded[-trusted]
    return _valid_ip(address)


def _valid_ip(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def _shorten(detail: str) -> str:
    if len(detail) <= DETAIL_MAX_LENGTH:
        return detail
    return detail[: DETAIL_MAX_LENGTH - 1] + "…"
