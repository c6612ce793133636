"""The e-mails to a member whose renewal did not go through, sent by the outbox. They name the
clinic, the amount and the next try, with a link to the portal: never a visit or anything about
the member's health. A message is dropped at send time when the membership was paid,
cancelled or paused since."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import dateformat

from klearmind.clinic.models import ClinicSettings
from klearmind.outbox.models import OutgoingMessage
from klearmind.outbox.registry import Built, register_kind

from .models import Membership, MembershipStatus
from .money import dollars

RENEWAL_FAILED = "payments.membership_renewal_failed"
PAUSED = "payments.membership_paused"
SUBJECTS = {
    RENEWAL_FAILED: "Your membership payment did not go through",
    PAUSED: "Your membership is paused",
}
STILL_TRUE = {RENEWAL_FAILED: MembershipStatus.PAST_DUE, PAUSED: MembershipStatus.PAUSED}


def membership_message(message: OutgoingMessage) -> Built | None:
    membership = Membership.objects.filter(pk=message.about_id).first()
    if membership is None or membership.status != STILL_TRUE[message.kind]:
        return None
    next_attempt = message.params.get("next_attempt_on")
    context = {
        "amount": dollars(membership.price_cents),
        "attempts": message.params.get("attempt", membership.failed_attempts),
        "failure": last_failure(membership),
        "next_attempt": _day(next_attempt) if next_attempt else "",
        "link": settings.WAGTAILADMIN_BASE_URL + reverse("portal:home"),
        "clinic": ClinicSettings.load(),
    }
    return Built(subject=SUBJECTS[message.kind], context=context)


def last_failure(membership: Membership) -> str:
    latest = membership.charges.order_by("-period_start").first()
    return latest.failure if latest else ""


def _day(iso: str) -> str:
    return dateformat.format(datetime.date.fromisoformat(iso), "l, F j")


def register() -> None:
    for kind in SUBJECTS:
        register_kind(
            kind,
            template=f"payments/email/{kind.removeprefix('payments.')}",
            build=membership_message,
        )
