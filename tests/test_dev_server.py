"""`make run`'s script: the links it prints and e-mails follow the host and port it serves."""

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The stand-in reports each command; its runserver waits until the worker and the scheduler,
# started in the background, have reported too, as the script stops them when runserver returns.
# Its background commands keep running until they are stopped, as the real ones do.
STUB = """#!/bin/sh
echo "$2 $3 BASE_URL=$BASE_URL" >> "$STUB_LOG"
case "$2" in
  runserver)
    for _ in $(seq 200); do
      grep -q '^db_worker' "$STUB_LOG" && grep -q '^scheduler' "$STUB_LOG" && break
      sleep 0.05
    done ;;
  db_worker | scheduler)
    trap 'echo "$2 stopped" >> "$STUB_LOG"; exit 0' TERM
    while :; do sleep 0.05; done ;;
esac
"""


def serve(tmp_path, *args: str, **env: str) -> set[str]:
    """Run scripts/serve-dev.sh with a Python that only reports what it was asked to run."""
    stub = tmp_path / "python"
    stub.write_text(STUB)
    stub.chmod(0o755)
    log = tmp_path / "commands.log"
    environment = {k: v for k, v in os.environ.items() if k != "BASE_URL"} | env
    done = subprocess.run(
        ["bash", "scripts/serve-dev.sh", *args],
        cwd=ROOT,
        env=environment | {"PY": str(stub), "STUB_LOG": str(log)},
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    printed = done.stdout.splitlines() + log.read_text().splitlines()
    return {line.strip() for line in printed}


def test_every_process_links_to_the_port_served(tmp_path):
    lines = serve(tmp_path, "127.0.0.1", "8101")
    base_url = "BASE_URL=http://127.0.0.1:8101"
    assert f"load_demo  {base_url}" in lines  # it prints the demo logins' address
    assert f"db_worker  {base_url}" in lines  # it sends the e-mails
    assert f"scheduler  {base_url}" in lines  # it enqueues the reminders
    assert f"runserver 127.0.0.1:8101 {base_url}" in lines
    assert any(line.startswith("Klearmind is starting on http://127.0.0.1:8101/") for line in lines)


def test_the_worker_and_the_scheduler_stop_with_the_web_server(tmp_path):
    lines = serve(tmp_path, "127.0.0.1", "8103")
    assert {"db_worker stopped", "scheduler stopped"} <= lines


@pytest.mark.parametrize(
    ("host", "base_url"),
    [("0.0.0.0", "http://127.0.0.1:8102"), ("::1", "http://[::1]:8102")],  # noqa: S104
)
def test_a_wildcard_or_ipv6_host_still_gives_a_link_that_opens(tmp_path, host, base_url):
    assert f"runserver {host}:8102 BASE_URL={base_url}" in serve(tmp_path, host, "8102")


def test_a_base_url_set_by_the_developer_wins(tmp_path):
    lines = serve(tmp_path, "127.0.0.1", "8101", BASE_URL="https://dev.clinic.example")
    assert "runserver 127.0.0.1:8101 BASE_URL=https://dev.clinic.example" in lines


@pytest.mark.django_db
def test_the_logins_file_reads_as_printed_with_a_header_and_base32_keys(settings, tmp_path):
    from base64 import b32decode

    from klearmind.accounts.demo import describe, ensure_demo_staff

    settings.VAR_DIR = tmp_path / "var"
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8101"
    logins = ensure_demo_staff()
    text = (tmp_path / "var" / "demo_logins.txt").read_text()
    assert text.splitlines()[0] == "Demo staff logins for http://127.0.0.1:8101/admin/ :"
    assert text == describe(logins) + "\n"  # what load_demo prints, word for word
    owner = next(login for login in logins if login.username == "olivia.marsh")
    printed_key = text.split("authenticator key ")[1].split()[0]
    assert printed_key == owner.authenticator_key
    assert b32decode(printed_key + "=" * (-len(printed_key) % 8)).hex() == owner.authenticator_hex
    # A second run, on another port, reads the file back and changes no password.
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8102"
    assert [x.password for x in ensure_demo_staff()] == [x.password for x in logins]
    again = (tmp_path / "var" / "demo_logins.txt").read_text()
    assert again.startswith("Demo staff logins for http://127.0.0.1:8102/admin/ :\n")


def test_an_older_logins_file_is_still_read(settings, tmp_path):
    from klearmind.accounts.demo import parse_login_line

    assert parse_login_line("olivia.marsh s3cret 0a0b") == ("olivia.marsh", "s3cret", "0a0b")
    assert parse_login_line("priya.raman s3cret -") == ("priya.raman", "s3cret", "")
    assert parse_login_line("Demo staff logins for http://127.0.0.1:8000/admin/ :") is None


class FakeTask:
    module_path = "klearmind.outbox.tasks.send"


class FakeResult:
    id = "1"
    task = FakeTask()
    status = "SUCCESSFUL"


def worker_lines(settings, level: str, capsys) -> list[str]:
    """What `make run`'s worker prints for one task: the worker's logging set up as it runs."""
    import copy
    import logging.config

    from django_tasks import signals

    from klearmind.worker.management.commands.db_worker import Command

    config = copy.deepcopy(settings.LOGGING)
    config["loggers"]["django_tasks"]["level"] = level
    logging.config.dictConfig(config)
    try:
        Command().configure_logging(1)
        capsys.readouterr()
        signals.log_task_started(sender=None, task_result=FakeResult())
        signals.log_task_finished(sender=None, task_result=FakeResult())
        return [line for line in capsys.readouterr().err.splitlines() if line]
    finally:
        logging.config.dictConfig(settings.LOGGING)


def test_the_worker_logs_no_line_for_a_task_that_worked(settings, capsys):
    assert worker_lines(settings, "WARNING", capsys) == []


def test_the_worker_logs_one_line_per_task_when_asked(settings, capsys):
    lines = worker_lines(settings, "INFO", capsys)
    assert len(lines) == 1
    assert "klearmind.outbox.tasks.send" in lines[0] and "SUCCESSFUL" in lines[0]
