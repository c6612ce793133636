"""Signing in to the portal: who may get an e-mailed link, how often, and using one once.

The form always answers the same, so it never tells whether an address is known; the limits
count every request, known address or not, for the same reason."""

import datetime

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from klearmind.audit.models import AuditEvent
from klearmind.audit.services import PATIENT_ITSELF, record
from klearmind.booking.links import PORTAL_PERSON, sign_in_to_portal
from klearmind.booking.models import Appointment
from klearmind.care.models import Patient
from klearmind.encryption.keys import email_lookup_hash, keyed_hash
from klearmind.outbox.services import enqueue

from .models import LINK_VALID, SignInLink

SIGN_IN_EMAIL = "portal.sign_in"
# Links asked for per hour: a few retries for a slow mailbox, too few to flood one.
LINKS_PER_ADDRESS = 5
LINKS_PER_CONNECTION = 20
RATE_WINDOW_SECONDS = 3600

ADDRESS_LIMITED = (
    "We have sent several sign-in links to this address in the last hour. Please use the "
    "newest one in your e-mail, or try again in an hour."
)
CONNECTION_LIMITED = (
    "We have had many sign-in requests from your connection in the last hour. Please try "
    "again in an hour, or call us."
)


class SignInRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def person_hash(email: str) -> str:
    """The key a person's record and bookings are found under: their e-mail's lookup hash."""
    return email_lookup_hash(email)


def is_known(person: str) -> bool:
    """Someone with a patient record or a booking under this address."""
    return (
        Patient.objects.filter(email_hash=person).exists()
        or Appointment.objects.filter(patient_email_hash=person).exists()
    )


def within_limit(kind: str, value: str, limit: int) -> bool:
    """Count one more request under `value`; False once the hour's allowance is spent."""
    key = f"portal-sign-in:{kind}:{keyed_hash(value, purpose='portal-rate')}"
    cache.add(key, 0, RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW_SECONDS)
        count = 1
    return count <= limit


def request_sign_in_link(*, email: str, ip: str | None) -> SignInLink | None:
    """E-mail a one-time link to `email` when it belongs to a patient or a booking; None (and
    nothing sent) otherwise. Raises SignInRefused past the hourly limits."""
    person = person_hash(email)
    if not within_limit("connection", ip or "unknown", LINKS_PER_CONNECTION):
        raise SignInRefused(CONNECTION_LIMITED)
    if not within_limit("address", person, LINKS_PER_ADDRESS):
        raise SignInRefused(ADDRESS_LIMITED)
    if not is_known(person):
        return None
    with transaction.atomic():
        now = timezone.now()
        link = SignInLink.objects.create(
            person_hash=person, created_at=now, expires_at=now + LINK_VALID
        )
        enqueue(kind=SIGN_IN_EMAIL, recipient=email.strip(), about=link)
    return link


def find_link(token: str) -> SignInLink | None:
    return SignInLink.objects.for_token(token).first()


def use_sign_in_link(*, token: str, now: datetime.datetime | None = None) -> str:
    """Use the link once: one conditional update, so two clicks at once sign in once. The
    person's hash, or "" when the link is unknown, used or expired."""
    now = now or timezone.now()
    with transaction.atomic():
        if not SignInLink.objects.for_token(token).usable(now=now).update(used_at=now):
            return ""
        return SignInLink.objects.for_token(token).values_list("person_hash", flat=True).get()


def sign_in(request, person: str, *, how: str) -> None:
    """Start the person's portal session in this browser under a new session key."""
    request.session.cycle_key()
    sign_in_to_portal(request.session, person)
    record(
        action=AuditEvent.Action.LOGIN,
        request=request,
        actor_label=PATIENT_ITSELF,
        target_type="portal.person",
        target_id=person,
        detail=f"patient portal, {how}",
    )


def sign_out(request) -> None:
    """Forget everything this browser was let into: the portal and any visit or check-in."""
    signed_in = request.session.get(PORTAL_PERSON)
    if signed_in:
        record(
            action=AuditEvent.Action.LOGOUT,
            request=request,
            actor_label=PATIENT_ITSELF,
            target_type="portal.person",
            target_id=signed_in,
            detail="patient portal",
        )
    request.session.flush()
