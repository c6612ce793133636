"""A deposit in Chromium, through the fake Stripe's Stripe.js: a patient books an IV hydration
drip, is declined with the declining test card and told so by the field, pays the deposit with
a good card, sees it paid on the visit's page, cancels in time and, once the task worker has
given the deposit back, sees the refund. Only the payment step loads Stripe's script; axe finds
nothing serious on it."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from .axe import serious_violations

pytestmark = pytest.mark.browser

GOOD_CARD = ("4242424242424242", "12", "34", "123", "95816")
DECLINED_CARD = ("4000000000000002", "12", "34", "123", "95816")


def type_card(tab, card) -> None:
    """The fake card element draws five plain inputs named by their placeholders."""
    element = tab.locator("[data-card-element]")
    fields = ("number", "exp_month", "exp_year", "cvc", "postal_code")
    for placeholder, value in zip(fields, card, strict=True):
        field = element.get_by_placeholder(placeholder, exact=True)
        field.fill("")
        field.press_sequentially(value)


def book_a_drip(tab, name: str) -> None:
    tab.goto("/book/iv-hydration/")
    tab.get_by_label(re.compile("^I had my good-faith exam")).check()
    tab.get_by_label(re.compile("^Hydration: 45 minutes")).check()
    tab.get_by_label("Sacramento clinic").check()
    tab.get_by_role("button", name="Show free days").click()
    tab.wait_for_url(re.compile(r"/book/iv-hydration/sacramento/"))
    if tab.locator(".booking-month a").count() == 0:  # late on the last day of a month
        tab.locator("a[rel=next]").click()
    # A day at least two days ahead, so that cancelling is inside the notice period's limit.
    days = tab.locator(".booking-month a")
    days.nth(min(2, days.count() - 1)).click()
    tab.locator(".booking-times a").first.click()
    tab.get_by_label("Your name").fill(name)
    tab.get_by_label("E-mail").fill(f"{name.split()[-1]}@example.org")
    tab.get_by_label("Phone").fill("(916) 555-0142")
    tab.get_by_role("button", name="Continue").click()
    expect(tab.get_by_role("heading", name="Check and confirm")).to_be_visible()
    tab.get_by_role("button", name="Confirm booking").click()


def test_a_patient_pays_a_deposit_cancels_in_time_and_sees_the_refund(page, screenshots):
    tab = page
    stripe_requests = []
    tab.on("request", lambda request: stripe_requests.append((request.frame.url, request.url)))
    book_a_drip(tab, f"Sam {uuid.uuid4().hex[:6]}")

    tab.wait_for_url(re.compile(r"/pay/visit/\d+/deposit/"))
    expect(tab.get_by_role("heading", name="Your visit is booked")).to_be_visible()
    expect(tab.locator("[data-card-element] input").first).to_be_visible()
    assert serious_violations(tab) == []
    screenshots(tab, "deposit-step")

    type_card(tab, DECLINED_CARD)
    tab.get_by_label("Name on the card").fill("Sam Rivera")
    tab.get_by_role("button", name="Pay the $25.00 deposit").click()
    message = tab.locator("[data-card-message]")
    expect(message).to_contain_text("declined")
    expect(message).to_be_focused()
    assert "/pay/visit/" in tab.url

    type_card(tab, GOOD_CARD)
    tab.get_by_role("button", name="Pay the $25.00 deposit").click()
    tab.wait_for_url(re.compile(r"/book/my-visit/\d+/\?deposit=paid"))
    expect(
        tab.get_by_role("heading", name="Your visit is booked and your deposit paid")
    ).to_be_visible()
    expect(tab.locator("main")).to_contain_text("Deposit paid: $25.00.")
    screenshots(tab, "deposit-paid")

    tab.get_by_role("link", name="Cancel my visit").click()
    tab.get_by_role("button", name="Yes, cancel my visit").click()
    expect(tab.locator("main")).to_contain_text("Cancelled")
    # The task worker gives the deposit back; the page shows it once it has.
    refund = "Refunded to your card: $25.00."
    for _ in range(60):
        if refund in tab.locator("main").inner_text():
            break
        tab.wait_for_timeout(500)
        tab.reload()
    expect(tab.locator("main")).to_contain_text(refund)
    expect(tab.locator("main")).to_contain_text("Deposit paid: $25.00.")
    screenshots(tab, "deposit-refunded")

    # Stripe's script was asked for on the payment step only.
    stripe_pages = {page_url for page_url, url in stripe_requests if "/js.stripe.com/v3/" in url}
    assert stripe_pages and all("/pay/visit/" in url for url in stripe_pages)
    assert tab.outside_requests.blocked == []
