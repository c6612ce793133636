"""The back office works under its own Content-Security-Policy and contacts no third party."""

import pytest

pytestmark = pytest.mark.browser


def test_an_editor_edits_the_article_without_policy_violations(page, sign_in, screenshots):
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    sign_in(page, "priya.raman")
    page.goto("/admin/pages/search/?q=proven+medicine")
    title = "Ketamine therapy: a proven medicine with a new purpose"
    page.get_by_role("link", name=title).first.click()
    page.wait_for_load_state("networkidle")
    assert "Ketamine therapy" in page.locator("#id_title").input_value()
    screenshots(page, "07-admin-edit-article")
    page.goto("/admin/settings/clinic/clinicsettings/")
    page.wait_for_load_state("networkidle")
    clinic_name = page.get_by_label("Clinic name").input_value()
    assert clinic_name == "Klearmind Ketamine & IV Hydration Clinic"
    assert problems == []
    assert page.outside_requests.blocked == []
