"""The day calendar fits a desktop screen, and scrolls under a fixed time column on a phone."""

import datetime
import re
import zoneinfo

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.clock]  # next week's Monday, from today

CLINIC_ZONE = zoneinfo.ZoneInfo("America/Los_Angeles")


def calendar_of_the_demo_series(tab) -> None:
    """Next week's Monday at Sacramento: the demo's series has a visit there (chair 1)."""
    today = datetime.datetime.now(CLINIC_ZONE).date()
    monday = today + datetime.timedelta(days=7 - today.weekday())
    tab.goto(f"/admin/booking/?day={monday.isoformat()}")
    tab.get_by_label("Location").select_option(label="Sacramento")
    tab.get_by_role("button", name="Show").click()
    tab.wait_for_load_state("networkidle")


def widths(tab) -> dict:
    return tab.locator(".booking-admin__scroll").evaluate(
        "box => ({client: box.clientWidth, scroll: box.scrollWidth,"
        " page: document.documentElement.scrollWidth, view: window.innerWidth})"
    )


def test_at_1280_pixels_every_lane_fits_without_scrolling_sideways(page, sign_in, screenshots):
    sign_in(page, "rosa.delgado")
    calendar_of_the_demo_series(page)
    headers = page.locator(".booking-admin__grid thead th").all_inner_texts()
    assert headers == ["Time", *(f"Chair {n}" for n in range(1, 5)), "Phone / no chair", "At home"]
    seen = widths(page)
    assert seen["scroll"] <= seen["client"], seen
    assert seen["page"] <= seen["view"], seen
    assert page.locator(".booking-admin__visit").count() >= 1
    screenshots(page, "20-day-calendar-1280")


def test_on_a_phone_the_chairs_scroll_under_a_fixed_time_column(page, sign_in, screenshots):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "rosa.delgado")
    calendar_of_the_demo_series(page)
    scroller = page.locator(".booking-admin__scroll")
    seen = widths(page)
    assert seen["scroll"] > seen["client"], seen  # the lanes scroll inside their box
    assert seen["page"] <= seen["view"] + 1, seen  # and the page itself does not
    time_cell = page.locator(".booking-admin__grid tbody th").first
    before = time_cell.bounding_box()["x"]
    scroller.evaluate("box => { box.scrollLeft = 300; }")
    assert scroller.evaluate("box => box.scrollLeft") > 0
    assert abs(time_cell.bounding_box()["x"] - before) < 1  # the time column stays
    screenshots(page, "21-day-calendar-390")


def test_the_desk_picks_a_free_time_with_its_chair_and_provider(page, sign_in, screenshots):
    sign_in(page, "rosa.delgado")
    page.goto("/admin/booking/book/")
    visit = page.get_by_role("form", name="Choose the visit")
    visit.get_by_label("Service", exact=True).select_option(label="IV hydration drip")
    visit.get_by_label(re.compile("^Drip")).select_option(label="NAD+: 120 minutes, $399")
    visit.get_by_label("Location", exact=True).select_option(label="Sacramento")
    visit.get_by_role("button", name="Show free days").click()
    assert "NAD+: 120 minutes, $399" in page.locator(".booking-admin__choice").inner_text()
    page.locator(".booking-admin__month td a").first.click()
    page.wait_for_load_state("networkidle")
    times = page.locator(".booking-admin__times label").all_inner_texts()
    assert times, "the first free day lists free times"
    assert all(" · chair " in label and " · " in label.split("chair")[-1] for label in times)
    expect(page.get_by_label("Patient's full name")).to_be_visible()
    screenshots(page, "22-book-for-a-caller")
