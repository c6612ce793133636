"""The portal's ways in: one-time e-mailed sign-in links and passkeys.

A person is the keyed hash of their e-mail address, the key their patient record
(`Patient.email_hash`) and their bookings (`Appointment.patient_email_hash`) hold. A link's
secret is never stored: only its keyed hash, set when the e-mail is built."""

import datetime

from django.db import models
from django.utils import timezone

from klearmind.encryption.keys import keyed_hash

LINK_VALID = datetime.timedelta(minutes=15)


def link_expiry() -> datetime.datetime:
    return timezone.now() + LINK_VALID


def token_hash(token: str) -> str:
    return keyed_hash(token, purpose="portal-sign-in")


class SignInLinkQuerySet(models.QuerySet):
    def usable(self, *, now: datetime.datetime | None = None):
        return self.filter(used_at__isnull=True, expires_at__gt=now or timezone.now())

    def for_token(self, token: str):
        return self.filter(token_hash=token_hash(token)) if token else self.none()


class SignInLink(models.Model):
    person_hash = models.CharField(max_length=64)
    # Empty until the e-mail is built: the secret is made then, and only its hash kept.
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=link_expiry)
    used_at = models.DateTimeField(null=True, blank=True)

    objects = SignInLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Sign-in link {self.pk}"

    def is_usable(self, *, now: datetime.datetime | None = None) -> bool:
        return self.used_at is None and self.expires_at > (now or timezone.now())


class PasskeyQuerySet(models.QuerySet):
    def of_person(self, person_hash: str):
        return self.filter(person_hash=person_hash) if person_hash else self.none()


class Passkey(models.Model):
    """A WebAuthn credential the person added once signed in, to sign in without e-mail."""

    person_hash = models.CharField(max_length=64, db_index=True)
    # The authenticator's id for the credential, and the opaque user handle it keeps with it.
    credential_id = models.BinaryField(max_length=1023, unique=True)
    user_handle = models.BinaryField(max_length=64)
    public_key = models.BinaryField(max_length=2048)
    sign_count = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = PasskeyQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Passkey {self.pk}"
