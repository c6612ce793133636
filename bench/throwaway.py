"""A throwaway demo site with the production settings, and gunicorn (and nginx) serving it.

The settings are production's without the checks that refuse a demo on loopback
(bench/settings.py).

Shared by the benchmark (`bench/report.py`) and the load drill (`drills/load.py`). The site
lives in its own run directory under `var/bench/`: its own SQLite database, media and static
files. `DATABASE_URL`, `MEDIA_ROOT` and `REDIS_URL` of the caller are dropped, so nothing
real is touched; a Redis URL is used only when given, under a key prefix of its own.
"""

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench import nginx

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
START_TIMEOUT = float(os.environ.get("BENCH_START_TIMEOUT", "30"))
PRIVATE_VARIABLES = ("DATABASE_URL", "MEDIA_ROOT", "REDIS_URL", "CACHE_KEY_PREFIX")


class SiteError(RuntimeError):
    """A step of building or serving the site failed; the message says which and where."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def random_keys() -> dict[str, str]:
    from cryptography.fernet import Fernet

    return {
        "SECRET_KEY": secrets.token_urlsafe(48),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "FIELD_LOOKUP_KEY": secrets.token_urlsafe(48),
    }


def production_environment(run_dir: Path) -> dict[str, str]:
    """The caller's environment without its database, media and cache, with the production
    settings and fresh keys for a site whose files live in `run_dir`."""
    env = {key: value for key, value in os.environ.items() if key not in PRIVATE_VARIABLES}
    return (
        env
        | random_keys()
        | {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "KLEARMIND_VAR_DIR": str(run_dir / "var"),
            "STATIC_ROOT": str(run_dir / "static"),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Plain HTTP on loopback: no redirect, and cookies a client may send back.
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SERVE_MEDIA": "true",
        }
    )


def relax_comment_checks() -> None:
    """Posts from one address in quick succession would meet the flood control and the time
    trap; the site's settings drop both (needs Django set up for the site)."""
    from klearmind.comments.models import CommentSettings

    comment_settings = CommentSettings.load()
    comment_settings.flood_seconds = 0
    comment_settings.time_trap_seconds = 0
    comment_settings.save(update_fields=["flood_seconds", "time_trap_seconds"])


class Site:
    """The run directory, the environment every process of the site runs with, and its log."""

    def __init__(self, run_dir: Path, *, redis_url: str = ""):
        self.run_dir = run_dir
        self.log = run_dir / "setup.log"
        self.static_root = run_dir / "static"
        self.media_root = run_dir / "var" / "media"
        env = production_environment(run_dir) | {"LOG_LEVEL": "WARNING"}
        if redis_url:
            env |= {"REDIS_URL": redis_url, "CACHE_KEY_PREFIX": f"throwaway-{run_dir.name}"}
        self.env = env
        (run_dir / "var").mkdir(parents=True, exist_ok=True)

    def manage(self, *args: str) -> None:
        self.run(sys.executable, "manage.py", *args)

    def run(self, *command: str) -> None:
        with self.log.open("ab") as log:
            done = subprocess.run(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, check=False
            )
        if done.returncode:
            raise SiteError(f"{' '.join(command[1:])} failed; see {self.log}")

    def prepare(self) -> None:
        """The demo clinic, the commented copies of the seed article, and static files."""
        self.manage("migrate", "--no-input")
        self.manage("load_demo")
        self.run(sys.executable, "-m", "bench.seed_comments")
        self.manage("db_worker", "--batch", "--no-startup-delay")
        self.manage("collectstatic", "--no-input")

    def activate(self, **overrides: str) -> None:
        """Set this process up as one more process of the site (for the ORM and the counts)."""
        import django

        for key in PRIVATE_VARIABLES:
            os.environ.pop(key, None)
        os.environ.update(self.env | overrides)
        django.setup()


@contextmanager
def site(*, keep: bool = False, redis_url: str = "") -> Iterator[Site]:
    """A fresh run directory under var/bench/, removed afterwards unless `keep`."""
    parent = ROOT / "var" / "bench"
    parent.mkdir(parents=True, exist_ok=True)
    run_dir = Path(tempfile.mkdtemp(prefix="run.", dir=parent))
    the_site = Site(run_dir, redis_url=redis_url)
    try:
        yield the_site
    finally:
        if redis_url:
            forget_cache(redis_url, the_site.env["CACHE_KEY_PREFIX"])
        if keep:
            print(f"kept {run_dir.relative_to(ROOT)}", file=sys.stderr)
        else:
            shutil.rmtree(run_dir, ignore_errors=True)


@contextmanager
def reporting_failures(the_site: Site) -> Iterator[None]:
    """Exit 1 with the reason and the end of the log that explains it."""
    try:
        yield
    except SiteError as error:
        print(f"{error}", file=sys.stderr)
        logs = [the_site.log, *sorted(the_site.run_dir.glob("*.log"))]
        for log in dict.fromkeys(path for path in logs if path.exists()):
            lines = log.read_text(errors="replace").splitlines()[-25:]
            print(f"--- last lines of {log.name}:", *lines, sep="\n", file=sys.stderr)
        sys.exit(1)


def forget_cache(redis_url: str, prefix: str) -> None:
    """Delete the run's keys, so a shared Redis does not keep them forever."""
    import redis

    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match=f"{prefix}:*", count=1000):
        client.delete(key)


def stop_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit, so the servers started here are stopped on the way out."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def wait_until_healthy(process: subprocess.Popen, url: str, name: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not answers(url):
        if process.poll() is not None:
            raise SiteError(f"{name} exited before answering {url}; see {log}")
        if time.monotonic() > deadline:
            raise SiteError(f"{name} did not answer {url} within {START_TIMEOUT:g} s; see {log}")
        time.sleep(0.25)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def serving(command: list[str], *, env: dict, health_url: str, name: str, log: Path):
    with log.open("ab") as out:
        process = subprocess.Popen(  # noqa: S603 - our own command line
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        wait_until_healthy(process, health_url, name, log)
        yield process
    finally:
        stop(process)


@contextmanager
def gunicorn(the_site: Site, *, label: str = "gunicorn", **overrides: str) -> Iterator[str]:
    """Gunicorn with deploy/gunicorn.conf.py on a free port; yields its base URL."""
    port = free_port()
    env = the_site.env | {"GUNICORN_BIND": f"127.0.0.1:{port}"} | overrides
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "--config",
        str(GUNICORN_CONF),
        "klearmind.wsgi:application",
    ]
    base_url = f"http://127.0.0.1:{port}"
    log = the_site.run_dir / f"{label}.log"
    with serving(command, env=env, health_url=f"{base_url}/healthz", name=label, log=log):
        yield base_url


@contextmanager
def nginx_front(the_site: Site, upstream_url: str) -> Iterator[str]:
    """nginx with deploy/nginx/klearmind.conf in front of `upstream_url`; yields its base URL."""
    port = free_port()
    paths = nginx.Paths(
        upstream=upstream_url.removeprefix("http://"),
        port=port,
        static_root=the_site.static_root,
        media_root=the_site.media_root,
        run_dir=the_site.run_dir / "nginx",
    )
    main_conf = nginx.write(paths)
    checked = nginx.check(main_conf)
    if checked.returncode:
        raise SiteError(f"nginx -t refused the rendered configuration:\n{checked.stderr}")
    base_url = f"http://127.0.0.1:{port}"
    log = paths.run_dir / "nginx.out"
    with serving(
        nginx.command(main_conf),
        env=the_site.env,
        health_url=f"{base_url}/healthz",
        name="nginx",
        log=log,
    ):
        yield base_url
