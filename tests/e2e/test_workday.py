"""Each demo login lands on its own home screen in the back office: its panel first, with counts
that are not zero and that link to the screens where the work is; nobody else's panel, no page
counts, and no serious axe violation."""

import pytest
from playwright.sync_api import expect

from .axe import serious_violations

pytestmark = pytest.mark.browser

HOMES = {
    "rosa.delgado": ("Front desk today", "Questionnaires to call", "Candidacy questionnaires"),
    "daniel.okafor": ("Your clinical day", "Needs attention", "Needs attention"),
    "olivia.marsh": ("The clinic today", "Failed outgoing messages", "Outgoing messages"),
    "sam.whitfield": ("Comments waiting", "Waiting for moderation", "Comments"),
    "priya.raman": ("Drafts and moderation", "In moderation", "Workflows"),
}


@pytest.mark.parametrize("username", list(HOMES))
def test_each_role_lands_on_its_home_screen_with_counts(page, sign_in, screenshots, username):
    heading, row, target = HOMES[username]
    sign_in(page, username)
    panel = page.locator(".workday-panel").first
    expect(panel.get_by_role("heading", name=heading)).to_be_visible()
    counts = [int(n) for n in page.locator(".workday-count").all_inner_texts()]
    assert counts and sum(counts) > 0
    others = [h for name, (h, _, _) in HOMES.items() if name != username]
    assert not any(page.get_by_role("heading", name=other).count() for other in others)
    assert page.locator(".w-summary").count() == 0
    assert serious_violations(page) == []
    screenshots(page, f"workday-{username.split('.')[0]}")
    page.get_by_role("link", name=row).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name=target).first).to_be_visible()
    assert page.outside_requests.blocked == []
