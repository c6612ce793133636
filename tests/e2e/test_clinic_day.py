"""One clinic day, end to end, in Chromium: a new patient clicks the home page's "Book a free
consultation", books the free phone call (the confirmation names the phone number, never a
street address), takes the candidacy questionnaire, whose thank-you page offers the
consultation with the details already filled in (the call booked first is matched to the
questionnaire when it arrives); a clinician signs in, accepts the candidate
and e-mails an invitation; the patient opens its link from the e-mail, books a six-infusion
series, moves all remaining visits from the link in the confirmation e-mail (all six move, two
to three days apart still) and cancels one visit (only that one)."""

import datetime
import re
import time
import uuid

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CLINIC_ADDRESS = "1820 Capitol Avenue"
INVITATION_LINK = re.compile(r"(?:http://127\.0\.0\.1:\d+)?(/book/invitation/[^\s/]+/)")
VISIT_LINK = re.compile(r"(?:http://127\.0\.0\.1:\d+)?(/book/visit/[^\s/]+/)")
VISIT_LINE = re.compile(r"Visit (\d): (\w+ \d+ \w+ \d{4}, \d+:\d\d [AP]M) \(\w+\) · (\w+)")


def e_mailed_link(var_dir, pattern, *, subject: str, after: int, seconds: float = 30) -> str:
    """The first link matching `pattern` in an e-mail the task worker printed to the server's
    log after `after` characters, once an e-mail with `subject` text has arrived."""
    log = var_dir / "server.log"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        text = log.read_text()[after:]
        if subject in text and (found := pattern.search(text[text.index(subject) :])):
            return found.group(1)
        time.sleep(0.5)
    raise AssertionError(f"No e-mail with {subject!r} and its link reached the log")


def log_size(var_dir) -> int:
    return len((var_dir / "server.log").read_text())


def first_free_time(tab) -> None:
    """The first free day of the month shown (or the next month's), then its first time."""
    if tab.locator(".booking-month a").count() == 0:  # late on the last day of a month
        tab.locator("a[rel=next]").click()
    tab.locator(".booking-month a").first.click()
    tab.locator(".booking-times a").first.click()


def series_visits(tab) -> list[tuple[int, datetime.datetime, str]]:
    """Each visit of the series as the patient's page lists it: number, start and status."""
    text = tab.locator(".booking-series").first.inner_text()
    return [
        (int(n), datetime.datetime.strptime(when, "%A %d %B %Y, %I:%M %p"), status)
        for n, when, status in VISIT_LINE.findall(text)
    ]


def book_the_phone_call(tab, person) -> None:
    tab.goto("/")
    tab.locator("main").get_by_role("link", name="Book a free consultation").first.click()
    assert tab.locator("h1").inner_text() == "Free phone consultation: where would you like it?"
    assert "Phone call — we will call you on the phone number you give us" in (
        tab.locator(".booking-summary").inner_text()
    )
    tab.get_by_label("Sacramento clinic").check()
    tab.get_by_role("button", name="Show free days").click()
    first_free_time(tab)
    assert tab.locator("h1").inner_text() == "Your details"
    tab.get_by_label("Your name").fill(person["name"])
    tab.get_by_label("E-mail").fill(person["email"])
    tab.get_by_label("Phone").fill(person["phone"])
    tab.get_by_role("button", name="Continue").click()
    expect(tab.get_by_role("heading", name="Check and confirm")).to_be_visible()
    assert "Free" in tab.locator("main").inner_text()
    tab.get_by_role("button", name="Confirm booking").click()
    tab.wait_for_url(re.compile(r"/book/my-visit/\d+/\?booked=1"))
    main = tab.locator("main").inner_text()
    expect(tab.get_by_role("heading", name="Your visit is booked")).to_be_visible()
    assert "Free phone consultation" in main
    assert f"Phone call — we will call you on {person['phone']}" in main
    assert CLINIC_ADDRESS not in main


