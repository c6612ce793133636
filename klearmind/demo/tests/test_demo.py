import re
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

# The first words of each app's report, in the order `load_demo` builds the clinic.
PARTS = [
    "Demo pages:",
    "Also created:",
    "Demo questionnaires:",
    "Demo enquiries:",
    "Booking:",
    "Demo care records:",
    "Demo working day:",
    "Demo staff logins for",
]


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.VAR_DIR


def load_demo() -> str:
    output = StringIO()
    call_command("load_demo", stdout=output)
    return output.getvalue()


def test_builds_every_apps_part_of_the_clinic_in_order_and_once(var_dir):
    output = load_demo()
    starts = [output.find(part) for part in PARTS]
    assert -1 not in starts, output
    assert starts == sorted(starts)
    assert re.search(r"comments on “[^”]+”", output)  # the comments' demo runs after the pages'
    output = load_demo()
    assert "Demo pages: 0 created" in output
    assert "Also created" not in output
    assert "Booking: nothing new." in output
    assert "Demo care records: nothing new." in output
