import pytest
from django.test import Client

from klearmind.audit.models import AuditEvent

from .factories import PASSWORD, staff

pytestmark = pytest.mark.django_db


def sign_in_with_password(username, password):
    client = Client(enforce_csrf_checks=True)
    client.get("/admin/login/")
    token = client.cookies["csrftoken"].value
    data = {"username": username, "password": password, "csrfmiddlewaretoken": token}
    client.post("/admin/login/", data, REMOTE_ADDR="198.51.100.23")
    return client


def test_a_sign_in_and_a_sign_out_are_audited_with_the_address():
    user = staff("Editor", username="priya")
    client = sign_in_with_password("priya", PASSWORD)
    login = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert (login.actor, login.ip_address) == (user, "198.51.100.23")
    client.get("/admin/security/")
    client.post("/admin/logout/", {"csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert AuditEvent.objects.get(action=AuditEvent.Action.LOGOUT).actor == user


def test_a_failed_sign_in_records_the_name_tried_but_never_the_password():
    sign_in_with_password("nobody", "hunter2-secret")
    event = AuditEvent.objects.get(action=AuditEvent.Action.FAILED_LOGIN)
    assert event.actor is None
    assert event.detail == "username 'nobody'"
    assert "hunter2" not in str(AuditEvent.objects.values_list())
