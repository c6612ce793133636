"""A visitor's journey through the demo clinic in Chromium, with nothing leaving our server."""

import re

import pytest
from playwright.sync_api import expect

from .axe import serious_violations

pytestmark = pytest.mark.browser

SEED_ARTICLE = "/articles/ketamine-therapy-a-proven-medicine-with-a-new-purpose/"

# One page of every type, plus search, the 404 page and the contact form's errors.
EVERY_PAGE_TYPE = {
    "home": "/",
    "article-index": "/articles/",
    "article": SEED_ARTICLE,
    "service-index": "/services/",
    "service": "/services/iv-hydration/",
    "condition-index": "/conditions/",
    "condition": "/conditions/depression/",
    "location-index": "/locations/",
    "location": "/locations/sacramento/",
    "faq": "/faq/",
    "contact": "/contact/",
    "standard": "/important-safety-information/",
    "search": "/search/?q=ketamine",
    "not-found": "/no-such-page/",
}


def test_home_to_article_video_location_and_faq(page, screenshots):
    page.goto("/")
    screenshots(page, "01-home")
    page.get_by_role("link", name="Ketamine therapy: a proven medicine with a new purpose").click()
    page.wait_for_url(f"**{SEED_ARTICLE}")
    assert (
        page.locator("h1").inner_text() == "Ketamine therapy: a proven medicine with a new purpose"
    )
    assert page.locator("iframe").count() == 0
    screenshots(page, "02-article")

    play = page.get_by_role("link", name=re.compile("^Play video:"))
    play.scroll_into_view_if_needed()
    assert page.outside_requests.blocked == []
    play.click()
    player = page.locator("iframe.video__frame")
    player.wait_for()
    assert player.get_attribute("src").startswith("https://www.youtube-nocookie.com/embed/")
    page.wait_for_timeout(300)
    assert page.outside_requests.blocked
    assert all(
        url.startswith("https://www.youtube-nocookie.com/") for url in page.outside_requests.blocked
    )
    screenshots(page, "03-video-clicked")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Locations").click()
    page.get_by_role("link", name="Sacramento").first.click()
    page.wait_for_url("**/locations/sacramento/")
    expect(page.get_by_role("heading", name="Opening hours")).to_be_visible()
    assert "95811" in page.locator(".zip-list").inner_text()
    screenshots(page, "04-location")

    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Frequently asked questions"
    ).click()
    page.wait_for_url("**/faq/")
    first = page.locator("details.faq").first
    first.locator("summary").click()
    assert first.get_attribute("open") is not None
    screenshots(page, "05-faq")


@pytest.mark.parametrize("name,path", EVERY_PAGE_TYPE.items())
def test_no_request_leaves_our_server_and_axe_finds_nothing_serious(page, name, path):
    page.goto(path)
    page.wait_for_load_state("networkidle")
    assert page.outside_requests.blocked == [], f"{path} asked another origin"
    serious = serious_violations(page)
    assert serious == [], f"{path}: {serious}"


def test_contact_form_errors_are_announced_and_tied_to_fields(page, screenshots):
    page.goto("/contact/")
    page.get_by_label("Email").fill("not-an-address")
    page.get_by_role("button", name="Send message").click()
    page.wait_for_load_state()
    summary = page.locator("#form-errors")
    expect(summary).to_be_visible()
    assert page.evaluate("document.activeElement.id") == "form-errors"
    email = page.get_by_label("Email")
    assert email.input_value() == "not-an-address"
    assert email.get_attribute("aria-invalid") == "true"
    assert serious_violations(page) == []
    screenshots(page, "06-contact-errors")


def test_keyboard_alone_reaches_the_booking_call_to_action(page):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    for _ in range(15):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        if focused == "Book a free consultation":
            break
    else:
        pytest.fail("Fifteen presses of Tab did not reach 'Book a free consultation'")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused button shows no focus ring"
    page.keyboard.press("Enter")
    page.wait_for_url("**/book/free-consultation/")


@pytest.mark.parametrize(
    "path", ["/", SEED_ARTICLE, "/services/iv-hydration/", "/locations/roseville/"]
)
def test_pages_fit_a_320_pixel_phone(browser, live_site, path, screenshots):
    context = browser.new_context(base_url=live_site, viewport={"width": 320, "height": 640})
    tab = context.new_page()
    tab.goto(path)
    overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    screenshots(tab, "phone" + path.rstrip("/").replace("/", "-"))
    context.close()
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a 320 px screen"
