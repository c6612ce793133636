"""Second factors: one authenticator app (TOTP) per person and single-use recovery codes."""

import math
from base64 import b32encode

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.models import MAX_THROTTLE_DELAY_SECONDS
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def authenticator(user, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=confirmed).first()


def recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.devices_for_user(user, confirmed=True).first()


def device_for_code(user, code: str):
    """Six digits go to the app, anything else to the recovery codes: a recovery code is never
    counted as a wrong app code, nor the reverse."""
    return authenticator(user) if code.isdigit() else recovery_device(user)


def seconds_until_retry(device) -> int:
    """Seconds until a device accepts another try after wrong codes (django-otp's back-off)."""
    if device is None or device.verify_is_allowed()[0]:
        return 0
    elapsed = (timezone.now() - device.throttling_failure_timestamp).total_seconds()
    required = device.get_throttle_factor() * 2 ** (device.throttling_failure_count - 1)
    return max(1, math.ceil(min(required, MAX_THROTTLE_DELAY_SECONDS) - elapsed))


def pending_authenticator(user) -> TOTPDevice:
    """The unconfirmed device whose key the enrolment page shows, made once per enrolment."""
    device = authenticator(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def confirm_authenticator(device: TOTPDevice, code: str) -> bool:
    """Confirm an enrolment when the code matches; any other app the person had is replaced."""
    if not device.verify_token(code):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return True


def new_recovery_codes(user) -> list[str]:
    """Replace the person's recovery codes with fresh ones; each works once."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(settings.RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def recovery_codes_left(user) -> int:
    device = recovery_device(user)
    return device.token_set.count() if device else 0


def remove_second_factor(user) -> None:
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


def manual_key(device: TOTPDevice) -> str:
    """The key in the base32 form authenticator apps accept when typed, in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The enrolment link as an inline SVG QR code, drawn here: no image service is asked."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#1d1d1b")
