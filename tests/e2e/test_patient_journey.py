"""A new patient's whole path on a phone, in Chromium. The demo's accepted candidate, Noor
Haddad, gets the clinic's invitation by e-mail and books an induction series from its link; the
confirmation page asks for the forms to sign before treatment, and Noor signs each one on the
phone (agreeing to sign electronically, the typed name and a drawn signature). Noor then signs
in to the portal with the link e-mailed to her, sees the six visits and nothing left to sign,
moves the last visit to another time, fills the check-in a clinician sent, and sees her PHQ-9
fall from the questionnaire's score in words and as the chart. The clinician opens the record,
sends the check-in from the back office and keeps why Noor left the privacy notice's
acknowledgement unsigned. axe checks each new page."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from .axe import serious_violations
from .conftest import OutsideRequests
from .test_clinic_day import INVITATION_LINK, book_the_series, e_mailed_link, log_size
from .test_portal import SIGN_IN_LINK

pytestmark = pytest.mark.browser

NOOR = {"name": "Noor Haddad", "email": "noor.haddad@example.org", "phone": "(916) 555-0148"}
PHONE = {"width": 390, "height": 844}
# The demo's questionnaire gave Noor a PHQ-9 of 15; the check-in answers below give 8.
INTAKE_PHQ9, CHECK_IN_PHQ9 = 15, 8


@pytest.fixture
def staff(browser, live_site, sign_in):
    context = browser.new_context(base_url=live_site, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    sign_in(tab, "daniel.okafor")
    yield tab
    context.close()


@pytest.fixture
def phone(browser, live_site):
    context = browser.new_context(
        base_url=live_site, viewport=PHONE, is_mobile=True, has_touch=True
    )
    outside = OutsideRequests(live_site)
    context.route("**/*", outside)
    tab = context.new_page()
    tab.outside_requests = outside
    tab.script_errors = []
    tab.on("pageerror", lambda error: tab.script_errors.append(str(error)))
    yield tab
    context.close()


def invite_and_open_the_record(staff) -> None:
    staff.goto("/admin/intake/")
    staff.locator("table.listing tbody tr").filter(has_text=NOOR["name"]).get_by_role(
        "link", name=NOOR["name"]
    ).click()
    staff.get_by_role("button", name="E-mail a link to book treatment online").click()
    staff.wait_for_load_state()
    assert "A personal link to book treatment online has been e-mailed." in staff.content()
    staff.goto("/admin/care/")
    waiting = staff.locator(".care-admin__waiting li").filter(has_text=NOOR["name"])
    waiting.get_by_role("button", name="Open the patient record").click()
    staff.wait_for_load_state()
    assert "Patient record opened from the questionnaire." in staff.content()


def draw_a_signature(tab) -> None:
    canvas = tab.locator("canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    tab.mouse.move(box["x"] + 20, box["y"] + box["height"] / 2)
    tab.mouse.down()
    for step in range(1, 10):
        tab.mouse.move(box["x"] + 20 + step * 25, box["y"] + box["height"] / 2 + (-1) ** step * 20)
    tab.mouse.up()


def sign_every_form(tab, screenshots) -> list[str]:
    """Sign each form the consent page lists, in turn; the titles signed."""
    signed = []
    to_sign = tab.locator("section[aria-labelledby=to-sign-heading] a")
    while to_sign.count():
        title = to_sign.first.inner_text()
        to_sign.first.click()
        assert tab.locator("h1").inner_text() == title
        tab.get_by_label(re.compile("I agree to sign this document electronically")).check()
        tab.get_by_label("Your full name").fill(NOOR["name"])
        draw_a_signature(tab)
        assert (
            tab.locator("input[name=drawn_signature]")
            .input_value()
            .startswith("data:image/png;base64,")
        )
        if not signed:
            screenshots(tab, "journey-consent-phone")
            assert serious_violations(tab) == []
        tab.get_by_role("button", name=f"Sign {title}").click()
        tab.wait_for_url(re.compile(r"/consent/\?visit=\d+$"))
        assert "Thank you: your signature is kept" in tab.locator("main").inner_text()
        signed.append(title)
    main = tab.locator("main").inner_text()
    assert "Nothing to sign for now." in main
    # The privacy notice's acknowledgement and consent to messages stay offered, as a choice.
    assert "Yours to choose" in main
    return signed


def sign_in_to_the_portal(tab, var_dir) -> None:
    tab.goto("/my/")
    tab.wait_for_url("**/my/sign-in/")
    before = log_size(var_dir)
    tab.get_by_label("Your e-mail address").fill(NOOR["email"])
    tab.get_by_role("button", name="E-mail me a sign-in link").click()
    expect(tab.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    link = e_mailed_link(var_dir, SIGN_IN_LINK, subject="Your link to sign in", after=before)
    tab.goto(link)
    tab.get_by_role("button", name="Sign in", exact=True).click()
    tab.wait_for_url(re.compile(r"/my/$"))


def move_to_another_time(tab, visit: datetime.datetime) -> str:
    """On the visit's move page: the visit's own day, then a free time other than its own.
    The new time as the page says it."""
    for _ in range(3):
        day = tab.locator(f'.booking-month a[href*="{visit.date().isoformat()}"]')
        if day.count():
            break
        tab.locator("a[rel=next]").click()
    day.first.click()
    own = visit.strftime("%I:%M %p").lstrip("0")
    times = tab.locator('input[name="start"]')
    labels = [
        tab.locator(f'label[for="{r.get_attribute("id")}"]').inner_text() for r in times.all()
    ]
    new = next(label for label in labels if label != own)
    tab.get_by_label(new, exact=True).check()
    tab.get_by_role("button", name="Move my visit to this time").click()
    tab.wait_for_load_state()
    return new


def fill_the_check_in(tab) -> None:
    for name in sorted(
        set(tab.locator("input[type=radio]").evaluate_all("r => r.map(e => e.name)"))
    ):
        value = "1" if re.fullmatch(r"phq9_[1-8]", name) else "0"
        tab.locator(f'input[name="{name}"][value="{value}"]').check()
    tab.get_by_role("button", name="Send my check-in").click()
    tab.wait_for_load_state()
    assert tab.locator("h1").inner_text() == "Thank you: we received your check-in"


def test_an_invited_candidate_books_signs_and_follows_the_series_in_the_portal(
    staff, phone, var_dir, screenshots
):
    tab = phone
    before = log_size(var_dir)
    invite_and_open_the_record(staff)
    link = e_mailed_link(var_dir, INVITATION_LINK, subject=f"Hello {NOOR['name']}", after=before)

    booked = book_the_series(tab, link, NOOR)
    visit_page = tab.url.split("?")[0]
    forms = tab.locator("section[aria-labelledby=consents-heading]")
    assert "Informed consent for IV ketamine" in forms.inner_text()
    screenshots(tab, "journey-booked-phone")
    assert serious_violations(tab) == []
    forms.get_by_role("link", name="Read and sign").click()
    signed = sign_every_form(tab, screenshots)
    assert any(title.startswith("Informed consent for IV ketamine") for title in signed)
    tab.goto(visit_page)  # the visit's page again, now with nothing to sign
    assert tab.locator("section[aria-labelledby=consents-heading]").count() == 0

    # A fresh phone browser: the portal, by the link e-mailed to Noor.
    tab.context.clear_cookies()
    sign_in_to_the_portal(tab, var_dir)
    main = tab.locator("main").inner_text()
    assert len(re.findall(r"visit \d of 6 of your series", main)) == 6
    assert "Nothing to sign before your visits." in main
    for title in signed:
        assert tab.locator("main a", has_text=title).count() == 1  # its signed copy
    assert f"Your PHQ-9 was {INTAKE_PHQ9} on" in main  # the questionnaire's, from the record

    last = tab.locator(".portal-visits li").filter(has_text="visit 6 of 6")
    last.get_by_role("link", name=re.compile("^See, move or cancel")).click()
    tab.get_by_role("link", name="Move this visit only").click()
    assert tab.locator("h1").inner_text() == "Move your visit"
    new_time = move_to_another_time(tab, booked[5][1])
    expect(tab.get_by_role("heading", name="Your visit has moved")).to_be_visible()
    tab.goto("/my/")
    moved = tab.locator(".portal-visits li").filter(has_text="visit 6 of 6").inner_text()
    assert new_time in moved and booked[5][1].strftime("%-d %B") in moved

    # The clinician sends a check-in; Noor fills it from the portal.
    staff.goto("/admin/care/")
    staff.get_by_role("link", name=NOOR["name"]).first.click()
    staff.get_by_role("link", name="Progress and scores").click()
    staff.get_by_role("button", name="Send a check-in now").click()
    staff.wait_for_load_state()
    # Noor left the privacy notice's acknowledgement unsigned: the desk keeps why, on the record.
    staff.get_by_role("link", name="Back to the patient record").click()
    staff.get_by_role("link", name="Sign a consent in the clinic").click()
    privacy = staff.locator("li").filter(has_text="Acknowledgement of the Notice of Privacy")
    privacy.get_by_text("The patient declined to sign it").click()
    privacy.get_by_label("Why it was not signed").fill(
        "Took the paper notice; would rather not sign"
    )
    screenshots(staff, "journey-decline-form-desk")
    privacy.get_by_role("button", name="Keep that the patient declined").click()
    staff.wait_for_load_state()
    declined = staff.locator("section[aria-labelledby=declined-heading]").inner_text()
    assert "Took the paper notice; would rather not sign" in declined
    assert "Daniel Okafor" in declined
    screenshots(staff, "journey-declined-desk")
    assert serious_violations(staff) == []

    tab.reload()
    tab.get_by_role("link", name="Fill your check-in questionnaire").click()
    assert serious_violations(tab) == []
    fill_the_check_in(tab)

    tab.goto("/my/")
    main = tab.locator("main").inner_text()
    assert re.search(rf"Your PHQ-9 went from {INTAKE_PHQ9} on .+ to {CHECK_IN_PHQ9}", main), main
    tab.get_by_role("link", name="See your scores over time").click()
    assert "<caption>PHQ-9 scores</caption>" in tab.content()
    screenshots(tab, "journey-scores-phone")
    assert serious_violations(tab) == []
    assert tab.outside_requests.blocked == []
    assert tab.script_errors == []
