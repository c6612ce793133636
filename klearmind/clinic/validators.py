"""The one ZIP code rule and the one phone rule of every form, public or back office.

A phone number is kept as the person typed it (trimmed): the numbers stored before this rule
are free text in encrypted columns, and keeping what was typed leaves them and the new ones
alike, extensions and all. `format_phone` gives any of them one look on screen.
"""

import re

import phonenumbers
from django.core.exceptions import ValidationError

REGION = "US"  # the clinic is in California
# [0-9], not \d, which takes other scripts' digits too; \Z, not $, which lets "\n" follow.
ZIP_CODE = re.compile(r"^[0-9]{5}\Z")
# What people type around the digits; letters (1-800-FLOWERS) and anything else are refused
# before the number is parsed, as phonenumbers would read past them.
PHONE_CHARACTERS = re.compile(r"^\+?[0-9 ().\-]+(?: ?(?:ext\.?|x) ?[0-9]{1,6})?\Z")


def validate_zip_code(value: str) -> None:
    if not ZIP_CODE.match(value):
        raise ValidationError(
            "Please enter a five-digit ZIP code, like 95814.", code="invalid_zip_code"
        )


def parse_phone(value: str) -> phonenumbers.PhoneNumber | None:
    """The number `value` holds, or None when it is not a valid one."""
    if not PHONE_CHARACTERS.match(value.strip()):
        return None
    try:
        number = phonenumbers.parse(value, REGION)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def validate_phone(value: str) -> None:
    if parse_phone(value) is None:
        raise ValidationError(
            "Please enter a phone number with its area code, like (916) 555-0142.",
            code="invalid_phone",
        )


def format_phone(value: str) -> str:
    """A US number as (916) 555-0142, any other with its country code; what cannot be read,
    as it was written."""
    number = parse_phone(value) if value else None
    if number is None:
        return value
    if phonenumbers.region_code_for_number(number) == REGION:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_href(value: str) -> str:
    """A tel: link for the number, empty when there is no valid one."""
    number = parse_phone(value) if value else None
    if number is None:
        return ""
    return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
