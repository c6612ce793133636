import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from klearmind.settings import base


def test_passwords_are_hashed_with_argon2(settings):
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    assert make_password("a long enough passphrase").startswith("argon2$argon2id$")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pass1", "This password is too short. It must contain at least 12 characters."),
        ("password1234", "This password is too common."),
        ("839274619283", "This password is entirely numeric."),
    ],
)
def test_weak_passwords_are_refused(settings, password, message):
    settings.AUTH_PASSWORD_VALIDATORS = base.AUTH_PASSWORD_VALIDATORS
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert message in refused.value.messages


def test_a_long_uncommon_password_is_accepted(settings):
    settings.AUTH_PASSWORD_VALIDATORS = base.AUTH_PASSWORD_VALIDATORS
    validate_password("orchard lantern velvet 42")
