"""The one way to write to the audit log."""

from django.db import models
from django.http import HttpRequest

from klearmind.clinic.http import client_ip

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
    actor_label: str = "",
) -> AuditEvent:
    """Append one event; actor and IP come from the request when given. `actor_label` names
    an actor without a staff login, such as a patient reading their own record."""
    user = getattr(request, "user", None)
    if actor is None and user is not None and user.is_authenticated:
        actor = user
    if target is not None:
        target_type, target_id = target._meta.label_lower, str(target.pk)
    return AuditEvent.objects.create(
        action=AuditEvent.Action(action),
        actor=actor,
        actor_label=actor.get_username() if actor is not None else actor_label,
        ip_address=client_ip(request) if request is not None else None,
        target_type=target_type,
        target_id=str(target_id),
        detail=_shorten(detail),
    )


def _shorten(detail: str) -> str:
    if len(detail) <= DETAIL_MAX_LENGTH:
        return detail
    return detail[: DETAIL_MAX_LENGTH - 1] + "…"


# The actor label of a patient's own access to their record through the portal or a link.
PATIENT_ITSELF = "the patient (own record)"
