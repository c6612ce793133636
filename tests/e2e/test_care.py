"""Care in Chromium: a clinician opens today's infusion for the demo's Alex Moreno and charts it
as it happened over the last 90 minutes: the checklist and a baseline 5 minutes before the
start, the dose, vitals every 15 minutes with one systolic above the threshold (the alert shows
at once and is acknowledged with a note), the stop, recovery readings; discharge is refused a
minute before the recovery time is up, then refused on a high last reading with the reason;
a new reading later, discharge, the dose recorded in the controlled-substance register with the
owner witnessing the waste with their password, and the signature; then sends a check-in, and
the patient answers it from the link in the e-mail; the progress chart shows the new point. axe
checks the chart, the register's dose form, the check-in and the progress page."""

import datetime
import re
import time
import zoneinfo

import pytest
from django.utils import timezone

from .axe import serious_violations

pytestmark = pytest.mark.browser

CLINIC_ZONE = zoneinfo.ZoneInfo("America/Los_Angeles")
CHECK_IN_LINK = re.compile(r"(http://127\.0\.0\.1:\d+)?(/check-in/[^\s/]+/)")


def now_local() -> str:
    return timezone.now().astimezone(CLINIC_ZONE).strftime("%H:%M")


def clock(base: datetime.datetime, minutes: int) -> str:
    """The clinic's time of day `minutes` after `base` (negative for before)."""
    return (base + datetime.timedelta(minutes=minutes)).strftime("%H:%M")


def save_section(tab, button: str) -> None:
    tab.get_by_role("button", name=button).click()
    tab.wait_for_load_state()


def e_mailed_check_in_link(var_dir, *, after: int, seconds: float = 30) -> str:
    """The link in the check-in e-mail the task worker wrote to the server's log."""
    log = var_dir / "server.log"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        text = log.read_text()[after:]
        if "A short check-in from your clinic" in text and (found := CHECK_IN_LINK.search(text)):
            return found.group(2)
        time.sleep(0.5)
    raise AssertionError("No check-in e-mail reached the log")


def record_recovery(tab, readings) -> None:
    """Recovery readings in the chart's grid: (time, systolic, diastolic) each."""
    grid = tab.locator(".care-admin__grid")
    for n, (at, systolic, diastolic) in enumerate(readings):
        grid.locator("input[name$='-time']").nth(n).fill(at)
        grid.locator("select[name$='-phase']").nth(n).select_option("after")
        grid.locator("input[name$='-systolic']").nth(n).fill(str(systolic))
        grid.locator("input[name$='-diastolic']").nth(n).fill(str(diastolic))
        grid.locator("input[name$='-heart_rate']").nth(n).fill("74")
        grid.locator("input[name$='-spo2']").nth(n).fill("98")
    save_section(tab, "Save vital signs")


def discharge_at(tab, at: str) -> None:
    for box in ("Alert and oriented", "Escort present", "No-driving instruction given"):
        tab.get_by_label(box, exact=True).check()
    tab.locator("#discharge form input[name=time]").fill(at)
    save_section(tab, "Record discharge")


