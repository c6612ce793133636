"""Run the test suite, and every server it starts, on a clock set to a chosen moment.

`KLEARMIND_TEST_CLOCK=2027-03-14T00:30` moves every clock the suite reads to that moment in the
clinic's time zone, and lets it tick from there. Each process, the test run and the servers and
workers it starts, computes the same shift from `KLEARMIND_TEST_CLOCK_ANCHOR` (the real time
the run began, set here if missing), so they all share one timeline, as a two-factor code or a
signed link made by one and checked by another needs.

`make test` runs the tests marked `clock` again under several such moments (see
`scripts/run-tests.sh`): a test that reads the wall clock fails there at once instead of at one
hour of one day.
"""

import os
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

CLOCK = "KLEARMIND_TEST_CLOCK"
ANCHOR = "KLEARMIND_TEST_CLOCK_ANCHOR"
CLINIC_ZONE = ZoneInfo("America/Los_Angeles")

_traveller = None

# The tests that read the date or the time of day, with what they read. A test can also carry
# `@pytest.mark.clock` itself; a module or test named here gets the mark from this list, so the
# set the clocks sweep is reviewed in one place.
READ_THE_CLOCK = {
    "klearmind/booking/tests/test_demo.py": "demo visits in the coming days, a series half done",
    "klearmind/booking/tests/test_concurrency.py": "the race is for a time a week from today",
    "klearmind/care/tests/test_charts.py": "readings and starts timed minutes before now",
    "klearmind/care/tests/test_chart_views.py": "today's treatments, times typed as the clock",
    "klearmind/care/tests/test_chart_safety.py": "baselines, stops and discharges minutes ago",
    "klearmind/care/tests/test_check_ins.py": "check-ins 48 hours ahead and weekly, link expiry",
    "klearmind/care/tests/test_attention.py": "scores and charts dated back from today",
    "klearmind/care/tests/test_demo.py": "the demo's visit today",
    "klearmind/care/tests/test_demo_charts.py": "demo charts days ago, a REMS form due",
    "klearmind/care/tests/test_demo_outcomes.py": "demo scores dated back from today",
    "klearmind/care/tests/test_register_demo.py": "the demo's charts drawn days ago",
    "klearmind/care/tests/test_outcome_views.py": "the dashboard's period ends today",
    "klearmind/care/tests/test_patient_views.py": "plans started today, paper scores dated",
    "klearmind/care/tests/test_services.py": "visits booked days ahead",
    "klearmind/intake/tests/test_services.py": "the 30-day sweep of drafts",
    "klearmind/intake/tests/test_urgent_drafts.py": "the sweep keeps an urgent draft past 30 days",
    "klearmind/intake/tests/test_admin_views.py": "the triage queue's ages",
    "klearmind/comments/tests/test_commands.py": "closing comments after days, erasing after 60",
    "klearmind/comments/tests/test_tasks.py": "retries with a growing delay",
    "klearmind/accounts/tests/test_lockout.py": "a lockout of 30 minutes",
    "klearmind/accounts/tests/test_sessions.py": "the session timeout",
    "tests/security/test_public_forms.py::PublicFormTests::"
    "test_the_booking_details_and_confirmation_survive_every_payload": "books, then cancels",
    "tests/security/test_public_forms.py::PublicFormTests::"
    "test_search_and_booking_queries_survive_hostile_query_strings": "walks to a free time",
    "tests/security/test_links_and_replays.py::ReplayTests::"
    "test_a_booking_confirmed_twice_books_once": "walks to a free time",
    "tests/e2e/test_booking.py": "books the first free day of this month or the next",
    "tests/e2e/test_care.py": "charts the demo's visit today",
}


def chosen_moment() -> datetime | None:
    """The moment the run pretends to start at, in the clinic's time zone, or None."""
    value = os.environ.get(CLOCK, "").strip()
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        # fold=0 reads an hour that comes twice (the autumn change) as its first pass.
        moment = moment.replace(tzinfo=CLINIC_ZONE)
    return moment


def real_time() -> float:
    """The machine's own clock, whatever travel is under way."""
    hatch = time_machine.escape_hatch
    return hatch.time.time() if hatch.is_travelling() else time.time()


def travel(moment: datetime, anchor: float) -> time_machine.travel:
    """Onto the timeline that was at `moment` when the machine's clock read `anchor`."""
    return time_machine.travel(moment.timestamp() + (real_time() - anchor), tick=True)


def timeline_environment(moment: datetime, anchor: float) -> dict[str, str]:
    """What a process started with `command` needs to join that timeline."""
    return {CLOCK: moment.isoformat(), ANCHOR: repr(anchor)}


def start() -> None:
    """Shift this process's clocks onto the run's timeline, if a moment was chosen."""
    global _traveller
    moment = chosen_moment()
    if moment is None or _traveller is not None:
        return
    anchor = float(os.environ.setdefault(ANCHOR, repr(real_time())))
    _traveller = travel(moment, anchor)
    _traveller.start()


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "clock: reads the date or time of day; run again under several set clocks by make test",
    )
    start()


@pytest.hookimpl(tryfirst=True)  # before -m deselects by mark
def pytest_collection_modifyitems(config, items):
    for item in items:
        if any(item.nodeid.startswith(name) for name in READ_THE_CLOCK):
            item.add_marker("clock")


def pytest_report_header(config):
    moment = chosen_moment()
    if moment is not None:
        return f"clock: set to {moment.isoformat()} (clinic time) and ticking"
    return None


def modules() -> list[str]:
    """The test modules that hold tests marked by READ_THE_CLOCK."""
    return sorted({name.split("::")[0] for name in READ_THE_CLOCK})


def command(python: str, *args: str) -> list[str]:
    """`python args…`, started on the timeline its environment names (`timeline_environment`)."""
    return [python, "-m", "tests.clock_run", *args]


if __name__ == "__main__":
    print("\n".join(modules()))  # noqa: T201 - scripts/run-tests.sh reads the list
