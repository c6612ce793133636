"""Comments in Chromium: post with and without JavaScript, moderate in the back office, reply in
a thread, remember the writer only with consent, and no serious accessibility violation."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from .axe import serious_violations

pytestmark = pytest.mark.browser

SEED_ARTICLE = "/articles/ketamine-therapy-a-proven-medicine-with-a-new-purpose/"
TIME_TRAP_SECONDS = 1


@pytest.fixture(scope="module", autouse=True)
def quick_comment_settings(browser, live_site, sign_in_as_moderator):
    """Staff lower the flood limit and the time trap in Settings, so the tests, which all post
    from 127.0.0.1 within seconds, need not wait 15 seconds between comments."""
    context = browser.new_context(base_url=live_site)
    tab = context.new_page()
    sign_in_as_moderator(tab)
    tab.goto("/admin/settings/comments/commentsettings/")
    tab.get_by_label("Flood seconds").fill("0")
    tab.get_by_label("Time trap seconds").fill(str(TIME_TRAP_SECONDS))
    tab.get_by_role("button", name="Save").click()
    tab.wait_for_load_state()
    assert tab.get_by_label("Flood seconds").input_value() == "0"
    context.close()


def fill_comment(tab, *, name: str, text: str, email: str = "reader@example.org") -> None:
    tab.locator("#id_text").fill(text)
    tab.locator("#id_author_name").fill(name)
    tab.locator("#id_author_email").fill(email)
    tab.wait_for_timeout(TIME_TRAP_SECONDS * 1000 + 200)  # a person takes longer than the trap


def approve_in_back_office(tab, name: str) -> None:
    tab.goto("/admin/comments/")
    tab.get_by_label(f"Select the comment by {name}").check()
    tab.get_by_label("With the selected comments").select_option("approve")
    tab.get_by_role("button", name="Apply").click()
    tab.wait_for_load_state()
    assert "Approve: 1 comment." in tab.content()


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_post_see_it_pending_approve_it_and_see_it_public(
    browser, live_site, sign_in_as_moderator, javascript, screenshots
):
    name = f"Reader {uuid.uuid4().hex[:6]}"
    text = f"Thank you, this helped me understand the research ({name})."
    writer = browser.new_context(base_url=live_site, java_script_enabled=javascript)
    tab = writer.new_page()
    tab.goto(SEED_ARTICLE)
    fill_comment(tab, name=name, text=text, email=f"{name.split()[1]}@example.org")
    tab.get_by_role("button", name="Post comment").click()
    if not javascript:
        # The page came from the cache without a CSRF token: the form comes back with one.
        assert "please press Post comment once more" in tab.locator("#form-errors").inner_text()
        assert tab.locator("#id_text").input_value() == text
        tab.get_by_role("button", name="Post comment").click()
    tab.wait_for_url(re.compile(r".*\?posted="))
    posted = tab.locator("#comment-posted")
    assert "awaiting moderation" in posted.inner_text()
    assert text in posted.inner_text()
    assert f"{name.split()[1]}@example.org" not in tab.content()
    screenshots(tab, f"comments-pending-{'js' if javascript else 'nojs'}")

    reader = browser.new_context(base_url=live_site).new_page()
    reader.goto(SEED_ARTICLE)
    assert text not in reader.content()

    staff = browser.new_context(base_url=live_site).new_page()
    sign_in_as_moderator(staff)
    approve_in_back_office(staff, name)
    reader.goto(SEED_ARTICLE)
    expect(reader.locator(".comment__text", has_text=text)).to_be_visible()
    for context in (writer, reader.context, staff.context):
        context.close()


def test_a_reply_thread_with_a_clinic_reply(page, browser, live_site, sign_in_as_moderator):
    page.goto(SEED_ARTICLE)
    page.get_by_role("link", name="Reply to Marcus T.").click()
    assert page.locator("li.comment #respond").count() == 1, "the form moved under the comment"
    assert page.locator("#reply-title").inner_text() == "Reply to Marcus T."
    assert page.evaluate("document.activeElement.name") == "text"
    fill_comment(page, name="Jo Park", text="I wondered the same thing about the spray.")
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_url(re.compile(r".*\?posted="))

    staff = browser.new_context(base_url=live_site).new_page()
    sign_in_as_moderator(staff)
    approve_in_back_office(staff, "Jo Park")
    staff.goto("/admin/comments/?status=approved&q=wondered")
    staff.get_by_role("link", name=re.compile("I wondered the same")).click()
    staff.get_by_label("Reply as the clinic").fill("Both act on the same receptor in the brain.")
    staff.get_by_role("button", name="Publish reply").click()
    staff.wait_for_load_state()
    assert "Your reply is published." in staff.content()
    staff.context.close()

    page.goto(SEED_ARTICLE)
    marcus = page.locator("li.comment", has=page.locator(".comment__author", has_text="Marcus T."))
    thread = marcus.first.locator(".comment-list--replies").first
    assert "I wondered the same thing about the spray." in thread.inner_text()
    clinic = thread.locator(".comment--clinic")
    assert "Both act on the same receptor" in clinic.inner_text()
    assert "Clinic reply" in clinic.inner_text()


def test_the_browser_remembers_the_name_only_when_asked(browser, live_site):
    context = browser.new_context(base_url=live_site)
    tab = context.new_page()
    tab.goto(SEED_ARTICLE)
    fill_comment(tab, name="Forgetful Fern", text="A first comment without consent.")
    assert not tab.get_by_label(re.compile("^Save my name")).is_checked()
    tab.get_by_role("button", name="Post comment").click()
    tab.wait_for_url(re.compile(r".*\?posted="))
    tab.goto(SEED_ARTICLE)
    assert tab.locator("#id_author_name").input_value() == ""
    assert context.cookies() == [c for c in context.cookies() if "commenter" not in c["name"]]

    fill_comment(tab, name="Remembered Rosa", text="A second comment, remember me this time.")
    tab.get_by_label(re.compile("^Save my name")).check()
    tab.get_by_role("button", name="Post comment").click()
    tab.wait_for_url(re.compile(r".*\?posted="))
    tab.goto(SEED_ARTICLE)
    assert tab.locator("#id_author_name").input_value() == "Remembered Rosa"
    cookie = next(c for c in context.cookies() if c["name"] == "klearmind_commenter")
    assert cookie["httpOnly"] and cookie["expires"] > 300 * 24 * 3600

    tab.locator("#id_text").fill("A third comment, forget me now.")
    tab.get_by_label(re.compile("^Save my name")).uncheck()
    tab.wait_for_timeout(TIME_TRAP_SECONDS * 1000 + 200)
    tab.get_by_role("button", name="Post comment").click()
    tab.wait_for_url(re.compile(r".*\?posted="))
    tab.goto(SEED_ARTICLE)
    assert tab.locator("#id_author_name").input_value() == ""
    context.close()


def test_form_errors_are_announced_kept_and_accessible(page, screenshots):
    page.goto(SEED_ARTICLE)
    page.locator("#id_text").fill("Is this safe with my medication? שלום 🌿")
    page.locator("#id_author_email").fill("not-an-address")
    page.get_by_role("button", name="Post comment").click()
    summary = page.locator("#form-errors")
    summary.wait_for()  # the page sent back with its errors (a busy server may take a moment)
    expect(summary).to_be_visible()
    # The page's script moves focus once it runs, which may be just after the summary appears.
    expect(summary).to_be_focused()
    assert "Please enter your name." in summary.inner_text()
    email = page.locator("#id_author_email")
    assert email.input_value() == "not-an-address"
    assert email.get_attribute("aria-invalid") == "true"
    assert page.locator("#id_text").input_value() == "Is this safe with my medication? שלום 🌿"
    assert serious_violations(page) == []
    screenshots(page, "comments-form-errors")


def test_article_with_comments_and_the_queue_pass_axe(page, sign_in_as_moderator, screenshots):
    page.goto(SEED_ARTICLE)
    page.locator("#comments").scroll_into_view_if_needed()
    assert serious_violations(page) == []
    assert page.outside_requests.blocked == []
    screenshots(page, "comments-article")
    sign_in_as_moderator(page)
    page.goto("/admin/comments/")
    assert page.get_by_role("link", name=re.compile("Comments \\(\\d+\\)")).count() >= 1
    assert serious_violations(page) == []
    screenshots(page, "comments-queue")


def test_comments_fit_a_320_pixel_phone(browser, live_site, screenshots):
    context = browser.new_context(base_url=live_site, viewport={"width": 320, "height": 640})
    tab = context.new_page()
    tab.goto(SEED_ARTICLE)
    overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    screenshots(tab, "comments-phone")
    context.close()
    assert overflow <= 0
