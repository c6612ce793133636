"""Sign-ins, sign-outs, failures and lockouts go to the audit log as they happen.

Django and django-axes announce these only through signals, so the audit entry is written
from the receiver; nothing else happens here.
"""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record

from .middleware import start_clock


def connect() -> None:
    user_logged_in.connect(signed_in, dispatch_uid="accounts.signed_in")
    user_logged_out.connect(signed_out, dispatch_uid="accounts.signed_out")
    user_login_failed.connect(sign_in_failed, dispatch_uid="accounts.sign_in_failed")
    user_locked_out.connect(locked_out, dispatch_uid="accounts.locked_out")


def signed_in(sender, request, user, **kwargs):
    if request is None:
        return
    start_clock(request, user)
    record(action=AuditEvent.Action.LOGIN, request=request, actor=user, target=user)


def signed_out(sender, request, user, **kwargs):
    if request is None or user is None:
        return
    reason = getattr(request, "klearmind_logout_reason", "")
    record(action=AuditEvent.Action.LOGOUT, request=request, actor=user, target=user, detail=reason)


def sign_in_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    record(action=AuditEvent.Action.FAILED_LOGIN, request=request, detail=f"username {username!r}")


def locked_out(sender, request, username=None, ip_address=None, **kwargs):
    record(
        action=AuditEvent.Action.LOCKED_OUT,
        request=request,
        detail=f"username {str(username or '')[:150]!r}",
    )
