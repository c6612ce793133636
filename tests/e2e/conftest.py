"""A real server on loopback with the demo clinic, and Debian's Chromium to visit it."""

import datetime
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
import zoneinfo
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests import clock

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CLINIC_ZONE = zoneinfo.ZoneInfo("America/Los_Angeles")
BROWSER_TIME_OF_DAY = datetime.time(10, 30)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
OUTPUT_DIR = (
    ROOT
    / "test-output"
    / ("e2e-postgres" if os.environ.get("DATABASE_URL") else "e2e")
    / ("clock" if clock.chosen_moment() else "")
)


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(
            "CI=true and /usr/bin/chromium is missing: install Debian's chromium."
        )
    skip = pytest.mark.skip(reason="Debian's 'chromium' package is not installed")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fresh_postgres_database(url: str) -> str:
    """A new, empty database beside the test run's own, so the server starts from nothing."""
    import psycopg

    parsed = urlparse(url)
    name = f"klearmind_e2e_{os.getpid()}"
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return parsed._replace(path=f"/{name}").geturl()


def _drop_postgres_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.path.lstrip("/")}" WITH (FORCE)')


def _wait_for(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The server stopped with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"The server did not answer {url} within {seconds} s")


@pytest.fixture(scope="session")
def var_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("e2e-var")


@dataclass
class StaffLogin:
    username: str
    password: str
    authenticator_hex: str
    last_step: int = -1

    def next_code(self) -> str:
        """The app's code now; a code is accepted once, so wait for a fresh one if needed."""
        from django_otp.oath import TOTP

        totp = TOTP(bytes.fromhex(self.authenticator_hex))
        while totp.t() == self.last_step:
            time.sleep(0.5)
            totp = TOTP(bytes.fromhex(self.authenticator_hex))
        self.last_step = totp.t()
        return f"{totp.token():06d}"


@pytest.fixture(scope="session")
def demo_logins(live_site, var_dir) -> dict[str, StaffLogin]:
    """The demo staff logins that the demo loader made and printed, one per role."""
    from klearmind.accounts.demo import parse_login_line

    logins = {}
    for line in (var_dir / "demo_logins.txt").read_text().splitlines():
        if parsed := parse_login_line(line):
            logins[parsed[0]] = StaffLogin(*parsed)
    return logins


@pytest.fixture(scope="session")
def sign_in(demo_logins):
    """Sign a demo person in through the real form: password, then the app's code if needed."""

    def _sign_in(tab, username: str) -> StaffLogin:
        login = demo_logins[username]
        tab.goto("/admin/login/")
        tab.get_by_label("Username").fill(username)
        tab.get_by_label("Password").fill(login.password)
        tab.get_by_role("button", name="Sign in").click()
        if login.authenticator_hex:
            tab.wait_for_url("**/two-factor/verify/**")
            tab.get_by_role("textbox", name="Code").fill(login.next_code())
            tab.get_by_role("button", name="Confirm").click()
        tab.wait_for_url("**/admin/")
        return login

    return _sign_in


@pytest.fixture(scope="session")
def sign_in_as_moderator(sign_in):
    """Sign the demo comment moderator in on the given tab."""
    return lambda tab: sign_in(tab, "sam.whitfield")


@pytest.fixture(scope="session")
def timeline() -> tuple[datetime.datetime, float]:
    """The browser tests' clock: 10:30 in the clinic on the day of the run (or of the set clock),
    ticking from the moment the first of them starts. The demo's visits of the day and a chart
    charted in the past of today then fit whatever the hour, and the server, its worker and
    these tests share the one timeline."""
    today = (clock.chosen_moment() or datetime.datetime.now(CLINIC_ZONE)).date()
    moment = datetime.datetime.combine(today, BROWSER_TIME_OF_DAY, tzinfo=CLINIC_ZONE)
    return moment, clock.real_time()


@pytest.fixture(autouse=True)
def on_the_timeline(timeline):
    with clock.travel(*timeline):
        yield


@pytest.fixture(scope="session")
def live_site(var_dir, timeline, fake_stripe):
    """The demo clinic served by gunicorn, as `make run` would set it up, with debug off."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "klearmind.settings.dev",
        "DEBUG": "false",
        "KLEARMIND_VAR_DIR": str(var_dir),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "CACHE_KEY_PREFIX": f"klearmind-e2e-{os.getpid()}",
        **clock.timeline_environment(*timeline),
    }
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith("postgres"):
        env["DATABASE_URL"] = _fresh_postgres_database(database_url)
    else:
        env.pop("DATABASE_URL", None)
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env["BASE_URL"] = base_url
    env.update(fake_stripe.settings)
    python = sys.executable
    setup = (
        ["migrate", "--no-input"],
        ["load_demo"],
        ["db_worker", "--batch", "--no-startup-delay"],  # index the demo pages for search
    )
    for command in setup:
        subprocess.run(
            clock.command(python, "manage.py", *command),
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    log = (var_dir / "server.log").open("w")
    server = subprocess.Popen(
        [
            *clock.command(python, "-m", "gunicorn"),
            "klearmind.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            # Processes share cached pages and comment lists only through a shared cache
            # (Redis); with the local-memory cache one process serves, as under `make run`.
            "2" if env.get("REDIS_URL") else "1",
            "--threads",
            "4",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    # The task worker indexes pages for search, as it does beside `make run`.
    worker = subprocess.Popen(
        clock.command(python, "manage.py", "db_worker"),
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for(f"{base_url}/healthz", server)
        yield base_url
    finally:
        for process in (server, worker):
            process.terminate()
            process.wait(timeout=20)
        log.close()
        if env.get("DATABASE_URL", "").startswith("postgres"):
            _drop_postgres_database(env["DATABASE_URL"])


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    # A busy machine may take seconds to answer a form: assertions wait for what they expect.
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def fake_stripe():
    """The fake Stripe the site takes card payments against (its API and its Stripe.js)."""
    from klearmind.payments import fake_stripe as fake

    server = fake.start()
    yield server
    server.stop()


class OutsideRequests:
    """Every request the page makes to an origin other than our own server, blocked; but for
    Stripe (here the fake one) on a payment step, the one exception (docs/decisions/001)."""

    def __init__(self, base_url: str, stripe_url: str = ""):
        self.origin = base_url
        self.stripe = stripe_url
        self.blocked: list[str] = []

    def __call__(self, route):
        url = route.request.url
        on_payment_step = "/pay/" in route.request.frame.url if route.request.frame else False
        if url.startswith((self.origin + "/", "data:", "blob:")) or (
            on_payment_step and self.stripe and url.startswith(self.stripe + "/")
        ):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()


@pytest.fixture
def page(browser, live_site, fake_stripe):
    context = browser.new_context(base_url=live_site, viewport={"width": 1280, "height": 900})
    outside = OutsideRequests(live_site, fake_stripe.url)
    context.route("**/*", outside)
    tab = context.new_page()
    tab.outside_requests = outside
    yield tab
    context.close()


@pytest.fixture(scope="session")
def screenshots():
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)

    def save(tab, name: str) -> Path:
        path = OUTPUT_DIR / f"{name}.png"
        tab.screenshot(path=str(path), full_page=True)
        return path

    return save
