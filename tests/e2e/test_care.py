"""Care in Chromium: a clinician opens today's infusion for the demo's Alex Moreno, completes
the checklist and baseline, confirms the dose, enters vitals with one systolic above the
threshold (the alert shows at once), stops, discharges, records the dose in the
controlled-substance register with the owner witnessing the waste, and signs; then sends a
check-in, and the patient answers it from the link in the e-mail; the progress chart shows the
new point. axe checks the chart, the register's dose form, the check-in and the progress page."""

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


def test_a_clinician_charts_todays_infusion_and_the_patient_checks_in(
    browser, live_site, sign_in, demo_logins, screenshots, var_dir
):
    context = browser.new_context(base_url=live_site, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    sign_in(tab, "clinician")

    tab.goto("/admin/care/today/")
    row = tab.get_by_role("row").filter(has_text="Alex Moreno")
    row.get_by_role("button", name="Open chart").click()
    tab.wait_for_url(re.compile(r"/admin/care/charts/\d+/"))
    chart_url = tab.url

    for box in ("Fasting confirmed", "Escort confirmed", "Medications reviewed", "Consent on file"):
        tab.get_by_label(box, exact=True).check()
    save_section(tab, "Save checklist")
    baseline = tab.locator("#baseline ~ form").first
    baseline.get_by_label("Time").fill(now_local())
    baseline.get_by_label("Systolic (mmHg)").fill("128")
    baseline.get_by_label("Diastolic (mmHg)").fill("82")
    baseline.get_by_label("Heart rate (/min)").fill("74")
    baseline.get_by_label("SpO2 (%)").fill("98")
    baseline.get_by_label("Respiratory rate (/min)").fill("14")
    save_section(tab, "Save baseline")
    tab.get_by_label("Weight (kg)").fill("80")
    save_section(tab, "Calculate and confirm dose")
    assert "80 kg × 0.50 mg/kg = 40.00 mg" in tab.locator("#dose").inner_text()
    save_section(tab, "Start")

    grid = tab.locator(".care-admin__grid")
    grid.locator("input[name$='-systolic']").first.fill("186")
    grid.locator("input[name$='-diastolic']").first.fill("96")
    grid.locator("input[name$='-heart_rate']").first.fill("88")
    grid.locator("input[name$='-spo2']").first.fill("97")
    save_section(tab, "Save vital signs")
    alert = tab.get_by_role("alert")
    assert "Alert: Systolic 186 is above 180" in alert.inner_text()
    screenshots(tab, "care-chart-alert")
    assert serious_violations(tab) == []

    save_section(tab, "Stop")
    for box in (
        "Alert and oriented",
        "Vital signs stable",
        "Escort present",
        "No-driving instruction given",
    ):
        tab.get_by_label(box, exact=True).check()
    save_section(tab, "Record discharge")

    # The dose goes into the controlled-substance register, its waste witnessed by the owner.
    chart_id = re.search(r"/charts/(\d+)/", chart_url).group(1)
    tab.goto(f"/admin/care/register/charts/{chart_id}/")
    tab.get_by_label("Vial or device").select_option(index=1)
    tab.get_by_label("Drawn (mg)").fill("50")
    tab.get_by_label("Given (mg)").fill("40")
    tab.get_by_label("Wasted (mg)").fill("10")
    tab.get_by_label("Witness to the waste").select_option(label="Olivia Marsh")
    tab.get_by_label("Witness's password").fill(demo_logins["owner"].password)
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
