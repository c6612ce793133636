"""In the demo clinic, each demo login lands on its home screen with something to count."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from klearmind.accounts.tests.factories import sign_in
from klearmind.booking.models import Provider

from .test_panels import shown

pytestmark = [pytest.mark.django_db, pytest.mark.clock]  # the demo's visits are today

ROWS = {
    "rosa.delgado": ["new-enquiries", "questionnaires-to-call"],
    "daniel.okafor": ["needs-attention", "todays-treatments", "rems-forms-due"],
    "olivia.marsh": [
        "visits-booked-today",
        "failed-outgoing-messages",
        "locked-logins",
    ],
    "sam.whitfield": ["crisis-language", "waiting-for-moderation"],
    "priya.raman": ["pages-with-unpublished-changes", "in-moderation"],
}


@pytest.fixture
def demo(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    output = StringIO()
    call_command("load_demo", stdout=output)
    return output.getvalue()


def test_each_demo_login_lands_on_a_home_screen_with_counts(demo):
    assert "Demo working day:" in demo
    for username, rows in ROWS.items():
        user = get_user_model().objects.get(username=username)
        page = sign_in(Client(), user).get("/admin/").content.decode()
        counts = shown(page)
        assert all(counts[row] > 0 for row in rows), (username, counts)


def test_the_demo_clinician_has_visits_of_their_own_today(demo):
    provider = Provider.objects.get(user__username="daniel.okafor")
    page = sign_in(Client(), provider.user).get("/admin/").content.decode()
    assert re.search(r"My schedule today \(([3-9]|\d\d)\)", page)
    assert page.count("Free phone consultation") == 3


def test_a_second_run_adds_nothing(demo):
    output = StringIO()
    call_command("load_demo", stdout=output)
    assert "Demo working day: nothing new." in output.getvalue()
    assert Provider.objects.filter(user__username="daniel.okafor").count() == 1
