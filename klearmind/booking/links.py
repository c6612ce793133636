"""Private signed links: an appointment's page for the patient, and a clinician's invitation.

The signature (django.core.signing, salted per purpose) is the only key: a changed character
makes the link invalid, and one kind of link cannot be used as the other.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

APPOINTMENT_SALT = "klearmind.booking.appointment"
INVITATION_SALT = "klearmind.booking.invitation"


class BadLink(Exception):
    """A link that was changed, belongs to something else, or no longer works."""


def sign(pk: int, *, salt: str) -> str:
    return signing.Signer(salt=salt).sign(str(pk))


def unsign(token: str, *, salt: str) -> int:
    try:
        return int(signing.Signer(salt=salt).unsign(token))
    except (signing.BadSignature, TypeError, ValueError):
        raise BadLink from None


def appointment_token(appointment) -> str:
    return sign(appointment.pk, salt=APPOINTMENT_SALT)


def appointment_id(token: str) -> int:
    return unsign(token, salt=APPOINTMENT_SALT)


def appointment_path(appointment, name: str = "booking:appointment") -> str:
    return reverse(name, args=[appointment_token(appointment)])


def appointment_url(appointment, name: str = "booking:appointment") -> str:
    return settings.WAGTAILADMIN_BASE_URL + appointment_path(appointment, name)


def invitation_token(invitation) -> str:
    return sign(invitation.pk, salt=INVITATION_SALT)


def invitation_id(token: str) -> int:
    return unsign(token, salt=INVITATION_SALT)


def invitation_url(invitation) -> str:
    return settings.WAGTAILADMIN_BASE_URL + reverse(
        "booking:invitation", args=[invitation_token(invitation)]
    )
