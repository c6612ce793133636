import re

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from klearmind.audit.models import AuditEvent
from klearmind.settings import base

from .factories import staff


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


RESET = "/admin/password_reset/"


def post_form(client, url, data):
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


@pytest.mark.django_db
def test_a_password_reset_request_is_audited_against_the_account(mailoutbox):
    rosa = staff("Front desk", username="rosa.delgado", email="rosa@clinic.example")
    client = Client(enforce_csrf_checks=True)
    response = post_form(client, RESET, {"email": "rosa@clinic.example"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    event = AuditEvent.objects.get(action=AuditEvent.Action.PASSWORD_RESET_REQUESTED)
    assert (event.target_type, event.target_id, event.actor) == ("auth.user", str(rosa.pk), None)
    assert "rosa@clinic.example" not in event.detail


@pytest.mark.django_db
def test_a_request_for_an_unknown_address_is_audited_without_the_address(mailoutbox):
    post_form(Client(enforce_csrf_checks=True), RESET, {"email": "stranger@elsewhere.example"})
    assert mailoutbox == []
    event = AuditEvent.objects.get(action=AuditEvent.Action.PASSWORD_RESET_REQUESTED)
    assert (event.target_id, event.detail) == ("", "for an address that matches no account")
    assert not AuditEvent.objects.filter(detail__icontains="stranger").exists()


@pytest.mark.django_db
def test_a_completed_password_reset_is_audited(mailoutbox):
    rosa = staff("Front desk", email="rosa@clinic.example")
    client = Client(enforce_csrf_checks=True)
    post_form(client, RESET, {"email": "rosa@clinic.example"})
    link = re.search(r"/admin/password_reset/confirm/\S+/", mailoutbox[0].body).group(0)
    set_password = client.get(link)["Location"]
    new_password = "a brand new passphrase for rosa"
    response = post_form(
        client, set_password, {"new_password1": new_password, "new_password2": new_password}
    )
    assert response["Location"] == "/admin/password_reset/complete/"
    rosa.refresh_from_db()
    assert rosa.check_password(new_password)
    event = AuditEvent.objects.get(action=AuditEvent.Action.PASSWORD_RESET)
    assert (event.actor, event.target_id) == (rosa, str(rosa.pk))
