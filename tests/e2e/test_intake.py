"""The candidacy questionnaire in Chromium, on a phone-sized screen: a candidate with anxiety and
PTSD answers every step, sees the crisis panel the moment PHQ-9 item 9 is positive and again at
the end, and gets the thank-you; a clinician signs in with a second factor, finds it at the top
of the queue marked urgent, opens it and changes its status. axe checks the public steps."""

import uuid

import pytest
from playwright.sync_api import expect

from klearmind.intake.questionnaires import SCREENING_QUESTIONS

from .axe import serious_violations
from .conftest import OutsideRequests

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SCREENING_KEYS = tuple(question.key for question in SCREENING_QUESTIONS)


def choose(tab, name: str, value) -> None:
    tab.locator(f'input[name="{name}"][value="{value}"]').check()


def answer_items(tab, prefix: str, values) -> None:
    for number, value in enumerate(values, start=1):
        choose(tab, f"{prefix}_{number}", value)


def next_step(tab, expected_heading: str) -> None:
    tab.get_by_role("button", name="Save and continue").click()
    tab.wait_for_load_state()
    assert tab.locator("h1").inner_text() == expected_heading


def assert_accessible(tab, where: str) -> None:
    assert serious_violations(tab) == [], where


def test_a_candidate_completes_the_form_and_a_clinician_triages_it(
    browser, live_site, sign_in, screenshots
):
    name = f"Robin Castellano {uuid.uuid4().hex[:4]}"
    context = browser.new_context(base_url=live_site, viewport=PHONE)
    outside = OutsideRequests(live_site)
    context.route("**/*", outside)
    tab = context.new_page()

    tab.goto("/candidacy/")
    assert "not monitored in real time" in tab.content()
    assert_accessible(tab, "start")
    tab.get_by_role("link", name="Start the questionnaire").click()
    assert "Step 1 of 6" in tab.locator("#progress").inner_text()

    # Sent empty first: the error summary names each missing answer and links to it.
    tab.get_by_role("button", name="Save and continue").click()
    summary = tab.locator("#form-errors")
    assert "Please enter your name." in summary.inner_text()
    assert_accessible(tab, "about, with errors")
    tab.get_by_label("Full name").fill(name)
    tab.get_by_label("Date of birth").fill("1986-02-11")
    tab.get_by_label("E-mail", exact=True).fill("robin.castellano@example.org")
    tab.get_by_label("Phone", exact=True).fill("(916) 555-0110")
    tab.get_by_label("ZIP code").fill("95816")
    tab.get_by_label("Phone call").check()
    next_step(tab, "What brings you to us")

    expect(tab.get_by_role("heading", name="Your private link to come back later")).to_be_visible()
    assert tab.url.endswith("/candidacy/step/2/")  # addresses are numbers, never a measure
    # A link is made when asked for, shown once, and opens the draft elsewhere at a tokenless
    # address.
    tab.get_by_role("button", name="Show me a link").first.click()
    link = tab.locator(".intake-resume__link a").get_attribute("href")
    assert "/candidacy/resume/" in link
    elsewhere = browser.new_context(base_url=live_site, viewport=PHONE).new_page()
    elsewhere.goto(link)
    assert elsewhere.url.endswith("/candidacy/step/2/")
    assert elsewhere.locator("h1").inner_text() == "What brings you to us"
    elsewhere.context.close()
    tab.get_by_role("link", name="Back to the questionnaire").click()
    assert tab.url.endswith("/candidacy/step/2/")
    for condition in ("Anxiety", "Depression", "PTSD"):
        tab.get_by_label(condition, exact=True).check()
    next_step(tab, "Medicines and treatments")
    assert "Step 3 of 8" in tab.locator("#progress").inner_text()
    tab.get_by_label("Which medicines do you take now, and at what dose?").fill("Sertraline 50 mg")
    tab.get_by_label("How many different antidepressants have you tried?").fill("2")
    choose(tab, "has_therapist", "yes")
    choose(tab, "has_psychiatrist", "no")
    next_step(tab, "Medical history")

    for key in SCREENING_KEYS:
        choose(tab, key, "no")
    next_step(tab, "How your mood has been (PHQ-9)")

    panel = tab.locator("#crisis-panel")
    assert panel.is_hidden()
    assert_accessible(tab, "PHQ-9")
    answer_items(tab, "phq9", (2, 2, 1, 2, 1, 2, 1, 1))
    choose(tab, "phq9_9", 1)  # several days: the panel appears at once, before finishing
    expect(panel).to_be_visible()
    assert "Call or text 988" in panel.inner_text()
    assert panel.get_attribute("role") == "alert"
    screenshots(tab, "intake-phq9-crisis-phone")
    choose(tab, "phq9_9", 0)
    assert panel.is_hidden()
    choose(tab, "phq9_9", 1)
    next_step(tab, "Worry and anxiety (GAD-7)")

    expect(tab.locator("#crisis-panel")).to_be_visible()  # drawn by the server on the next step
    answer_items(tab, "gad7", (2, 2, 2, 1, 1, 1, 2))
    next_step(tab, "After a stressful experience (PCL-5)")
    assert tab.url.endswith("/candidacy/step/7/")
    answer_items(tab, "pcl5", (3, 2, 2, 3, 2, 3, 2, 1, 2, 2, 3, 2, 2, 1, 2, 1, 3, 3, 2, 2))
    assert_accessible(tab, "PCL-5")
    next_step(tab, "Where, when, and your consent")

    choose(tab, "location", "sacramento")
    tab.get_by_label("Tuesday").check()
    tab.get_by_label("Morning").check()
    tab.get_by_label("I agree that the clinic may contact me").check()
    tab.get_by_label("I have read the privacy notice above.").check()
    assert_accessible(tab, "finish")
    tab.get_by_role("button", name="Send my questionnaire").click()
    tab.wait_for_url("**/candidacy/thank-you/")
    assert tab.locator("h1").inner_text() == "Thank you: we received your questionnaire"
    expect(tab.locator("#crisis-panel")).to_be_visible()
    assert "business days" in tab.locator("main").inner_text()
    assert_accessible(tab, "thank-you")
    screenshots(tab, "intake-thanks-phone")
    assert outside.blocked == []
    context.close()

    staff = browser.new_context(base_url=live_site).new_page()
    sign_in(staff, "daniel.okafor")
    staff.goto("/admin/intake/")
    # Urgent drafts never sent come first; then the urgent questionnaires sent, this one first.
    first = staff.locator("table.listing tbody tr").filter(has_not_text="Not sent").first
    assert name in first.inner_text()
    assert "Urgent" in first.inner_text()
    assert_accessible(staff, "queue")
    first.get_by_role("link", name=name).click()
    staff.wait_for_load_state()
    assert_accessible(staff, "questionnaire")
    text = staff.locator("main").inner_text()
    assert "Urgent: PHQ-9 item 9" in text
    assert "Item 9: 1" in text
    assert "Suggestion: Clinician review needed" in text
    assert "Sertraline 50 mg" in text
    staff.get_by_label("Move to").select_option("reviewing")
    staff.get_by_role("button", name="Change status").click()
    staff.wait_for_load_state()
    assert "Status changed to Reviewing." in staff.content()
    assert "Status: Reviewing" in staff.locator("main").inner_text()
    screenshots(staff, "intake-back-office-detail")
    staff.context.close()
