"""The one check every view that touches health information makes.

Hiding a link protects nothing: a view calls `check_access` (or is wrapped in
`protected_view`) and the check holds whoever types the address by hand.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode

from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record
from klearmind.clinic.http import make_private

from . import mfa


def has_access(user, permission: str) -> bool:
    """A signed-in, active person who confirmed a second factor and holds the permission."""
    return (
        user.is_authenticated
        and user.is_active
        and user.is_verified()
        and user.has_perm(permission)
    )


def check_access(request, permission: str, *, target=None) -> None:
    """Raise PermissionDenied, after auditing the refusal, unless the request may go on."""
    if has_access(request.user, permission):
        return
    refuse(request, permission, target=target)


def refuse(request, permission: str, *, target=None, reason: str = "") -> None:
    """Audit a refusal, naming what was asked for, and raise PermissionDenied."""
    target_type, target_id = url_target(request) if target is None else ("", "")
    record(
        action=AuditEvent.Action.PERMISSION_DENIED,
        request=request,
        target=target,
        target_type=target_type,
        target_id=target_id,
        detail=f"needs {permission}{reason}",
    )
    raise PermissionDenied(f"This page needs the permission {permission!r}.")


def url_target(request) -> tuple[str, str]:
    """What a refused request asked for, before any record is read: the screen's URL name as
    the record type and the URL's keys as the record id ("7", or "7/2" for a plan of patient 7).
    """
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "", ""
    return match.view_name, "/".join(str(value) for value in match.kwargs.values())


def protected_view(permission: str):
    """Decorate a view of health information: sign-in, second factor, permission, no caching."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("wagtailadmin_login"))
            try:
                if user.is_active and not user.is_verified():
                    return _without_second_factor(request, permission)
                check_access(request, permission)
            except PermissionDenied:
                response = forbidden(request)
            else:
                response = view(request, *args, **kwargs)
            return make_private(response)

        return wrapped

    return decorator


def _without_second_factor(request, permission: str):
    """Whoever may open the screen confirms (or sets up) a second factor first; anyone else is
    refused here, rather than sent to set up a factor only to be refused afterwards."""
    if not request.user.has_perm(permission):
        refuse(request, permission, reason=" (no second factor confirmed)")
    return second_factor_redirect(request)


def forbidden(request):
    """A 403 page, not Wagtail's bounce to the dashboard: the refusal is plain to see (and to
    test), and it is already in the audit log."""
    return TemplateResponse(request, "accounts/forbidden.html", status=403)


def second_factor_redirect(request):
    """Send a signed-in person to confirm their second factor, or to set one up first."""
    name = "verify" if mfa.authenticator(request.user) else "setup"
    query = urlencode({"next": request.get_full_path()})
    return redirect(f"{reverse(f'accounts:two_factor_{name}')}?{query}")