def test_a_clinician_charts_todays_infusion_and_the_patient_checks_in(
    browser, live_site, sign_in, demo_logins, screenshots, var_dir
):
    context = browser.new_context(base_url=live_site, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    sign_in(tab, "daniel.okafor")

    # The browser tests run at 10:30 in the clinic (the `timeline` fixture), so the session's
    # last 75 minutes fall on today's date whatever the hour of the run.
    base = timezone.now().astimezone(CLINIC_ZONE).replace(second=0, microsecond=0)
    tab.goto("/admin/care/today/")
    row = tab.get_by_role("row").filter(has_text="Alex Moreno")
    row.get_by_role("button", name="Open chart").click()
    tab.wait_for_url(re.compile(r"/admin/care/charts/\d+/"))
    chart_url = tab.url

    for box in ("Fasting confirmed", "Escort confirmed", "Medications reviewed"):
        tab.get_by_label(box, exact=True).check()
    save_section(tab, "Save checklist")
    # No box for consent: the demo's Alex signed the current informed consent yesterday.
    assert (
        "Informed consent for IV ketamine (version 2): signed"
        in tab.locator("#checklist").inner_text()
    )
    baseline = tab.locator("#baseline ~ form").first
    baseline.get_by_label("Time").fill(clock(base, -90))
    baseline.get_by_label("Systolic (mmHg)").fill("128")
    baseline.get_by_label("Diastolic (mmHg)").fill("82")
    baseline.get_by_label("Heart rate (/min)").fill("74")
    baseline.get_by_label("SpO2 (%)").fill("98")
    baseline.get_by_label("Respiratory rate (/min)").fill("14")
    save_section(tab, "Save baseline")
    tab.get_by_label("Weight (kg)").fill("80")
    save_section(tab, "Calculate and confirm dose")
    assert "80 kg × 0.50 mg/kg = 40.00 mg" in tab.locator("#dose").inner_text()
    tab.locator("#start form input[name=time]").fill(clock(base, -85))
    save_section(tab, "Start")

    # The grid is pre-filled every 15 minutes from the start: 15, 30, 45 and 60 minutes in.
    grid = tab.locator(".care-admin__grid")
    for n, (systolic, diastolic) in enumerate(((186, 96), (150, 90), (132, 84))):
        grid.locator("input[name$='-systolic']").nth(n).fill(str(systolic))
        grid.locator("input[name$='-diastolic']").nth(n).fill(str(diastolic))
        grid.locator("input[name$='-heart_rate']").nth(n).fill("88")
        grid.locator("input[name$='-spo2']").nth(n).fill("97")
    save_section(tab, "Save vital signs")
    alert = tab.get_by_role("alert")
    assert "Alert: Systolic 186 is above 180" in alert.inner_text()
    screenshots(tab, "care-chart-alert")
    assert serious_violations(tab) == []
    alert.get_by_label(re.compile("What was done")).fill("Rate halved; 150/90 fifteen minutes on.")
    save_section(tab, "Acknowledge")
    assert "Acknowledged by Daniel Okafor" in tab.locator("#acknowledge").inner_text()

    tab.locator("#stop form input[name=time]").fill(clock(base, -45))
    save_section(tab, "Stop")
    # Recovery: a calm reading, then a high one (not an alert, but 162/100 is more than 20 %
    # above the baseline of 128/82 and above the do-not-start limits of 140/90).
    record_recovery(tab, ((clock(base, -30), 126, 80), (clock(base, -15), 162, 100)))
    assert tab.get_by_label("Vital signs stable", exact=True).count() == 0  # computed, not ticked
    discharge = tab.locator("#discharge form")
    discharge_at(tab, clock(base, -16))  # 29 minutes after the stop
    assert "no sooner than 30 minutes after the infusion stopped" in discharge.inner_text()
    discharge_at(tab, clock(base, -15))  # 30 minutes, but the last reading is high
    refusal = discharge.inner_text()
    assert "Blood pressure 162/100 is more than 20 % from the baseline 128/82" in refusal
    screenshots(tab, "care-chart-discharge-refused")
    record_recovery(tab, ((clock(base, 0), 126, 80),))  # rested, and read again
    discharge_at(tab, clock(base, 0))
    assert "vital signs stable (from the readings): yes" in tab.locator("#discharge").inner_text()

    # The dose goes into the controlled-substance register, its waste witnessed by the owner.
    tab.get_by_role("link", name=re.compile("Record the dose drawn")).click()
    tab.wait_for_url(re.compile(r"/admin/care/register/charts/\d+/"))
    tab.get_by_label("Vial or device").select_option(index=1)
    tab.get_by_label("Drawn (mg)").fill("50")
    tab.get_by_label("Given (mg)").fill("40")
    tab.get_by_label("Wasted (mg)").fill("10")
    tab.get_by_label("Witness to the waste").select_option(label="Olivia Marsh")
    tab.get_by_label("Witness's password").fill(demo_logins["olivia.marsh"].password)
    assert serious_violations(tab) == []
    save_section(tab, "Record in the register")
    tab.wait_for_url(re.compile(r"/admin/care/charts/\d+/"))
    tab.get_by_label(re.compile("I have reviewed this chart and sign it")).check()
    save_section(tab, "Sign and lock")
    assert "Signed and locked" in tab.locator(".care-admin__facts").inner_text()
    assert tab.get_by_role("button", name="Save vital signs").count() == 0
    screenshots(tab, "care-chart-signed")

    tab.get_by_role("link", name="Alex Moreno").first.click()
    tab.wait_for_url(re.compile(r"/admin/care/patients/\d+/$"))
    timeline = tab.locator(".care-admin__timeline").inner_text()
    assert "IV ketamine chart signed by Daniel Okafor" in timeline
    assert tab.get_by_role("link", name="Signed chart").count() == 1  # in the plan's sessions
    assert serious_violations(tab) == []
    tab.get_by_role("link", name="Progress and scores").click()
    tab.wait_for_url(re.compile(r"/admin/care/patients/\d+/progress/"))
    progress_url = tab.url
    points_before = tab.locator("svg[role=img] circle").count()
    phq9_rows = tab.locator("table", has_text="PHQ-9 scores").locator("tbody tr")
    rows_before = phq9_rows.count()
    log_size = len((var_dir / "server.log").read_text())
    save_section(tab, "Send a check-in now")
    link = e_mailed_check_in_link(var_dir, after=log_size)

    patient = browser.new_context(base_url=live_site, viewport={"width": 390, "height": 844})
    phone = patient.new_page()
    phone.goto(link)
    assert phone.locator("h1").inner_text() == "Your check-in"
    assert "not monitored in real time" in phone.content()
    for number, value in enumerate((1, 1, 1, 1, 0, 1, 0, 0, 0), start=1):
        phone.locator(f'input[name="phq9_{number}"][value="{value}"]').check()
    difficulty = phone.locator('input[name="phq9_difficulty"][value="1"]')
    if difficulty.count():
        difficulty.check()
    assert serious_violations(phone) == []
    phone.get_by_role("button", name="Send my check-in").click()
    phone.wait_for_load_state()
    assert phone.locator("h1").inner_text() == "Thank you: we received your check-in"
    screenshots(phone, "care-check-in-received-phone")
    patient.close()

    tab.goto(progress_url)
    assert tab.locator("svg[role=img] circle").count() == points_before + 1
    assert phq9_rows.count() == rows_before + 1
    assert phq9_rows.last.locator("td").all_inner_texts() == ["5", "mild"]
    screenshots(tab, "care-progress")
    assert serious_violations(tab) == []
    tab.goto(chart_url)
    assert "Signed and locked" in tab.content()
    context.close()
