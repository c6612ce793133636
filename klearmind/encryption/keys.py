"""The keys: Fernet keys from FIELD_ENCRYPTION_KEYS, the HMAC key from FIELD_LOOKUP_KEY.

Also imported by the production settings to refuse a start without valid keys, so nothing here
reads settings at import time.
"""

import functools
import hashlib
import hmac
import re
import unicodedata

import phonenumbers
from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings

GENERATE = (
    'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)
LOOKUP_KEY_MIN_LENGTH = 32
# The clinic is in the United States: a number typed without a country code is read as one
# there, as `klearmind.clinic.validators.REGION` reads it in forms.
PHONE_REGION = "US"
# What people type around a phone number's digits (and an extension); anything else, letters
# above all, is not a phone number, so a name is never read as one.
PHONE_TEXT = re.compile(r"^\+?[0-9 ().\-]+(?: ?(?:ext\.?|x) ?[0-9]{1,6})?\Z", flags=re.IGNORECASE)


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


def normalise_name(value: str) -> str:
    """A whole name as one string: compatibility forms folded (NFKC, so a full-width or
    ligature letter is the plain one), case folded, and any run of whitespace one space."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).casefold())
    return " ".join(folded.split())


def normalise_phone(value: str) -> str:
    """A phone number in E.164 (+19165550142), read in PHONE_REGION when it has no country
    code, its extension dropped; "" for text that is not a possible number."""
    text = value.strip()
    if not PHONE_TEXT.match(text):
        return ""
    try:
        number = phonenumbers.parse(text, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# How LookupHashField(normalise=...) prepares a value before hashing it.
NORMALISERS = {True: normalise, "name": normalise_name, "phone": normalise_phone}


def email_lookup_hash(email: str) -> str:
    """The keyed hash under which an e-mail address is found, whatever its case or spacing."""
    return keyed_hash(normalise(email), purpose="email")


def name_lookup_hash(name: str) -> str:
    """The keyed hash under which a whole name is found (purpose "name"); "" for no name."""
    text = normalise_name(name)
    return keyed_hash(text, purpose="name") if text else ""


def phone_lookup_hash(phone: str) -> str:
    """The keyed hash under which a phone number is found (purpose "phone"), whatever way it
    was written; "" for text that is not a possible phone number."""
    text = normalise_phone(phone)
    return keyed_hash(text, purpose="phone") if text else ""
