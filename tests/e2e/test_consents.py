"""Consent on the clinic's tablet, in Chromium: a clinician opens Jamie's record, "Sign a
consent in the clinic" lists the telehealth consent's new version, Jamie agrees to sign
electronically, reads, types their name and draws a signature with the finger (the mouse
here); the signature is kept with the clinician as witness and its PDF copy holds the
drawing. axe checks the signing page."""

import re

import pytest
from playwright.sync_api import expect

from .axe import serious_violations

pytestmark = pytest.mark.browser


def test_a_patient_signs_a_new_version_on_the_tablet_with_a_drawn_signature(
    browser, live_site, sign_in, screenshots
):
    context = browser.new_context(base_url=live_site, viewport={"width": 820, "height": 1180})
    tab = context.new_page()
    errors = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(tab, "daniel.okafor")

    tab.goto("/admin/care/")
    tab.get_by_role("link", name="Jamie Fox").first.click()
    tab.get_by_role("link", name="Sign a consent in the clinic").click()
    tab.get_by_role("link", name="Consent to telehealth").click()
    tab.wait_for_url(re.compile(r"/admin/care/patients/\d+/consents/telehealth/"))
    assert "there is nothing to install" in tab.content()
    pad = tab.locator("[data-signature-pad]")
    expect(pad).to_be_visible()  # shown only where JavaScript runs

    tab.get_by_label(re.compile("I agree to sign this document electronically")).check()
    tab.get_by_label("Your full name").fill("Jamie Fox")
    canvas = tab.locator("canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    tab.mouse.move(box["x"] + 30, box["y"] + 100)
    tab.mouse.down()
    for step in range(1, 12):
        tab.mouse.move(box["x"] + 30 + step * 25, box["y"] + 100 + (-1) ** step * 30)
    tab.mouse.up()
    assert errors == []
    assert (
        tab.locator("input[name=drawn_signature]")
        .input_value()
        .startswith("data:image/png;base64,")
    )
    screenshots(tab, "consent-tablet")
    assert serious_violations(tab) == []
    tab.get_by_role("button", name=re.compile("^Sign ")).click()
    tab.wait_for_url(re.compile(r"/admin/care/patients/\d+/consents/$"))
    assert "signed, witnessed by you" in tab.content()
    row = tab.get_by_role("row").filter(has_text="version 2")
    assert "Daniel Okafor" in row.inner_text()

    copy = row.get_by_role("link", name="Signed copy (PDF)").get_attribute("href")
    pdf = context.request.get(copy)
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF") and b"/Subtype /Image" in pdf.body()
    assert errors == []
    context.close()
