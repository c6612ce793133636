"""The patient portal on a phone, in Chromium: Jamie, half-way through the demo's induction
series, asks for a sign-in link, opens it from the e-mail and presses "Sign in", sees the
series, the preparation, the check-in due and the scores in plain words and as the chart
(axe finds nothing serious on these pages); adds a passkey with
Chromium's virtual authenticator, signs out, and signs in again with the passkey alone.

Passkeys need a domain, not an IP address, so this test visits the server as `localhost`
(the relying party the portal uses on a loopback address)."""

import re

import pytest
from playwright.sync_api import expect

from .axe import serious_violations
from .conftest import OutsideRequests
from .test_clinic_day import e_mailed_link, log_size

pytestmark = pytest.mark.browser

JAMIE = "jamie.fox@example.com"
SIGN_IN_LINK = re.compile(r"(?:http://127\.0\.0\.1:\d+)?(/my/sign-in/[^\s/]+/)")
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_site):
    base = live_site.replace("127.0.0.1", "localhost")
    context = browser.new_context(base_url=base, viewport=PHONE, is_mobile=True, has_touch=True)
    outside = OutsideRequests(base)
    context.route("**/*", outside)
    tab = context.new_page()
    tab.outside_requests = outside
    yield tab
    context.close()


def virtual_authenticator(tab) -> None:
    cdp = tab.context.new_cdp_session(tab)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def test_a_patient_signs_in_by_e_mail_then_with_a_passkey(phone, var_dir, screenshots):
    tab = phone
    virtual_authenticator(tab)
    tab.goto("/my/")
    tab.wait_for_url("**/my/sign-in/")
    before = log_size(var_dir)
    tab.get_by_label("Your e-mail address").fill(JAMIE)
    assert serious_violations(tab) == []
    tab.get_by_role("button", name="E-mail me a sign-in link").click()
    expect(tab.get_by_role("heading", name="Check your e-mail")).to_be_visible()

    link = e_mailed_link(var_dir, SIGN_IN_LINK, subject="Your link to sign in", after=before)
    tab.goto(link)
    tab.get_by_role("button", name="Sign in", exact=True).click()
    tab.wait_for_url(re.compile(r"/my/$"))
    main = tab.locator("main").inner_text()
    assert re.search(r"visit \d of 6 of your series", main)
    assert "Before your next visit" in main
    assert "Fill your check-in questionnaire" in main
    assert "Your PHQ-9 went from 19 on" in main
    screenshots(tab, "portal-home-phone")
    assert serious_violations(tab) == []
    tab.get_by_role("link", name="See your scores over time").click()
    assert "<caption>PHQ-9 scores</caption>" in tab.content()
    assert serious_violations(tab) == []

    tab.get_by_role("link", name="Passkeys").click()
    tab.get_by_role("button", name="Add a passkey").click()
    tab.wait_for_url("**/my/passkeys/?added=1")
    assert "Your passkey is added" in tab.locator("main").inner_text()

    tab.get_by_role("button", name="Sign out").click()
    tab.wait_for_url("**/my/sign-in/?signed_out=1")
    tab.goto("/my/")
    tab.wait_for_url("**/my/sign-in/")
    tab.get_by_role("button", name="Sign in with a passkey").click()
    tab.wait_for_url(re.compile(r"/my/$"))
    expect(tab.get_by_role("heading", name="Your visits and forms")).to_be_visible()
    assert tab.outside_requests.blocked == []
