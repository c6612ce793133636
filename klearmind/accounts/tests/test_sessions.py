import time

import pytest
import time_machine
from django.test import Client

from klearmind.audit.models import AuditEvent

from .factories import sign_in, staff

pytestmark = pytest.mark.django_db

START = time.time()


def minutes(n: float) -> float:
    return START + n * 60


@pytest.mark.parametrize(
    ("role", "quiet_minutes", "still_in"),
    [
        ("Clinician", 14.5, True),
        ("Clinician", 15.5, False),
        ("Front desk", 15.5, False),
        ("Editor", 29.5, True),
        ("Editor", 30.5, False),
        ("Moderator", 30.5, False),
    ],
)
def test_sessions_end_after_the_idle_limit_of_the_role(role, quiet_minutes, still_in):
    with time_machine.travel(START, tick=False) as clock:
        client = sign_in(Client(), staff(role))
        assert client.get("/admin/security/").status_code == 200
        clock.move_to(minutes(quiet_minutes))
        response = client.get("/admin/security/", follow=True)
    landed = response.request["PATH_INFO"]
    assert (landed == "/admin/security/") is still_in
    if not still_in:
        assert landed == "/admin/login/"
        assert "without activity" in response.content.decode()


def test_activity_keeps_a_session_alive():
    with time_machine.travel(START, tick=False) as clock:
        client = sign_in(Client(), staff("Clinician"))
        for step in range(1, 5):
            clock.move_to(minutes(step * 10))
            assert client.get("/admin/security/").status_code == 200


def test_the_warning_script_reading_the_clock_does_not_reset_it():
    with time_machine.travel(START, tick=False) as clock:
        client = sign_in(Client(), staff("Clinician"))
        client.get("/admin/security/")
        clock.move_to(minutes(10))
        status = client.get(
            "/admin/security/session/status/", headers={"Accept": "application/json"}
        )
        assert status.json() == {"signed_in": True, "seconds_left": 300, "warning_seconds": 120}
        clock.move_to(minutes(15.5))
        expired = client.get(
            "/admin/security/session/status/", headers={"Accept": "application/json"}
        )
    assert expired.status_code == 401
    assert expired.json()["signed_in"] is False


def test_stay_signed_in_resets_the_clock():
    client = Client(enforce_csrf_checks=True)
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, staff("Clinician"))
        client.get("/admin/security/")
        token = client.cookies["csrftoken"].value
        clock.move_to(minutes(14))
        kept = client.post("/admin/security/session/keep-alive/", headers={"X-CSRFToken": token})
        assert kept.json()["seconds_left"] == 900
        clock.move_to(minutes(28))
        assert client.get("/admin/security/").status_code == 200


def test_the_idle_sign_out_is_audited():
    with time_machine.travel(START, tick=False) as clock:
        user = staff("Clinician")
        client = sign_in(Client(), user)
        client.get("/admin/security/")
        clock.move_to(minutes(16))
        client.get("/admin/security/")
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGOUT)
    assert (event.actor, event.detail) == (user, "idle")


def test_sign_out_everywhere_ends_every_session_of_that_person_only():
    user, colleague = staff("Clinician"), staff("Clinician")
    laptop, phone, other = Client(), Client(), Client()
    for client, person in ((laptop, user), (phone, user), (other, colleague)):
        sign_in(client, person)
    laptop.get("/admin/")
    token = laptop.cookies["csrftoken"].value
    laptop.post("/admin/security/sign-out-everywhere/", {"csrfmiddlewaretoken": token})
    assert laptop.get("/admin/security/").status_code == 302
    response = phone.get("/admin/security/", follow=True)
    assert response.request["PATH_INFO"] == "/admin/login/"
    assert "signed out on every device" in response.content.decode()
    assert other.get("/admin/security/").status_code == 200
    sign_in(phone, user)
    assert phone.get("/admin/security/").status_code == 200


def test_the_session_cookie_ends_with_the_browser(settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    client = sign_in(Client(), staff("Editor"))
    response = client.get("/admin/security/")
    cookie = response.cookies.get("sessionid") or client.cookies["sessionid"]
    assert cookie["max-age"] == "" and cookie["expires"] == ""


def test_public_pages_do_not_touch_the_session(client):
    response = client.get("/healthz")
    assert "sessionid" not in response.cookies
    assert "Cookie" not in response.get("Vary", "")
