"""Staff-account workflows that touch the audit log."""

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset

from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record


def unlock_login(*, attempt: AccessAttempt, request) -> None:
    """Lift the lock on the attempt's username and on its address, and audit who did it."""
    axes_reset(username=attempt.username)
    axes_reset(ip=attempt.ip_address)
    record(
        action=AuditEvent.Action.UNLOCK,
        request=request,
        detail=f"username {attempt.username!r} from {attempt.ip_address}",
    )


def unlock_address(*, ip_address: str, request) -> None:
    """Lift the lock on an address, whatever usernames were tried from it, and audit it."""
    axes_reset(ip=ip_address)
    record(action=AuditEvent.Action.UNLOCK, request=request, detail=f"address {ip_address}")


def record_own_account_change(request, detail: str) -> None:
    """A person changed their own sign-in (second factor, recovery codes)."""
    record(action=AuditEvent.Action.CHANGE, request=request, target=request.user, detail=detail)
