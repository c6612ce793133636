"""The National Provider Identifier: ten digits, the last a Luhn check digit computed over the
first nine with the prefix 80840 (the health-industry prefix of ISO/IEC 7812) in front, as CMS
publishes in "Requirements for the NPI check digit"."""

import re

from django.core.exceptions import ValidationError

NPI_PREFIX = "80840"
NPI_DIGITS = re.compile(r"[0-9]{10}\Z")


def luhn_sum(digits: str) -> int:
    """The Luhn sum of `digits`, the rightmost digit not doubled."""
    total = 0
    for position, character in enumerate(reversed(digits)):
        digit = int(character)
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total


def check_digit(first_nine: str) -> str:
    """The tenth digit of an NPI that begins with `first_nine`."""
    return str(-luhn_sum(f"{NPI_PREFIX}{first_nine}0") % 10)


def is_valid_npi(value: str) -> bool:
    return bool(NPI_DIGITS.match(value)) and luhn_sum(NPI_PREFIX + value) % 10 == 0


def valid_npi(value: str) -> None:
    """Validator: ten digits whose last is the NPI check digit."""
    if not NPI_DIGITS.match(value or ""):
        raise ValidationError("An NPI is ten digits, like 1234567893.", code="npi_digits")
    if not is_valid_npi(value):
        raise ValidationError(
            "This is not a valid NPI: its last digit does not match the others. Please check it "
            "against the NPPES registry.",
            code="npi_check_digit",
        )
