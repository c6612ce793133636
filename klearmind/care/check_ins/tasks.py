"""Check-in e-mail, sent by the outbox and retried on failure: the patient's private link, and
the on-call clinician's alert. Neither carries a score, a condition or a measure; the link is
signed as the e-mail is built and stored nowhere."""

from django.urls import reverse
from django.utils import timezone
from django_tasks import task
from wagtail.admin.utils import get_admin_base_url

from klearmind.clinic.models import ClinicSettings
from klearmind.outbox.models import MAX_ATTEMPTS, OutgoingMessage
from klearmind.outbox.registry import Built, register_kind
from klearmind.outbox.services import enqueue

from .models import CheckIn

__all__ = ["MAX_ATTEMPTS"]

INVITATION = "care.check_in"
ALERT = "care.check_in_alert"


def queue_check_in(check_in: CheckIn) -> OutgoingMessage:
    """E-mail the patient their check-in link after the commit, once."""
    return enqueue(kind=INVITATION, recipient=check_in.patient.email, about=check_in, once=True)


def queue_check_in_alert(check_in: CheckIn) -> OutgoingMessage:
    """Tell the on-call clinician, once, that a check-in needs same-day review."""
    recipient = ClinicSettings.load().on_call_address()
    return enqueue(kind=ALERT, recipient=recipient, about=check_in, once=True)


def invitation_message(message: OutgoingMessage) -> Built | None:
    from .services import check_in_url

    check_in = CheckIn.objects.filter(pk=message.about_id, completed_at__isnull=True).first()
    if check_in is None:
        return None  # answered (or gone) before the e-mail went: nothing to ask
    context = {
        "check_in": check_in,
        "link": check_in_url(check_in),
        "clinic": ClinicSettings.load(),
    }
    return Built(subject="A short check-in from your clinic", context=context)


def alert_message(message: OutgoingMessage) -> Built | None:
    check_in = CheckIn.objects.filter(pk=message.about_id).first()
    if check_in is None:
        return None
    link = get_admin_base_url() + reverse("care_admin:progress", args=[check_in.patient_id])
    return Built(subject="URGENT: a check-in needs same-day review", context={"link": link})


def marker(sent: str, attempts: str):
    """The check-in keeps when its e-mail went and how often it failed, for its own screens."""

    def on_sent(message: OutgoingMessage) -> None:
        CheckIn.objects.filter(pk=message.about_id).update(**{sent: timezone.now()})

    def on_failed(message: OutgoingMessage) -> None:
        CheckIn.objects.filter(pk=message.about_id).update(
            **{attempts: message.attempts, "last_error": message.error_type}
        )

    return {"on_sent": on_sent, "on_failed": on_failed}


def register() -> None:
    register_kind(
        INVITATION,
        template="care/email/check_in",
        build=invitation_message,
        **marker("sent_at", "attempts"),
    )
    register_kind(
        ALERT,
        template="care/email/check_in_alert",
        build=alert_message,
        **marker("alert_sent_at", "alert_attempts"),
    )


@task()
def create_due_check_ins_task() -> str:
    from .services import create_due_check_ins

    return f"made {len(create_due_check_ins())} check-in(s)"
