"""A throwaway Klearmind site for a drill: its own database and files in a temporary folder,
production settings, served by gunicorn on a free loopback port, with its own task worker.
Nothing real is touched: DATABASE_URL, REDIS_URL and MEDIA_ROOT of the caller are ignored."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.throwaway import free_port, production_environment

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


class DrillFailed(Exception):
    """The drill found the site not doing what it should."""


def check(passed: bool, what: str) -> None:
    """Print one checked fact; stop the drill at the first that does not hold."""
    print(("ok    " if passed else "FAIL  ") + what, flush=True)
    if not passed:
        raise DrillFailed(what)


def wait_until(condition, *, seconds: float, every: float = 0.2) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(every)
    return True


def time_is_up(signum, frame):
    raise DrillFailed("the drill ran past its time limit")


def main(drill, *, timeout: float) -> None:
    """Run a drill under a hard time limit; exit 1 on any failure."""
    signal.signal(signal.SIGALRM, time_is_up)
    signal.alarm(int(timeout))
    started = time.monotonic()
    try:
        drill()
    except (DrillFailed, subprocess.CalledProcessError) as failure:
        print(f"drill failed after {time.monotonic() - started:.0f}s: {failure}", flush=True)
        sys.exit(1)
    print(f"drill passed in {time.monotonic() - started:.0f}s", flush=True)


class Site:
    def __init__(self, name: str, *, database_url: str = "", email_port: int | None = None):
        self.folder = Path(tempfile.mkdtemp(prefix=f"klearmind-{name}-"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = self.environment(database_url, email_port)
        self.processes: list[subprocess.Popen] = []
        self.gunicorn: subprocess.Popen | None = None

    def environment(self, database_url: str, email_port: int | None) -> dict[str, str]:
        env = production_environment(self.folder)
        env.pop("EMAIL_HOST", None)  # the drill's own mail server, or none
        env.update(
            BASE_URL=self.url,
            LOG_LEVEL="ERROR",
            PYTHONUNBUFFERED="1",
        )
        if database_url:
            env["DATABASE_URL"] = database_url
        if email_port:
            env.update(
                EMAIL_HOST="127.0.0.1",
                EMAIL_PORT=str(email_port),
                EMAIL_USE_TLS="false",
                EMAIL_TIMEOUT="5",
            )
        return env

    def log(self, name: str):
        return open(self.folder / f"{name}.log", "ab")  # noqa: SIM115 - the child keeps it

    def manage(self, *args: str) -> None:
        with self.log("manage") as log:
            subprocess.run(
                [sys.executable, "manage.py", *args],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                check=True,
            )

    def prepare(self, *, demo: bool = True) -> None:
        """Migrate the new database and load the demo clinic."""
        (self.folder / "var").mkdir(parents=True, exist_ok=True)
        self.manage("migrate", "--no-input")
        if demo:
            self.manage("load_demo")

    def use_here(self) -> None:
        """Point this process's Django at the site's database and settings."""
        import django

        os.environ.update(self.env)
        for key in ("DATABASE_URL", "EMAIL_HOST"):
            if key not in self.env:
                os.environ.pop(key, None)
        django.setup()

    def start(self, command: list[str], name: str) -> subprocess.Popen:
        process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=self.log(name), stderr=subprocess.STDOUT
        )
        self.processes.append(process)
        return process

    def start_worker(self) -> subprocess.Popen:
        return self.start(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--interval",
                "0.2",
                "--no-startup-delay",
                "--no-reload",
            ],
            "worker",
        )

    def serve(self, *, workers: int = 2, timeout: float = 60) -> None:
        self.manage("collectstatic", "--no-input", "-v", "0")
        self.gunicorn = self.start(
            [
                str(BIN / "gunicorn"),
                "klearmind.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "30",
            ],
            "gunicorn",
        )
        deadline = time.monotonic() + timeout
        while not self.healthy():
            if self.gunicorn.poll() is not None or time.monotonic() > deadline:
                raise DrillFailed(f"gunicorn did not answer /healthz; see {self.folder}")
            time.sleep(0.3)

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def stop(self, process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
        if process.poll() is None:
            process.send_signal(sig)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def close(self, *, keep: bool = False) -> None:
        for process in self.processes:
            self.stop(process)
        if keep:
            print(f"kept {self.folder}")
        else:
            shutil.rmtree(self.folder, ignore_errors=True)
