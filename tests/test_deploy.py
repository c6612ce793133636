"""The shipped nginx, gunicorn and systemd settings and the Procfile: valid, and doing what the
README promises.

nginx runs for real (when installed) with the configuration rendered as the benchmark
renders it, in front of a small backend in this process that answers with the headers the
app sends, so the micro-cache's choices are observed, not read off the file.
"""

import concurrent.futures
import http.server
import runpy
import shlex
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import get_commands

from bench import nginx
from bench.throwaway import GUNICORN_CONF, Site, free_port

needs_nginx = pytest.mark.skipif(not nginx.available(), reason="nginx is not installed")


def paths(tmp_path: Path, upstream_port: int = 8000) -> nginx.Paths:
    for folder in ("static", "media", "run"):
        (tmp_path / folder).mkdir(exist_ok=True)
    return nginx.Paths(
        upstream=f"127.0.0.1:{upstream_port}",
        port=free_port(),
        static_root=tmp_path / "static",
        media_root=tmp_path / "media",
        run_dir=tmp_path / "run",
        access_log=tmp_path / "run" / "access.log",
    )


def test_the_rendering_keeps_every_promised_directive(tmp_path):
    rendered = nginx.render_site(paths(tmp_path))
    shipped = nginx.SITE_CONF.read_text()
    for directive in nginx.PROMISED_DIRECTIVES:
        assert directive in shipped
        assert directive in rendered


def test_the_rendering_points_at_the_run_and_nothing_of_production(tmp_path):
    site = paths(tmp_path, upstream_port=8123)
    rendered = nginx.render_site(site)
    assert "server 127.0.0.1:8123;" in rendered
    assert f"listen 127.0.0.1:{site.port};" in rendered
    assert f"alias {site.static_root}/;" in rendered
    directives = [line for line in rendered.splitlines() if not line.lstrip().startswith("#")]
    assert not [line for line in directives if "/srv/" in line or "/var/" in line]


def test_a_shipped_file_that_lost_a_rendered_line_is_refused(tmp_path):
    text = nginx.SITE_CONF.read_text().replace("listen 80;", "listen 8080;")
    with pytest.raises(ValueError, match="listen 80;"):
        nginx.render_site(paths(tmp_path), text)


def test_as_root_the_workers_stay_root_so_they_can_read_the_run_directory(tmp_path, monkeypatch):
    monkeypatch.setattr(nginx.os, "geteuid", lambda: 0)
    assert nginx.render_main(paths(tmp_path), tmp_path / "site.conf").startswith("user root root;")
    monkeypatch.setattr(nginx.os, "geteuid", lambda: 1000)
    assert "user " not in nginx.render_main(paths(tmp_path), tmp_path / "site.conf")


@needs_nginx
def test_nginx_accepts_the_shipped_configuration(tmp_path):
    checked = nginx.check(nginx.write(paths(tmp_path)))
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr


