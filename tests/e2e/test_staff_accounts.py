"""Staff sign in with a second factor, set one up, and are warned before an idle sign-out."""

import json
import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from .axe import serious_violations

pytestmark = pytest.mark.browser


def test_the_owner_signs_in_with_password_then_app_code(page, demo_logins, screenshots):
    login = demo_logins["olivia.marsh"]
    page.goto("/admin/login/")
    assert page.get_by_label("Remember me").count() == 0
    page.get_by_label("Username").fill("olivia.marsh")
    page.get_by_label("Password").fill(login.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/two-factor/verify/**")
    assert serious_violations(page) == []
    page.get_by_role("textbox", name="Code").fill("000000")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("That code didn't work")).to_be_visible()
    screenshots(page, "10-two-factor-verify-error")
    time.sleep(1.5)  # one wrong code makes the next try wait a second
    page.get_by_role("textbox", name="Code").fill(login.next_code())
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/admin/")
    page.goto("/admin/security/locked-logins/")
    expect(page.get_by_role("heading", name="Locked-out logins")).to_be_visible()
    assert page.outside_requests.blocked == []


def test_an_editor_sets_up_an_authenticator_from_the_key_on_screen(page, sign_in, screenshots):
    sign_in(page, "priya.raman")
    page.goto("/admin/security/")
    page.get_by_role("link", name="Set up an authenticator app").click()
    page.wait_for_url("**/two-factor/set-up/**")
    expect(page.locator(".two-factor-qr svg")).to_be_visible()
    assert serious_violations(page) == []
    screenshots(page, "11-two-factor-set-up")
    key = re.sub(r"\s", "", page.locator(".two-factor-key").inner_text())
    code = TOTP(b32decode(key + "=" * (-len(key) % 8))).token()
    page.get_by_role("textbox", name="Code").fill(f"{code:06d}")
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    screenshots(page, "12-recovery-codes")
    # Put the demo editor back as it was, so other tests sign in with a password alone.
    page.goto("/admin/security/")
    page.get_by_role("button", name="Turn off two-factor authentication").click()
    expect(page.get_by_text("Not set up yet.")).to_be_visible()


def test_a_warning_comes_before_the_idle_sign_out_and_staying_works(page, sign_in, screenshots):
    sign_in(page, "sam.whitfield")
    almost = {"signed_in": True, "seconds_left": 90, "warning_seconds": 120}
    page.route(
        "**/admin/security/session/status/",
        lambda route: route.fulfill(
            status=200, content_type="application/json", body=json.dumps(almost)
        ),
    )
    page.goto("/admin/security/")
    dialog = page.get_by_role("alertdialog", name="You will be signed out soon")
    dialog.wait_for()
    assert re.search(r"signed out in 1:[23]\d", dialog.inner_text())
    assert page.evaluate("document.activeElement.textContent") == "Stay signed in"
    screenshots(page, "13-idle-warning")
    page.unroute("**/admin/security/session/status/")
    page.keyboard.press("Enter")
    dialog.wait_for(state="hidden")