def take_the_questionnaire(tab, person) -> None:
    tab.goto("/candidacy/")
    tab.get_by_role("link", name="Start the questionnaire").click()
    tab.get_by_label("Full name").fill(person["name"])
    tab.get_by_label("Date of birth").fill("1984-05-20")
    tab.get_by_label("E-mail", exact=True).fill(person["email"])
    tab.get_by_label("Phone", exact=True).fill(person["phone"])
    tab.get_by_label("ZIP code").fill("95816")
    tab.get_by_label("Phone call").check()
    next_step(tab, "What brings you to us")
    tab.get_by_label("Depression", exact=True).check()
    next_step(tab, "Medicines and treatments")
    tab.get_by_label("Which medicines do you take now, and at what dose?").fill("Sertraline 50 mg")
    tab.get_by_label("How many different antidepressants have you tried?").fill("3")
    tab.locator('input[name="has_therapist"][value="yes"]').check()
    tab.locator('input[name="has_psychiatrist"][value="no"]').check()
    next_step(tab, "Medical history")
    for radio in tab.locator('input[type=radio][value="no"]').all():
        radio.check()
    next_step(tab, "How your mood has been (PHQ-9)")
    for number, value in enumerate((2, 2, 1, 2, 1, 2, 1, 1, 0), start=1):
        tab.locator(f'input[name="phq9_{number}"][value="{value}"]').check()
    difficulty = tab.locator('input[name="phq9_difficulty"][value="1"]')
    if difficulty.count():
        difficulty.check()
    tab.get_by_role("button", name="Save and continue").click()
    tab.wait_for_load_state()
    while tab.locator("h1").inner_text() != "Where, when, and your consent":
        # Scales for conditions not chosen are skipped; answer any that is asked.
        for name in set(tab.locator("input[type=radio]").evaluate_all("r => r.map(e => e.name)")):
            tab.locator(f'input[name="{name}"]').first.check()
        tab.get_by_role("button", name="Save and continue").click()
        tab.wait_for_load_state()
    tab.locator('input[name="location"][value="sacramento"]').check()
    tab.get_by_label("Tuesday").check()
    tab.get_by_label("Morning").check()
    tab.get_by_label("I agree that the clinic may contact me").check()
    tab.get_by_label("I have read the privacy notice above.").check()
    tab.get_by_role("button", name="Send my questionnaire").click()
    tab.wait_for_url("**/candidacy/thank-you/")
    assert tab.locator("h1").inner_text() == "Thank you: we received your questionnaire"

    # The thank-you page offers the free phone consultation, with the details already typed.
    offer = tab.locator(".intake-book")
    assert "already filled in from your questionnaire" in offer.inner_text()
    offer.get_by_role("link", name="Book the free phone consultation").click()
    tab.wait_for_url(re.compile(r"/book/free-consultation/sacramento/"))
    first_free_time(tab)
    assert tab.get_by_label("Your name").input_value() == person["name"]
    assert tab.get_by_label("E-mail").input_value() == person["email"]
    assert tab.get_by_label("Phone").input_value() == person["phone"]


def next_step(tab, expected_heading: str) -> None:
    tab.get_by_role("button", name="Save and continue").click()
    tab.wait_for_load_state()
    assert tab.locator("h1").inner_text() == expected_heading


def accept_and_invite(staff, person) -> None:
    staff.goto("/admin/intake/")
    row = staff.locator("table.listing tbody tr").filter(has_text=person["name"])
    # The call booked before the questionnaire was matched to it when it arrived.
    assert "Consultation booked" in row.inner_text()
    row.get_by_role("link", name=person["name"]).click()
    staff.wait_for_load_state()
    matched = staff.locator("main").inner_text()
    matched_line = "Consultation booked with this questionnaire's e-mail: Free phone consultation"
    assert matched_line in matched
    assert "(booked online)" in matched
    for status, shown in (("accepted", "Accepted"),):
        staff.get_by_label("Move to").select_option(status)
        staff.get_by_role("button", name="Change status").click()
        staff.wait_for_load_state()
        assert f"Status: {shown}" in staff.locator("main").inner_text()
    staff.get_by_role("button", name="E-mail a link to book treatment online").click()
    staff.wait_for_load_state()
    assert "A personal link to book treatment online has been e-mailed." in staff.content()