class _App(http.server.BaseHTTPRequestHandler):
    """Answers like the app: a public page with s-maxage, anything else uncacheable."""

    protocol_version = "HTTP/1.1"
    hits: list[str] = []

    def do_GET(self):
        self.hits.append(self.path)
        if self.path.startswith("/documents/"):
            return self.answer_for_a_document()
        if "slow" in self.path:
            time.sleep(0.3)
        body = (
            f"{self.path} proto={self.headers['X-Forwarded-Proto']} "
            f"for={self.headers['X-Forwarded-For']} " + "text " * 400
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        if self.path.startswith("/public"):
            self.send_header("Cache-Control", "public, max-age=0, s-maxage=30")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def answer_for_a_document(self):
        """Document 1 is allowed (the app names nginx's internal location); others are private.
        Like Wagtail's view, the allowed answer gives the file's length and sends no body."""
        if self.path.startswith("/documents/1/"):
            self.send_response(200)
            self.send_header("X-Accel-Redirect", "/protected-documents/plan.pdf")
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Disposition", 'attachment; filename="plan.pdf"')
            self.send_header("Content-Length", str(len("the documents file")))
            self.close_connection = True
        else:
            self.send_response(302)
            self.send_header("Location", "/admin/login/")
            self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def front(tmp_path):
    """nginx with the rendered configuration in front of `_App`; yields (base URL, hits)."""
    if not nginx.available():
        pytest.skip("nginx is not installed")
    app = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _App)
    threading.Thread(target=app.serve_forever, args=(0.05,), daemon=True).start()
    _App.hits = []
    site = paths(tmp_path, upstream_port=app.server_address[1])
    (site.static_root / "site.0123456789ab.css").write_text("body { color: black; }")
    for folder, name in (("documents", "plan.pdf"), ("images", "photo.jpg")):
        (site.media_root / folder).mkdir()
        (site.media_root / folder / name).write_text(f"the {folder} file")
    process = subprocess.Popen(nginx.command(nginx.write(site)), stderr=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{site.port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base_url}/static/site.0123456789ab.css", timeout=1)  # noqa: S310
                break
            except OSError:
                time.sleep(0.05)
        yield base_url, _App.hits
    finally:
        process.terminate()
        process.wait(timeout=10)
        app.shutdown()


def get(url: str, method: str = "GET", **headers) -> tuple[str, str | bytes, dict]:
    request = urllib.request.Request(url, headers=headers, method=method)  # noqa: S310
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        body = response.read()
        if response.headers.get("Content-Encoding") != "gzip":
            body = body.decode()
        return response.headers.get("X-Micro-Cache", ""), body, response.headers


def test_a_public_page_is_fetched_once_for_its_s_maxage(front):
    base_url, hits = front
    assert get(f"{base_url}/public")[0] == "MISS"
    assert get(f"{base_url}/public")[0] == "HIT"
    assert hits == ["/public"]


def test_a_page_without_a_shared_max_age_is_never_stored(front):
    base_url, hits = front
    get(f"{base_url}/private")
    get(f"{base_url}/private")
    assert hits == ["/private", "/private"]


@pytest.mark.parametrize("cookie", ["sessionid=staff", "a=1; klearmind_commenter=ana"])
def test_staff_and_remembered_commenters_bypass_the_cache_and_store_nothing(front, cookie):
    base_url, hits = front
    assert get(f"{base_url}/public", Cookie=cookie)[0] == "BYPASS"
    assert get(f"{base_url}/public")[0] == "MISS"
    assert hits == ["/public", "/public"]


def test_a_post_is_never_answered_from_the_cache(front):
    base_url, hits = front
    get(f"{base_url}/public")
    get(f"{base_url}/public", method="POST")
    assert hits == ["/public", "/public"]


def test_concurrent_visitors_of_a_booking_page_are_not_queued_behind_each_other(front):
    base_url, hits = front

    def timed(_number: int) -> float:
        started = time.perf_counter()
        get(f"{base_url}/book/slow/")
        return time.perf_counter() - started

    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        durations = list(pool.map(timed, range(6)))
    assert len(hits) == 6
    # Behind the cache lock they would come back half a second apart, the last after 2.8 s.
    assert max(durations) < 1.2


def test_the_app_learns_the_scheme_and_the_visitors_address(front):
    base_url, _hits = front
    body = get(f"{base_url}/private")[1]
    assert "proto=http for=127.0.0.1 " in body


def test_pages_are_compressed_for_browsers_that_accept_gzip(front):
    base_url, _hits = front
    headers = get(f"{base_url}/private", **{"Accept-Encoding": "gzip"})[2]
    assert headers["Content-Encoding"] == "gzip"


def test_static_files_are_served_by_nginx_and_kept_a_year(front):
    base_url, hits = front
    _status, body, headers = get(f"{base_url}/static/site.0123456789ab.css")
    assert body == "body { color: black; }"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert hits == []


def test_a_missing_static_file_is_a_404_from_nginx(front):
    base_url, hits = front
    with pytest.raises(urllib.error.HTTPError) as error:
        get(f"{base_url}/static/missing.css")
    assert error.value.code == 404
    assert hits == []


def fetch(url: str) -> tuple[int, str, dict]:
    """The status, body and headers, without following a redirect."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(url, timeout=5) as response:
            return response.status, response.read().decode(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers


def test_a_document_the_app_allows_is_sent_by_nginx_with_the_apps_headers(front):
    base_url, hits = front
    status, body, headers = fetch(f"{base_url}/documents/1/plan.pdf")
    assert (status, body) == (200, "the documents file")
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == 'attachment; filename="plan.pdf"'
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"] == "default-src 'none'"
    assert headers["Cache-Control"] == "private, no-store"
    assert "X-Accel-Redirect" not in headers
    assert fetch(f"{base_url}/documents/1/plan.pdf")[1] == "the documents file"  # and again
    assert hits == ["/documents/1/plan.pdf"] * 2


def test_a_document_the_app_refuses_is_not_sent(front):
    base_url, hits = front
    status, body, headers = fetch(f"{base_url}/documents/2/plan.pdf")
    assert (status, headers["Location"]) == (302, "/admin/login/")
    assert "the documents file" not in body
    assert hits == ["/documents/2/plan.pdf"]


@pytest.mark.parametrize(
    "path",
    [
        "/media/documents/plan.pdf",
        "/media/images/../documents/plan.pdf",
        "/media/%64ocuments/plan.pdf",
        "/protected-documents/plan.pdf",
        "/media/",
    ],
)
def test_no_address_reaches_a_document_file_without_the_app(front, path):
    base_url, hits = front
    status, body, _headers = fetch(base_url + path)
    assert status == 404
    assert "the documents file" not in body
    assert hits == []


def test_uploaded_images_are_served_from_media_by_nginx(front):
    base_url, hits = front
    status, body, headers = fetch(f"{base_url}/media/images/photo.jpg")
    assert (status, body) == (200, "the images file")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert hits == []


def test_every_setting_can_be_overridden_from_the_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:9001")
    monkeypatch.setenv("GUNICORN_WORKER_CLASS", "sync")
    monkeypatch.setenv("GUNICORN_WORKERS", "5")
    conf = runpy.run_path(str(GUNICORN_CONF))
    assert (conf["bind"], conf["worker_class"], conf["workers"]) == ("127.0.0.1:9001", "sync", 5)


def test_sync_workers_get_one_thread_so_gunicorn_keeps_them_sync(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKER_CLASS", "sync")
    monkeypatch.delenv("GUNICORN_THREADS", raising=False)
    assert runpy.run_path(str(GUNICORN_CONF))["threads"] == 1


def test_the_throwaway_site_never_sees_the_callers_database_or_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/klearmind")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("MEDIA_ROOT", "/srv/klearmind/media")
    env = Site(tmp_path).env
    assert not {"DATABASE_URL", "REDIS_URL", "MEDIA_ROOT"} & env.keys()
    assert env["DJANGO_SETTINGS_MODULE"] == "bench.settings"
    assert env["KLEARMIND_VAR_DIR"] == str(tmp_path / "var")
    assert len(env["SECRET_KEY"]) >= 50
    assert env["SECRET_KEY"] != Site(tmp_path).env["SECRET_KEY"]


def test_a_throwaway_site_given_redis_keeps_its_keys_under_its_own_prefix(tmp_path):
    env = Site(tmp_path / "run.abc123", redis_url="redis://127.0.0.1:6379/3").env
    assert env["REDIS_URL"] == "redis://127.0.0.1:6379/3"
    assert env["CACHE_KEY_PREFIX"] == "throwaway-run.abc123"


# The three long-running processes, as the systemd units and the Procfile start them.
ROOT = Path(__file__).resolve().parents[1]
UNITS = ROOT / "deploy" / "systemd"
PROCESSES = {
    "web": "gunicorn --config deploy/gunicorn.conf.py klearmind.wsgi:application",
    "worker": "python manage.py db_worker",
    "scheduler": "python manage.py scheduler",
}


def unit(name: str) -> dict[str, dict[str, list[str]]]:
    """A unit file's sections, each mapping a key to its values in order."""
    sections: dict[str, dict[str, list[str]]] = {}
    for line in (UNITS / f"klearmind-{name}.service").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("["):
            section = sections.setdefault(line.strip("[]"), {})
        else:
            key, _, value = line.partition("=")
            section.setdefault(key, []).append(value)
    return sections


def test_there_is_a_unit_for_each_process_and_no_other():
    assert sorted(path.name for path in UNITS.iterdir()) == sorted(
        f"klearmind-{name}.service" for name in PROCESSES
    )


@pytest.mark.parametrize("name", PROCESSES)
def test_each_unit_runs_its_process_from_the_checkouts_virtualenv(name):
    service = unit(name)["Service"]
    assert service["ExecStart"] == [f"/srv/klearmind/.venv/bin/{PROCESSES[name]}"]
    assert service["WorkingDirectory"] == ["/srv/klearmind"]


@pytest.mark.parametrize("name", PROCESSES)
def test_each_unit_runs_as_the_app_user_with_the_production_settings_and_restarts(name):
    sections = unit(name)
    service = sections["Service"]
    assert (service["User"], service["Group"]) == (["klearmind"], ["klearmind"])
    assert service["Environment"] == ["DJANGO_SETTINGS_MODULE=klearmind.settings.production"]
    assert service["EnvironmentFile"] == ["/etc/klearmind/klearmind.env"]
    assert service["Restart"] == ["always"]
    assert sections["Install"]["WantedBy"] == ["multi-user.target"]


def test_the_web_unit_waits_for_gunicorns_ready_signal_and_reloads_on_hup():
    service = unit("web")["Service"]
    assert service["Type"] == ["notify"]
    assert service["ExecReload"] == ["/bin/kill -s HUP $MAINPID"]


def test_the_procfile_starts_the_same_three_processes():
    procfile = (ROOT / "Procfile").read_text().splitlines()
    assert dict(line.split(": ", 1) for line in procfile) == PROCESSES


@pytest.mark.parametrize("name", PROCESSES)
def test_each_process_is_a_command_that_exists(name):
    program, *args = shlex.split(PROCESSES[name])
    if program == "python":
        assert args[0] == "manage.py"
        assert args[1] in get_commands()
    else:
        assert (ROOT / args[1]).is_file()
        assert args[2] == "klearmind.wsgi:application"


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd is not installed")
def test_systemd_accepts_the_units(tmp_path):
    """Rendered for this checkout, as the paths of production do not exist here."""
    environment = tmp_path / "klearmind.env"
    environment.write_text("")
    for path in UNITS.iterdir():
        text = path.read_text().replace("/srv/klearmind", str(ROOT))
        (tmp_path / path.name).write_text(
            text.replace("/etc/klearmind/klearmind.env", str(environment))
        )
    units = sorted(str(path) for path in tmp_path.glob("*.service"))
    checked = subprocess.run(
        ["systemd-analyze", "verify", *units], capture_output=True, text=True, timeout=60
    )
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr == ""
