"""A positive PHQ-9 item 9 in Chromium, from the candidate's screen to a clinician's review: a
candidate answers item 9 above "not at all", sees the crisis panel, saves the step and closes
the tab without sending; a clinician finds the unsent questionnaire on Needs attention by the
name typed (apart from the demo's own unsent draft), is refused a review without a note on the
note's field, reviews it with one, and the flag leaves the list for the history, which shows
who reviewed it, when and the note (CLINICAL.md, suicide risk). axe checks the list and the
review form."""

import uuid
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from klearmind.intake.questionnaires import SCREENING_QUESTIONS

from .axe import serious_violations
from .conftest import OutsideRequests

pytestmark = pytest.mark.browser

CLINIC_ZONE = zoneinfo.ZoneInfo("America/Los_Angeles")
PHONE = {"width": 390, "height": 844}
DEMO_UNSENT_DRAFT = "Riley Chen"
NOT_SENT = "Questionnaire not sent — urgent"
NOTE = (
    "Called the candidate: safe now, no plan or intent. Safety plan gone through "
    "together; 988 given again. Consultation brought forward to tomorrow."
)


def choose(tab, name: str, value) -> None:
    tab.locator(f'input[name="{name}"][value="{value}"]').check()


def next_step(tab, expected_heading: str) -> None:
    tab.get_by_role("button", name="Save and continue").click()
    tab.wait_for_load_state()
    assert tab.locator("h1").inner_text() == expected_heading


def clinic_stamp() -> str:
    """The back office's "j M Y, g:i a" for the clinic's now, on the server's timeline."""
    now = timezone.now().astimezone(CLINIC_ZONE)
    return f"{now.day} {now:%b %Y}, {now.hour % 12 or 12}:{now:%M} {now:%p}".replace(
        "AM", "a.m."
    ).replace("PM", "p.m.")


def leave_after_item9(browser, live_site, name: str, screenshots) -> None:
    """The candidate's walk up to PHQ-9, item 9 answered "more than half the days", the step
    saved, and the tab closed before the questionnaire is sent."""
    context = browser.new_context(base_url=live_site, viewport=PHONE)
    outside = OutsideRequests(live_site)
    context.route("**/*", outside)
    tab = context.new_page()
    tab.goto("/candidacy/")
    tab.get_by_role("link", name="Start the questionnaire").click()
    tab.get_by_label("Full name").fill(name)
    tab.get_by_label("Date of birth").fill("1991-07-23")
    tab.get_by_label("E-mail", exact=True).fill("sam.whitaker@example.org")
    tab.get_by_label("Phone", exact=True).fill("(916) 555-0142")
    tab.get_by_label("ZIP code").fill("95819")
    tab.get_by_label("Phone call").check()
    next_step(tab, "What brings you to us")
    tab.get_by_label("Depression", exact=True).check()
    next_step(tab, "Medicines and treatments")
    tab.get_by_label("Which medicines do you take now, and at what dose?").fill("Bupropion 150 mg")
    tab.get_by_label("How many different antidepressants have you tried?").fill("3")
    choose(tab, "has_therapist", "no")
    choose(tab, "has_psychiatrist", "yes")
    next_step(tab, "Medical history")
    for question in SCREENING_QUESTIONS:
        choose(tab, question.key, "no")
    next_step(tab, "How your mood has been (PHQ-9)")

    panel = tab.locator("#crisis-panel")
    assert panel.is_hidden()
    for number, value in enumerate((2, 3, 2, 2, 1, 2, 2, 1), start=1):
        choose(tab, f"phq9_{number}", value)
    choose(tab, "phq9_9", 2)  # more than half the days
    expect(panel).to_be_visible()
    text = panel.inner_text()
    assert "Call or text 988" in text
    assert "call 911" in text
    screenshots(tab, "safety-phq9-crisis-phone")
    next_step(tab, "Where, when, and your consent")
    expect(panel).to_be_visible()  # the saved answer keeps it on the next step
    assert outside.blocked == []
    context.close()  # gone without sending


def test_an_unsent_positive_item9_is_reviewed_with_a_note_and_leaves_the_list(
    browser, live_site, sign_in, screenshots
):
    name = f"Sam Whitaker {uuid.uuid4().hex[:4]}"
    leave_after_item9(browser, live_site, name, screenshots)

    context = browser.new_context(base_url=live_site, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    sign_in(tab, "daniel.okafor")
    tab.goto("/admin/care/attention/")
    assert tab.locator("h1").inner_text().strip() == "Needs attention"
    rows = tab.locator("table.listing tbody tr")
    ours = rows.filter(has_text=name)
    assert ours.count() == 1
    assert NOT_SENT in ours.inner_text()
    assert "(916) 555-0142" in ours.inner_text()
    assert rows.filter(has_text=DEMO_UNSENT_DRAFT).filter(has_text=NOT_SENT).count() == 1
    open_before = rows.count()
    screenshots(tab, "safety-needs-attention")
    assert serious_violations(tab) == [], "Needs attention"

    ours.get_by_role("link", name="Review").click()
    tab.wait_for_load_state()
    facts = tab.locator(".care-admin__facts").inner_text()
    assert name in facts
    assert NOT_SENT in facts
    assert "has not been sent" in facts
    assert "2 (More than half the days), saved" in facts
    assert serious_violations(tab) == [], "review form"

    # Without a note: refused, the error on the note's field, the flag still open.
    tab.get_by_role("button", name="Close the flag with this note").click()
    tab.wait_for_load_state()
    note = tab.get_by_label("What was done")
    error = tab.locator("#id_note_error")
    assert error.inner_text() == "Write what was done: a flag is closed only with a note."
    assert note.get_attribute("aria-invalid") == "true"
    assert "id_note_error" in note.get_attribute("aria-describedby").split()
    assert "Nothing was saved yet." in tab.get_by_role("alert").inner_text()
    screenshots(tab, "safety-review-without-note")
    assert serious_violations(tab) == [], "review form, refused"

    note.fill(NOTE)
    before = clinic_stamp()
    tab.get_by_role("button", name="Close the flag with this note").click()
    tab.wait_for_url("**/admin/care/attention/")
    after = clinic_stamp()
    assert f"Reviewed: {NOT_SENT}, {name}." in tab.locator(".messages").inner_text()
    assert rows.filter(has_text=name).count() == 0
    assert rows.filter(has_text=DEMO_UNSENT_DRAFT).filter(has_text=NOT_SENT).count() == 1
    assert rows.count() == open_before - 1
    screenshots(tab, "safety-needs-attention-after")
    assert serious_violations(tab) == [], "Needs attention, after the review"

    tab.get_by_role("link", name="Reviews so far").click()
    tab.wait_for_url("**/admin/care/attention/history/")
    newest = tab.locator("table.listing tbody tr").first
    cells = newest.locator("td, th").all_inner_texts()
    assert cells[0] in {before, after}
    assert cells[1:4] == ["Daniel Okafor", NOT_SENT, name]
    assert " ".join(cells[5].split()) == NOTE
    screenshots(tab, "safety-review-history")
    context.close()
