import re

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from klearmind.accounts import mfa
from klearmind.audit.models import AuditEvent

from .factories import current_code, sign_in, staff

pytestmark = pytest.mark.django_db

SETUP = "/admin/security/two-factor/set-up/"
VERIFY = "/admin/security/two-factor/verify/"


def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def post(client, url, data, *, form_page=None):
    client.get(form_page or url)  # the form sets the CSRF cookie the post must echo
    token = client.cookies["csrftoken"].value
    return client.post(url, {**data, "csrfmiddlewaretoken": token})


def verified(client) -> bool:
    return client.get("/admin/security/").status_code == 200


def test_setup_shows_a_locally_drawn_qr_code_and_the_typed_key():
    client = sign_in(csrf_client(), staff("Clinician"), second_factor=False)
    html = client.get(SETUP).content.decode()
    device = TOTPDevice.objects.get(confirmed=False)
    assert "<svg" in html and "http" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert mfa.manual_key(device) in html
    assert "Your role can see health information" in html


def test_a_wrong_setup_code_is_refused_with_the_typed_value_kept():
    client = sign_in(csrf_client(), staff("Clinician"), second_factor=False)
    response = post(client, SETUP, {"code": "000000"})
    html = response.content.decode()
    assert "That code doesn&#x27;t match" in html
    assert 'value="000000"' in html
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    assert not verified(client)


def test_setup_confirms_the_app_signs_in_fully_and_shows_recovery_codes_once():
    user = staff("Clinician")
    client = sign_in(csrf_client(), user, second_factor=False)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    response = post(client, SETUP, {"code": current_code(device)})
    codes = re.findall(r"<code>([a-z2-7]{8})</code>", response.content.decode())
    assert len(codes) == 10
    assert sorted(codes) == sorted(StaticToken.objects.values_list("token", flat=True))
    assert "no-store" in response["Cache-Control"]
    device.refresh_from_db()
    assert device.confirmed
    assert verified(client)
    event = AuditEvent.objects.get(action=AuditEvent.Action.CHANGE)
    assert event.detail == "authenticator app added"


def test_a_code_from_the_app_completes_sign_in():
    user = staff("Clinician", authenticator=True)
    client = sign_in(csrf_client(), user, second_factor=False)
    assert not verified(client)
    response = post(
        client, VERIFY, {"code": current_code(mfa.authenticator(user)), "next": "/admin/images/"}
    )
    assert response["Location"] == "/admin/images/"
    assert verified(client)


def test_the_session_key_changes_once_the_second_factor_is_confirmed():
    user = staff("Clinician", authenticator=True)
    client = sign_in(csrf_client(), user, second_factor=False)
    client.get(VERIFY)
    before_second_factor = client.session.session_key
    post(client, VERIFY, {"code": current_code(mfa.authenticator(user))})
    assert client.session.session_key != before_second_factor
    assert verified(client)
    stolen = Client()
    stolen.cookies["sessionid"] = before_second_factor
    assert stolen.get("/admin/security/").status_code == 302


def test_the_session_key_changes_once_a_new_app_is_confirmed():
    user = staff("Clinician")
    client = sign_in(csrf_client(), user, second_factor=False)
    client.get(SETUP)
    before_second_factor = client.session.session_key
    post(client, SETUP, {"code": current_code(TOTPDevice.objects.get(user=user))})
    assert client.session.session_key != before_second_factor
    assert verified(client)


def test_a_wrong_code_is_refused_and_audited():
    user = staff("Clinician", authenticator=True)
    client = sign_in(csrf_client(), user, second_factor=False)
    response = post(client, VERIFY, {"code": "12345x"})
    assert "Enter the six digits from your app, or a recovery code." in response.content.decode()
    response = post(client, VERIFY, {"code": "999999"})
    assert "That code didn&#x27;t work" in response.content.decode()
    assert not verified(client)
    event = AuditEvent.objects.get(action=AuditEvent.Action.FAILED_LOGIN)
    assert (event.actor, event.detail) == (user, "wrong second-factor code")


def test_wrong_codes_in_a_row_slow_down_further_tries():
    user = staff("Clinician", authenticator=True)
    client = sign_in(csrf_client(), user, second_factor=False)
    post(client, VERIFY, {"code": "999999"})
    post(client, VERIFY, {"code": "999998"})  # too soon after the first
    right = post(client, VERIFY, {"code": current_code(mfa.authenticator(user))})
    assert "Too many wrong codes in a row. Wait" in right.content.decode()
    assert not verified(client)


def test_a_recovery_code_works_exactly_once():
    user = staff("Clinician", authenticator=True)
    code = mfa.new_recovery_codes(user)[3]
    first = sign_in(csrf_client(), user, second_factor=False)
    post(first, VERIFY, {"code": code.upper()})
    assert verified(first)
    assert mfa.recovery_codes_left(user) == 9
    second = sign_in(csrf_client(), user, second_factor=False)
    response = post(second, VERIFY, {"code": code})
    assert "That code didn&#x27;t work" in response.content.decode()
    assert not verified(second)


def test_an_off_site_next_address_is_ignored():
    user = staff("Clinician", authenticator=True)
    client = sign_in(csrf_client(), user, second_factor=False)
    data = {"code": current_code(mfa.authenticator(user)), "next": "https://evil.example/"}
    response = post(client, VERIFY, data)
    assert response["Location"] == "/admin/"


def test_a_role_that_sees_health_information_cannot_turn_two_factor_off():
    user = staff("Clinician", authenticator=True)
    client = sign_in(csrf_client(), user)
    response = post(client, "/admin/security/two-factor/remove/", {}, form_page="/admin/security/")
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=user).exists()


def test_an_editor_may_turn_two_factor_off():
    user = staff("Editor", authenticator=True)
    mfa.new_recovery_codes(user)
    client = sign_in(csrf_client(), user)
    post(client, "/admin/security/two-factor/remove/", {}, form_page="/admin/security/")
    assert mfa.authenticator(user) is None and mfa.recovery_codes_left(user) == 0


def test_new_recovery_codes_replace_the_old_ones():
    user = staff("Clinician", authenticator=True)
    old = set(mfa.new_recovery_codes(user))
    client = sign_in(csrf_client(), user)
    response = post(
        client, "/admin/security/two-factor/recovery-codes/", {}, form_page="/admin/security/"
    )
    new = set(re.findall(r"<code>([a-z2-7]{8})</code>", response.content.decode()))
    assert len(new) == 10 and not new & old
    assert set(StaticToken.objects.values_list("token", flat=True)) == new


def test_the_sign_in_form_has_no_remember_me():
    html = Client().get("/admin/login/").content.decode()
    assert 'name="username"' in html
    assert 'name="remember"' not in html
    assert "Sign in to Klearmind" in html
