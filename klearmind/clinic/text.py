"""Validation of the text people type, shared by every form, public or back office."""

import unicodedata

from django.core.exceptions import ValidationError

# Characters that reorder text (right-to-left overrides and isolates): a name or subject that
# contains them can display as something other than what was typed.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def reject_control_characters(value: str) -> None:
    """One line of text may hold letters of any script and emoji, but no control characters."""
    for character in value:
        if character in BIDI_CONTROLS or unicodedata.category(character) == "Cc":
            raise ValidationError(
                "Please remove the invisible control character (code U+%(code)04X).",
                code="control_character",
                params={"code": ord(character)},
            )


def no_null_bytes_text(value: str) -> None:
    """Free text may hold any script, emoji and line breaks, but no other control characters."""
    reject_control_characters(value.replace("\n", "").replace("\r", "").replace("\t", ""))
