"""What every app's views need from a request or add to a response."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


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
