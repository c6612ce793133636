"""The keys: Fernet keys from FIELD_ENCRYPTION_KEYS, the HMAC key from FIELD_LOOKUP_KEY.

Also imported by the production settings to refuse a start without valid keys, so nothing here
reads settings at import time.
"""

import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings

GENERATE = (
    'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)
LOOKUP_KEY_MIN_LENGTH = 32


def encryption_keys_problem(keys: list[str]) -> str:
    """Why these FIELD_ENCRYPTION_KEYS cannot be used, or "" when they can."""
    if not keys:
        return f"FIELD_ENCRYPTION_KEYS must be set. Generate a key with: {GENERATE}"
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            return (
                f"FIELD_ENCRYPTION_KEYS: key {position} of {len(keys)} is not a Fernet key "
                f"(32 bytes, URL-safe base64). Generate one with: {GENERATE}"
            )
    return ""


def lookup_key_problem(key: str) -> str:
    """Why this FIELD_LOOKUP_KEY cannot be used, or "" when it can."""
    if len(key) < LOOKUP_KEY_MIN_LENGTH:
        return (
            f"FIELD_LOOKUP_KEY must be set to a random value of {LOOKUP_KEY_MIN_LENGTH} characters "
            f"or more, different from the encryption keys. Generate one with: {GENERATE}"
        )
    return ""


@functools.cache
def fernet() -> MultiFernet:
    """Encrypts with the first key of FIELD_ENCRYPTION_KEYS and decrypts with any of them."""
    return MultiFernet([Fernet(key) for key in settings.FIELD_ENCRYPTION_KEYS])


@functools.cache
def current_fernet() -> Fernet:
    """The first key alone: what a value must decrypt with once it has been re-encrypted."""
    return Fernet(settings.FIELD_ENCRYPTION_KEYS[0])


def forget_keys(**kwargs) -> None:
    """Drop the cached keys, so a change of settings (in tests) takes effect."""
    fernet.cache_clear()
    current_fernet.cache_clear()


def keyed_hash(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 of `value` under FIELD_LOOKUP_KEY, kept apart per purpose; hex, 64 characters.

    Equal inputs give equal hashes, so a column of them can be searched; without the key they
    cannot be computed, so a list of likely values (every e-mail address) does not reverse them.
    """
    message = purpose.encode() + b"\x00" + value.encode()
    return hmac.new(settings.FIELD_LOOKUP_KEY.encode(), message, hashlib.sha256).hexdigest()


def normalise(value: str) -> str:
    """Surrounding whitespace and letter case do not make another address or name."""
    return value.strip().casefold()


def email_lookup_hash(email: str) -> str:
    """The keyed hash under which an e-mail address is found, whatever its case or spacing."""
    return keyed_hash(normalise(email), purpose="email")
