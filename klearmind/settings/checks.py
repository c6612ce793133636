"""System checks that refuse, under the production settings, what only suits one developer's
machine: `migrate`, `check` and `check --deploy` stop with every problem listed."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, register

LOCAL_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend": "prints every e-mail to the log",
    "django.core.mail.backends.locmem.EmailBackend": "keeps every e-mail in memory, unsent",
    "django.core.mail.backends.filebased.EmailBackend": "writes every e-mail to a file",
}
LOCAL_MEMORY_CACHE = "django.core.cache.backends.locmem.LocMemCache"
SQLITE = "django.db.backends.sqlite3"


def is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def email_problem() -> Error | None:
    effect = LOCAL_EMAIL_BACKENDS.get(settings.EMAIL_BACKEND)
    if effect is None:
        return None
    return Error(
        f"The e-mail backend {effect}: patients' names, private links and password-reset "
        "links would stay on the server.",
        hint="Set EMAIL_HOST (and EMAIL_HOST_USER, EMAIL_HOST_PASSWORD) to an SMTP server.",
        id="klearmind.E001",
    )


def base_url_problem() -> Error | None:
    address = urlsplit(settings.BASE_URL)
    if not settings.BASE_URL:
        reason = "is not set"
    elif address.scheme not in {"http", "https"} or not address.hostname:
        reason = f"({settings.BASE_URL}) is not a web address"
    elif is_loopback(address.hostname):
        reason = f"({settings.BASE_URL}) is this machine's loopback address"
    else:
        return None
    return Error(
        f"BASE_URL {reason}: the links e-mailed to patients and staff would lead nowhere.",
        hint="Set BASE_URL to the address people reach the site on, e.g. https://clinic.example.",
        id="klearmind.E002",
    )


def cache_problem() -> Error | None:
    if all(cache["BACKEND"] != LOCAL_MEMORY_CACHE for cache in settings.CACHES.values()):
        return None
    return Error(
        "The cache is memory local to each process: every gunicorn worker keeps its own copy, "
        "so a page made private or edited stays served by the others until it expires.",
        hint="Set REDIS_URL (e.g. redis://127.0.0.1:6379/0).",
        id="klearmind.E003",
    )


def database_problem() -> Error | None:
    if settings.DATABASES["default"]["ENGINE"] != SQLITE or settings.ALLOW_SQLITE_IN_PRODUCTION:
        return None
    return Error(
        "The database is an SQLite file: it serves one machine, with one writer at a time.",
        hint="Set DATABASE_URL to PostgreSQL, or ALLOW_SQLITE_IN_PRODUCTION=1 if one server "
        "is meant.",
        id="klearmind.E004",
    )


@register("production")
def production_settings(app_configs=None, **kwargs) -> list[Error]:
    if not settings.PRODUCTION:
        return []
    problems = (email_problem(), base_url_problem(), cache_problem(), database_problem())
    return [problem for problem in problems if problem]
