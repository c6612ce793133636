"""Passkeys (WebAuthn, with the `webauthn` package): a signed-in person adds one, and later signs
in with it instead of an e-mailed link. Each ceremony's challenge waits in the session and is
used once; the relying party is the site's own address (settings.WAGTAILADMIN_BASE_URL).

A passkey is discoverable: signing in asks for no address, the device offers its passkeys for
this site, and the credential's id finds the person."""

import ipaddress
import json
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from klearmind.clinic.models import ClinicSettings

from .models import Passkey

REGISTRATION = "portal_passkey_registration"
AUTHENTICATION = "portal_passkey_authentication"
NOT_ACCEPTED = "That passkey could not be used here. Please try again, or use the e-mailed link."


class PasskeyRefused(Exception):
    def __init__(self, message: str = NOT_ACCEPTED):
        super().__init__(message)
        self.message = message


def relying_party() -> tuple[str, str]:
    """The RP id and the origin. WebAuthn needs a domain: on the loopback address of a
    developer's machine, passkeys use `localhost` (a secure context over plain HTTP)."""
    address = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    host = address.hostname or "localhost"
    try:
        if ipaddress.ip_address(host).is_loopback:
            host = "localhost"
    except ValueError:
        pass
    port = f":{address.port}" if address.port else ""
    return host, f"{address.scheme}://{host}{port}"


def registration_options(session, *, person: str, name: str) -> str:
    """The options for the browser's navigator.credentials.create(), as JSON."""
    rp_id, _ = relying_party()
    own = list(Passkey.objects.of_person(person))
    handle = bytes(own[0].user_handle) if own else secrets.token_bytes(32)
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=ClinicSettings.load().clinic_name,
        user_name=name,
        user_display_name=name,
        user_id=handle,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=bytes(passkey.credential_id)) for passkey in own
        ],
    )
    session[REGISTRATION] = {
        "challenge": bytes_to_base64url(options.challenge),
        "handle": bytes_to_base64url(handle),
        "person": person,
    }
    return options_to_json(options)


def add_passkey(session, *, person: str, credential: str) -> Passkey:
    """Keep the new credential for `person`, once the browser's answer to this session's
    challenge checks out; the challenge is spent either way."""
    state = session.pop(REGISTRATION, None)
    if not state or state["person"] != person:
        raise PasskeyRefused
    rp_id, origin = relying_party()
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(state["challenge"]),
            expected_rp_id=rp_id,
            expected_origin=origin,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError):
        raise PasskeyRefused from None
    try:
        with transaction.atomic():
            return Passkey.objects.create(
                person_hash=person,
                credential_id=verified.credential_id,
                user_handle=base64url_to_bytes(state["handle"]),
                public_key=verified.credential_public_key,
                sign_count=verified.sign_count,
            )
    except IntegrityError:
        raise PasskeyRefused("This passkey is added already.") from None


def authentication_options(session) -> str:
    """The options for navigator.credentials.get(), as JSON: no address asked for."""
    rp_id, _ = relying_party()
    options = generate_authentication_options(
        rp_id=rp_id, user_verification=UserVerificationRequirement.PREFERRED
    )
    session[AUTHENTICATION] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


def credential_ids(credential: str) -> tuple[bytes, bytes | None]:
    """The credential's id and the user handle the device returned with it, if any."""
    try:
        parsed = json.loads(credential)
        handle = parsed["response"].get("userHandle")
        return base64url_to_bytes(parsed["rawId"]), base64url_to_bytes(handle) if handle else None
    except (ValueError, KeyError, TypeError, AttributeError):
        raise PasskeyRefused from None


def sign_in_with_passkey(session, *, credential: str) -> str:
    """The person whose passkey answered this session's challenge; the challenge is spent."""
    challenge = session.pop(AUTHENTICATION, None)
    if not challenge:
        raise PasskeyRefused
    raw_id, handle = credential_ids(credential)
    passkey = Passkey.objects.filter(credential_id=raw_id).first()
    if passkey is None or (handle is not None and handle != bytes(passkey.user_handle)):
        raise PasskeyRefused
    rp_id, origin = relying_party()
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError):
        raise PasskeyRefused from None
    passkey.sign_count, passkey.last_used_at = verified.new_sign_count, timezone.now()
    passkey.save(update_fields=["sign_count", "last_used_at"])
    return passkey.person_hash


def remove_passkey(*, person: str, pk: int) -> bool:
    """Remove one of the person's own passkeys; False when it is not theirs or gone."""
    removed, _ = Passkey.objects.of_person(person).filter(pk=pk).delete()
    return bool(removed)