def book_the_series(tab, link: str, person) -> str:
    tab.goto(link)
    assert tab.locator("h1").inner_text() == f"Welcome, {person['name']}"
    tab.get_by_role("link", name=re.compile("^Book IV ketamine")).first.click()
    tab.get_by_label("Sacramento clinic").check()
    tab.get_by_role("button", name="Show free days").click()
    first_free_time(tab)
    assert tab.get_by_label("Your name").input_value() == person["name"]
    assert tab.get_by_label("E-mail").input_value() == person["email"]
    tab.get_by_label("Phone").fill(person["phone"])
    tab.get_by_role("button", name="Continue").click()
    expect(tab.get_by_role("heading", name="Your induction series")).to_be_visible()
    proposed = tab.locator("ol.booking-series li").all_inner_texts()
    assert len(proposed) == 6
    tab.get_by_role("button", name="Confirm booking").click()
    tab.wait_for_url(re.compile(r"/book/my-visit/\d+/\?booked=1"))
    expect(tab.get_by_role("heading", name="Your visit is booked")).to_be_visible()
    visits = series_visits(tab)
    assert [n for n, _, _ in visits] == [1, 2, 3, 4, 5, 6]
    assert {status for _, _, status in visits} == {"Booked"}
    return visits


def gaps(visits) -> list[int]:
    days = [when.date() for _, when, _ in visits]
    return [(later - earlier).days for earlier, later in zip(days, days[1:], strict=False)]


def test_a_new_patient_goes_from_the_home_page_to_a_moved_series(
    browser, live_site, sign_in, var_dir, screenshots
):
    person = {
        "name": f"Jordan Ellery {uuid.uuid4().hex[:4]}",
        "email": f"jordan.{uuid.uuid4().hex[:6]}@example.org",
        "phone": "(916) 555-0163",
    }
    patient = browser.new_context(base_url=live_site, viewport={"width": 1280, "height": 900})
    tab = patient.new_page()
    book_the_phone_call(tab, person)
    screenshots(tab, "clinic-day-phone-call-booked")
    take_the_questionnaire(tab, person)

    clinic = browser.new_context(base_url=live_site, viewport={"width": 1280, "height": 900})
    staff = clinic.new_page()
    sign_in(staff, "daniel.okafor")
    before = log_size(var_dir)
    accept_and_invite(staff, person)
    clinic.close()
    link = e_mailed_link(var_dir, INVITATION_LINK, subject=f"Hello {person['name']}", after=before)

    before = log_size(var_dir)
    booked = book_the_series(tab, link, person)
    assert all(2 <= gap <= 3 for gap in gaps(booked))
    screenshots(tab, "clinic-day-series-booked")
    patient.close()

    # From the link in the confirmation e-mail, in a browser that has never seen the booking.
    manage = e_mailed_link(var_dir, VISIT_LINK, subject=person["name"], after=before)
    later = browser.new_context(base_url=live_site, viewport={"width": 390, "height": 844})
    phone = later.new_page()
    phone.goto(manage)
    assert series_visits(phone) == booked
    phone.get_by_role("link", name="Move all remaining visits").click()
    assert phone.locator("h1").inner_text() == "Move your remaining visits"
    first_day = booked[0][1].date()
    while True:  # the first free day after the series' first visit
        days = phone.locator(".booking-month a")
        later_days = [
            link
            for link in days.all()
            if re.search(r"(\d{4}-\d{2}-\d{2})", link.get_attribute("href"))
            and datetime.date.fromisoformat(
                re.search(r"(\d{4}-\d{2}-\d{2})", link.get_attribute("href")).group(1)
            )
            > first_day
        ]
        if later_days:
            later_days[0].click()
            break
        phone.locator("a[rel=next]").click()
    phone.locator('input[name="start"]').first.check()
    phone.get_by_role("button", name="Move my remaining visits").click()
    phone.wait_for_load_state()
    expect(phone.get_by_role("heading", name="Your series has moved")).to_be_visible()
    moved = series_visits(phone)
    assert len(moved) == 6
    assert {status for _, _, status in moved} == {"Booked"}
    assert all(new != old for (_, new, _), (_, old, _) in zip(moved, booked, strict=True))
    assert all(2 <= gap <= 3 for gap in gaps(moved))
    screenshots(phone, "clinic-day-series-moved")

    # Cancel one visit (the third) only: the five others stay booked.
    phone.locator(".booking-series li").nth(2).get_by_role(
        "link", name="Move or cancel this visit"
    ).click()
    phone.get_by_role("link", name="Cancel this visit only").click()
    phone.get_by_role("button", name=re.compile("^Yes, cancel")).click()
    phone.wait_for_load_state()
    after = series_visits(phone)
    assert [status for _, _, status in after] == [
        "Booked",
        "Booked",
        "Cancelled",
        "Booked",
        "Booked",
        "Booked",
    ]
    assert [when for _, when, _ in after] == [when for _, when, _ in moved]
    screenshots(phone, "clinic-day-one-visit-cancelled")
    later.close()
