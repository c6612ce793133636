from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from klearmind.audit.models import AuditEvent

from .factories import PASSWORD, sign_in, staff

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


def attempt(client, username, password, ip="203.0.113.7"):
    client.get(LOGIN)
    token = client.cookies["csrftoken"].value
    data = {"username": username, "password": password, "csrfmiddlewaretoken": token}
    return client.post(LOGIN, data, REMOTE_ADDR=ip)


def fail(times, username="rosa", ip="203.0.113.7"):
    client = Client(enforce_csrf_checks=True)
    for _ in range(times):
        response = attempt(client, username, "not the password", ip)
    return response


def test_a_wrong_password_says_so_and_is_audited():
    staff("Front desk", username="rosa")
    response = fail(1)
    assert response.status_code == 200
    assert "Your username and password didn&#x27;t match" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.FAILED_LOGIN)
    assert (event.detail, event.ip_address) == ("username 'rosa'", "203.0.113.7")


def test_the_fifth_failure_locks_the_username_at_that_address_with_a_clear_message(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    staff("Front desk", username="rosa")
    assert fail(4).status_code == 200
    response = fail(1)
    assert response.status_code == 429
    html = response.content.decode()
    assert "There were 5 failed attempts to sign in as <strong>rosa</strong> from this" in html
    assert "for 30 minutes" in html
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOCKED_OUT).exists()
    right_here = attempt(Client(enforce_csrf_checks=True), "rosa", PASSWORD)
    assert right_here.status_code == 429


def test_a_stranger_guessing_a_known_username_does_not_lock_its_owner_out_elsewhere():
    staff("Owner", username="olivia.marsh")
    assert fail(5, username="olivia.marsh", ip="192.0.2.66").status_code == 429
    at_the_clinic = attempt(
        Client(enforce_csrf_checks=True), "olivia.marsh", PASSWORD, ip="198.51.100.1"
    )
    assert at_the_clinic.status_code == 302


def test_one_address_guessing_many_usernames_is_locked_at_a_higher_limit(settings):
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT == 20
    staff("Editor", username="priya")
    for number in range(19):
        response = fail(1, username=f"guess{number}", ip="192.0.2.50")
    assert response.status_code == 200
    response = fail(1, username="guess19", ip="192.0.2.50")
    assert response.status_code == 429
    assert "Too many sign-ins failed from this address" in response.content.decode()
    blocked = attempt(Client(enforce_csrf_checks=True), "priya", PASSWORD, ip="192.0.2.50")
    assert blocked.status_code == 429
    elsewhere = attempt(Client(enforce_csrf_checks=True), "priya", PASSWORD, ip="192.0.2.99")
    assert elsewhere.status_code == 302


def test_the_lock_lifts_after_the_cool_off():
    staff("Editor", username="rosa")
    fail(5)
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        response = attempt(Client(enforce_csrf_checks=True), "rosa", PASSWORD)
    assert response.status_code == 302


def test_the_owner_unlocks_a_login_and_that_is_audited():
    staff("Editor", username="rosa")
    fail(5)
    owner = sign_in(Client(enforce_csrf_checks=True), staff("Owner"))
    page = owner.get("/admin/security/locked-logins/")
    assert 'aria-label="Unlock rosa from 203.0.113.7"' in page.content.decode()
    token = owner.cookies["csrftoken"].value
    lock = AccessAttempt.objects.get(username="rosa")
    owner.post("/admin/security/locked-logins/", {"attempt": lock.pk, "csrfmiddlewaretoken": token})
    assert not AccessAttempt.objects.filter(username="rosa").exists()
    assert attempt(Client(enforce_csrf_checks=True), "rosa", PASSWORD).status_code == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.UNLOCK)
    assert event.detail == "username 'rosa' from 203.0.113.7"


def test_an_unlock_naming_no_lock_says_so_and_unlocks_nothing():
    staff("Editor", username="rosa")
    fail(5)
    owner = sign_in(Client(), staff("Owner"))
    for posted in ("not-a-number", "", "9" * 30, "1\x00"):
        response = owner.post("/admin/security/locked-logins/", {"attempt": posted}, follow=True)
        assert response.status_code == 200, posted
        assert "That lock was already lifted." in response.content.decode()
    assert AccessAttempt.objects.filter(username="rosa").exists()


def test_only_the_owner_may_unlock():
    staff("Editor", username="rosa")
    fail(5)
    clinician = sign_in(Client(), staff("Clinician"))
    response = clinician.get("/admin/security/locked-logins/")
    assert response.status_code in (302, 403)
    assert b"rosa" not in response.content
    assert AccessAttempt.objects.filter(username="rosa").exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PERMISSION_DENIED).exists()


def test_the_owner_sees_and_unlocks_a_locked_address_and_that_is_audited():
    staff("Editor", username="priya")
    for number in range(20):
        fail(1, username=f"guess{number}", ip="192.0.2.50")
    owner = sign_in(Client(enforce_csrf_checks=True), staff("Owner"))
    page = owner.get("/admin/security/locked-logins/").content.decode()
    assert "Unlock the address 192.0.2.50" in page
    token = owner.cookies["csrftoken"].value
    owner.post(
        "/admin/security/locked-logins/", {"address": "192.0.2.50", "csrfmiddlewaretoken": token}
    )
    assert not AccessAttempt.objects.filter(ip_address="192.0.2.50").exists()
    signed_in = attempt(Client(enforce_csrf_checks=True), "priya", PASSWORD, ip="192.0.2.50")
    assert signed_in.status_code == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.UNLOCK)
    assert event.detail == "address 192.0.2.50"


def test_unlocking_an_address_that_is_not_locked_unlocks_nothing():
    staff("Editor", username="rosa")
    fail(5)
    owner = sign_in(Client(), staff("Owner"))
    response = owner.post("/admin/security/locked-logins/", {"address": "203.0.113.7"}, follow=True)
    assert "That lock was already lifted." in response.content.decode()
    assert AccessAttempt.objects.filter(username="rosa").exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.UNLOCK).exists()
