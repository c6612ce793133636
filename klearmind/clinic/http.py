"""What every app's views need from a request or add to a response."""

import ipaddress
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control


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


def make_private(response: HttpResponse) -> HttpResponse:
    """Kept by no cache, the browser's or a proxy's: the page may hold what a person typed or
    their health information."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response


def private_page(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return make_private(view(request, *args, **kwargs))

    return wrapped
