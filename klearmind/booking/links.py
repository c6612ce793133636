"""Private signed links: an appointment's page for the patient, and a clinician's invitation.

The signature (django.core.signing, salted per purpose) is the only key: a changed character
makes the link invalid, and one kind of link cannot be used as the other. Nothing stores a
link: opening one exchanges it for a grant in the browser's session (the record's id, never
the token) and sends the browser on to an address without it. A visit's link stops working
`VISIT_LINK_DAYS_AFTER` days after the visit, counted from the visit as it stands, so links
sent before a move or before links expired expire too.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

APPOINTMENT_SALT = "klearmind.booking.appointment"
INVITATION_SALT = "klearmind.booking.invitation"

VISITS_GRANTED = "booking_visits"
INVITATION_GRANTED = "booking_invitation"
GRANTS_KEPT = 20  # a browser used by a family for several bookings, not an endless list


class BadLink(Exception):
    """A link that was changed, belongs to something else, or no longer works."""


def sign(pk: int, *, salt: str) -> str:
    return signing.Signer(salt=salt).sign(str(pk))


def unsign(token: str, *, salt: str) -> int:
    try:
        return int(signing.Signer(salt=salt).unsign(token))
    except (signing.BadSignature, TypeError, ValueError):
        raise BadLink from None


def grant(session, key: str, pk: int) -> None:
    """Let this browser open record `pk` of kind `key` without the link, from now on."""
    granted = [held for held in session.get(key, []) if held != pk]
    session[key] = [*granted, pk][-GRANTS_KEPT:]


def is_granted(session, key: str, pk: int) -> bool:
    return pk in session.get(key, [])


def may_open_visit(session, appointment) -> bool:
    """A visit opened with its link in this browser, or one of the same induction series: the
    e-mail names the series by one link, and the patient acts on every visit of it. Or a visit
    booked under the address of the person signed in to the portal in this browser."""
    granted = session.get(VISITS_GRANTED, [])
    if appointment.pk in granted:
        return True
    person = portal_person(session)
    if person and person == appointment.patient_email_hash:
        return True
    return (
        bool(appointment.series_id)
        and appointment.series.appointments.filter(pk__in=granted).exists()
    )


def appointment_token(appointment) -> str:
    return sign(appointment.pk, salt=APPOINTMENT_SALT)


def appointment_id(token: str) -> int:
    return unsign(token, salt=APPOINTMENT_SALT)


def appointment_path(appointment) -> str:
    """The e-mailed link's path, with its token: it opens `visit_path` in the browser."""
    return reverse("booking:visit_link", args=[appointment_token(appointment)])


def appointment_url(appointment) -> str:
    return settings.WAGTAILADMIN_BASE_URL + appointment_path(appointment)


def visit_path(appointment, name: str = "booking:appointment") -> str:
    """The visit's pages once its link was opened in this browser: no token in them."""
    return reverse(name, args=[appointment.pk])


def visit_link_expiry(appointment) -> datetime.datetime:
    last_end = appointment.ends_at
    if appointment.series_id:
        series_end = appointment.series.appointments.aggregate(last=Max("ends_at"))["last"]
        last_end = max(last_end, series_end or last_end)
    return last_end + datetime.timedelta(days=settings.VISIT_LINK_DAYS_AFTER)


def visit_link_expired(appointment) -> bool:
    return timezone.now() >= visit_link_expiry(appointment)


def invitation_token(invitation) -> str:
    return sign(invitation.pk, salt=INVITATION_SALT)


def invitation_id(token: str) -> int:
    return unsign(token, salt=INVITATION_SALT)


def invitation_url(invitation) -> str:
    return settings.WAGTAILADMIN_BASE_URL + reverse(
        "booking:invitation_link", args=[invitation_token(invitation)]
    )


# The patient portal (/my/) keeps who is signed in as the keyed hash of their e-mail address,
# the key their bookings carry (Appointment.patient_email_hash), and signs them out after
# PORTAL_IDLE without a request. Pages below the portal (a consent to sign, a visit) ask here.
PORTAL_PERSON = "portal_person"
PORTAL_SEEN = "portal_seen"
PORTAL_IDLE = datetime.timedelta(minutes=30)


def portal_person(session, *, now: datetime.datetime | None = None) -> str:
    """The e-mail hash of the person signed in to the portal in this browser; "" when no one
    is, or when they were idle longer than PORTAL_IDLE (which signs them out)."""
    person, seen = session.get(PORTAL_PERSON, ""), session.get(PORTAL_SEEN)
    if not person or not seen:
        return ""
    now = now or timezone.now()
    if now - datetime.datetime.fromisoformat(seen) > PORTAL_IDLE:
        session.pop(PORTAL_PERSON, None)
        session.pop(PORTAL_SEEN, None)
        return ""
    session[PORTAL_SEEN] = now.isoformat()
    return person


def sign_in_to_portal(session, person_hash: str, *, now: datetime.datetime | None = None) -> None:
    session[PORTAL_PERSON] = person_hash
    session[PORTAL_SEEN] = (now or timezone.now()).isoformat()
