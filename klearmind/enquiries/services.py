"""Enquiry workflows: receiving one from the contact form, and staff changing its status."""

import datetime
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record
from klearmind.comments import spam
from klearmind.comments.models import CommentSettings
from klearmind.comments.rules import Submission
from klearmind.comments.services import CommentRefused
from klearmind.encryption.keys import keyed_hash
from klearmind.outbox.services import enqueue

from .emails import KIND
from .models import Enquiry, EnquiryStatus

logger = logging.getLogger(__name__)

# Per client address, per hour: enough for a family sharing a connection, too few for a bot.
ENQUIRIES_PER_ADDRESS_PER_HOUR = 5


class EnquiryRefused(CommentRefused):
    """A message the site will not store now, with the HTTP status and what to tell the sender
    (the comments' refusal, for the contact form)."""


@dataclass(frozen=True)
class Notice:
    """Where the staff notification goes; the contact page says so."""

    recipients: list[str]
    subject: str = ""
    from_email: str = ""


def receive_enquiry(*, submission: Submission, phone: str = "", notice: Notice) -> Enquiry | None:
    """Store a contact message and tell staff after the commit; None for a robot (the honeypot
    or the time trap), which is told it was sent. Raise EnquiryRefused past the per-address
    limits."""
    if reason := robot_reason(submission):
        logger.info("Contact form: a robot's message was dropped (%s)", reason)
        return None
    address_hash = client_address_hash(submission.ip_address)
    with transaction.atomic():
        refuse_flood(submission=submission, address_hash=address_hash)
        enquiry = Enquiry.objects.create(
            name=submission.author_name,
            email=submission.author_email,
            phone=phone,
            message=submission.text,
            address_hash=address_hash,
        )
        params = {"subject": notice.subject, "from_email": notice.from_email}
        for recipient in notice.recipients:
            enqueue(kind=KIND, recipient=recipient, about=enquiry, params=params)
    return enquiry


def robot_reason(submission: Submission) -> str:
    """The comments' honeypot and time trap, and only those: a clinic's own spam checkers may
    send what they are given to a third party, and an enquiry may speak of health."""
    comment_settings = CommentSettings.load()
    for check in (spam.honeypot, spam.time_trap):
        if reason := check(submission, comment_settings):
            return reason
    return ""


def client_address_hash(ip_address: str | None) -> str:
    return keyed_hash(ip_address, purpose="enquiry-address") if ip_address else ""


def refuse_flood(*, submission: Submission, address_hash: str) -> None:
    """The comments' flood limit (one message per address or e-mail within its seconds), and
    a cap per address per hour."""
    now = timezone.now()
    seconds = CommentSettings.load().flood_seconds
    recent = Enquiry.objects.from_sender(email=submission.author_email, address_hash=address_hash)
    if seconds and recent.since(now - datetime.timedelta(seconds=seconds)).exists():
        raise EnquiryRefused(
            "You sent a message a moment ago. Please wait a few seconds and send it again.",
            code="flood",
            status=429,
        )
    last_hour = Enquiry.objects.filter(address_hash=address_hash).since(
        now - datetime.timedelta(hours=1)
    )
    if address_hash and last_hour.count() >= ENQUIRIES_PER_ADDRESS_PER_HOUR:
        raise EnquiryRefused(
            "We have received several messages from your connection in the last hour. Please "
            "try again later, or call us.",
            code="too_many",
            status=429,
        )


def change_status(*, enquiry: Enquiry, to: str, by, request=None) -> Enquiry:
    """Mark an enquiry answered or closed, by `by`, and write it to the audit log."""
    with transaction.atomic():
        enquiry = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
        if to == EnquiryStatus.ANSWERED:
            enquiry.mark_answered(by=by)
        elif to == EnquiryStatus.CLOSED:
            enquiry.close(by=by)
        else:
            raise ValidationError("Unknown status.", code="unknown_status")
        record(
            action=AuditEvent.Action.CHANGE,
            request=request,
            actor=by,
            target=enquiry,
            detail=f"status: {enquiry.status}",
        )
    return enquiry
