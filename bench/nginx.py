"""deploy/nginx/klearmind.conf rendered for a throwaway site, and nginx run in front of it.

The shipped file is production's; rendering swaps only its addresses and paths (each must be
found, so the two cannot drift apart) and wraps it in a main configuration whose pid, logs
and temporary files live in the run directory, with nginx in the foreground.
"""

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SITE_CONF = Path(__file__).resolve().parent.parent / "deploy" / "nginx" / "klearmind.conf"
MIME_TYPES = Path("/etc/nginx/mime.types")

# What the bench never changes: tests check the rendering still has every one of them.
PROMISED_DIRECTIVES = (
    "proxy_set_header X-Forwarded-Proto $scheme;",
    "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
    "proxy_cache klearmind;",
    "proxy_cache_bypass $klearmind_personal $klearmind_unsafe_method;",
    "proxy_no_cache $klearmind_personal $klearmind_unsafe_method;",
    "proxy_cache_lock on;",
    "proxy_cache_use_stale updating error timeout",
    "gzip on;",
    "gzip_static on;",
    'add_header Cache-Control "public, max-age=31536000, immutable";',
    "client_max_body_size 12m;",
    "proxy_read_timeout 60s;",
    "map $uri $klearmind_logged_path {",
    "return 404;",
    "internal;",
)


@dataclass(frozen=True)
class Paths:
    """Where a rendered configuration points: the app, the listening port and the files."""

    upstream: str
    port: int
    static_root: Path
    media_root: Path
    run_dir: Path
    access_log: Path | None = None  # the benchmark logs nothing


def available() -> bool:
    return shutil.which("nginx") is not None


def render_site(paths: Paths, text: str | None = None) -> str:
    text = SITE_CONF.read_text(encoding="utf-8") if text is None else text
    replacements = {
        "server 127.0.0.1:8000;": f"server {paths.upstream};",
        "listen 80;": f"listen 127.0.0.1:{paths.port};",
        "server_name klearmind.example;": "server_name 127.0.0.1 localhost;",
        "/var/cache/nginx/klearmind ": f"{paths.run_dir / 'cache'} ",
        "/var/log/nginx/klearmind.access.log klearmind;": (
            f"{paths.access_log} klearmind;" if paths.access_log else "off;"
        ),
        "/var/log/nginx/klearmind.error.log": str(paths.run_dir / "error.log"),
        "/srv/klearmind/staticfiles/;": f"{paths.static_root}/;",
        "/srv/klearmind/media/": f"{paths.media_root}/",
    }
    for old, new in replacements.items():
        if old not in text:
            raise ValueError(f"{SITE_CONF.name} no longer contains {old!r}; update bench/nginx.py")
        text = text.replace(old, new)
    return text


def render_main(paths: Paths, site_conf: Path) -> str:
    """A whole nginx.conf around the site: its own pid, logs and temporary directories."""
    run = paths.run_dir
    temp = "\n".join(
        f"    {kind}_temp_path {run / 'temp' / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # As root nginx would hand its workers to `nobody`, who may not read the run directory.
    user = "user root root;\n" if os.geteuid() == 0 else ""
    types = f"include {MIME_TYPES};" if MIME_TYPES.exists() else "types { text/css css; }"
    return f"""{user}worker_processes 1;
daemon off;
pid {run / "nginx.pid"};
error_log {run / "error.log"} warn;
events {{ worker_connections 4096; }}
http {{
    {types}
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
{temp}
    include {site_conf};
}}
"""


def write(paths: Paths) -> Path:
    """Write the main and site configurations into the run directory; return the main one."""
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (paths.run_dir / "temp" / kind).mkdir(parents=True, exist_ok=True)
    (paths.run_dir / "cache").mkdir(parents=True, exist_ok=True)
    site_conf = paths.run_dir / "klearmind.conf"
    site_conf.write_text(render_site(paths), encoding="utf-8")
    main_conf = paths.run_dir / "nginx.conf"
    main_conf.write_text(render_main(paths, site_conf), encoding="utf-8")
    return main_conf


def command(main_conf: Path, *args: str) -> list[str]:
    prefix = f"{main_conf.parent}/"
    return [
        "nginx",
        "-p",
        prefix,
        "-e",
        str(main_conf.parent / "error.log"),
        "-c",
        str(main_conf),
        *args,
    ]


def check(main_conf: Path) -> subprocess.CompletedProcess:
    """`nginx -t` on a written configuration."""
    return subprocess.run(command(main_conf, "-t"), capture_output=True, text=True, check=False)
