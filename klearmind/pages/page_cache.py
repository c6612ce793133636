"""Whole published pages kept for anonymous readers and answered before Django starts.

`PageCacheMiddleware` (first in MIDDLEWARE, so it sees every header the rest of the stack
adds) stores the 200 response of a live, public Wagtail page rendered for a visitor whose
cookies cannot change it. `PageCacheApplication` wraps the WSGI application and answers the
next identical request from the cache without entering Django; everything else goes to
Django untouched. Each entry carries the site generation (any publish, move, snippet or
setting change) and its page's generation (its comments) as they were before the page was
rendered, so a change makes every older copy unreachable at once. See docs/decisions/014.
"""

import hashlib
import logging
import time
import uuid
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    set_response_etag,
)
from django.utils.http import http_date, parse_etags, parse_http_date_safe

logger = logging.getLogger(__name__)

SITE_KEY = "page-cache:site"
CACHE_HEADER = "X-Cache"
# What a 304 repeats from the full response (RFC 9110, section 15.4.5).
NOT_MODIFIED_HEADERS = {"cache-control", "etag", "expires", "last-modified", "vary"}
# Preconditions the cache leaves to Django: rare on pages, and they need the full rules.
RARE_PRECONDITIONS = ("HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE")


class Entry(NamedTuple):
    generations: tuple[str, str]
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str
    last_modified: int


# Which requests the cache may answer.


def request_url(environ) -> str | None:
    """The address this request is answered from the cache under, or None."""
    return cacheable_url(environ) if settings.PAGE_CACHE_SECONDS else None


def cacheable_url(environ) -> str | None:
    """The address a request for a public page is cached under, or None when its answer may
    depend on the visitor: not a read, a cookie that may change the page (a session, messages,
    the comment writer's details), or a query string other than the comment page number."""
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return None
    query = environ.get("QUERY_STRING", "")
    if query and not is_comment_page_query(query):
        return None
    host = request_host(environ)
    if not host or not only_harmless_cookies(environ.get("HTTP_COOKIE", "")):
        return None
    return f"{request_scheme(environ)}://{host}{environ.get('PATH_INFO', '')}?{query}"


def is_comment_page_query(query: str) -> bool:
    name, _, number = query.partition("=")
    return name == "cpage" and number.isdigit() and len(number) < 7


def only_harmless_cookies(header: str) -> bool:
    # The CSRF cookie alone never changes a page the cache stores: those carry no token.
    names = {part.split("=", 1)[0].strip() for part in header.split(";")}
    return names <= {"", settings.CSRF_COOKIE_NAME}


def request_host(environ) -> str:
    # Raw, as sent: only a host Django accepted ever has an entry to find.
    host = (
        environ.get("HTTP_HOST")
        or f"{environ.get('SERVER_NAME', '')}:{environ.get('SERVER_PORT', '')}"
    )
    return host.lower()


def request_scheme(environ) -> str:
    """The scheme as Django's `request.scheme` reads it, so an http request behind a TLS
    proxy is never answered with the https copy (and its redirect skipped)."""
    if settings.SECURE_PROXY_SSL_HEADER:
        header, secure_value = settings.SECURE_PROXY_SSL_HEADER
        value = environ.get(header)
        if value is not None:
            return "https" if value.split(",", 1)[0].strip() == secure_value else "http"
    return environ.get("wsgi.url_scheme", "http")


# Keys and generations.


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "backslashreplace")).hexdigest()


def entry_key(url: str) -> str:
    return f"page-cache:entry:{digest(url)}"


def page_key(path: str) -> str:
    # By path, not id, so a hit needs one round trip to the cache; the same path on two
    # sites shares it, which only ever makes a copy stale early.
    return f"page-cache:page:{digest(path)}"


def invalidate_site(**kwargs) -> None:
    """Every cached page is stale (a signal handler: page tree, snippets, settings)."""
    cache.set(SITE_KEY, uuid.uuid4().hex, timeout=None)


def invalidate_path(path: str) -> None:
    """Every cached copy of the page at `path` (each comment page) is stale."""
    cache.set(page_key(path), uuid.uuid4().hex, timeout=None)


def current_generations(path: str) -> tuple[str, str]:
    keys = (SITE_KEY, page_key(path))
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, uuid.uuid4().hex, timeout=None)
            found[key] = cache.get(key)
    return found[SITE_KEY], found[keys[1]]


# Answering from the cache.


def cached_entry(environ) -> Entry | None:
    url = request_url(environ)
    if url is None or any(header in environ for header in RARE_PRECONDITIONS):
        return None
    keys = (entry_key(url), SITE_KEY, page_key(environ.get("PATH_INFO", "")))
    try:
        found = cache.get_many(keys)
    except Exception:  # the cache server is down: Django answers, and /healthz says so
        logger.warning("Page cache unreachable; passing the request to Django", exc_info=True)
        return None
    entry = found.get(keys[0])
    if entry is None or entry.generations != (found.get(keys[1]), found.get(keys[2])):
        return None
    return entry


def is_not_modified(environ, entry: Entry) -> bool:
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match:
        etags = parse_etags(if_none_match)
        return "*" in etags or entry.etag.removeprefix("W/") in {
            tag.removeprefix("W/") for tag in etags
        }
    since = environ.get("HTTP_IF_MODIFIED_SINCE")
    since = parse_http_date_safe(since) if since else None
    return since is not None and entry.last_modified <= since


def reply(environ, entry: Entry) -> tuple[str, list[tuple[str, str]], bytes]:
    """Status, headers and body answering this request from `entry`."""
    if is_not_modified(environ, entry):
        headers = [
            (name, value) for name, value in entry.headers if name.lower() in NOT_MODIFIED_HEADERS
        ]
        return "304 Not Modified", [*headers, (CACHE_HEADER, "HIT")], b""
    headers = [*entry.headers, ("Content-Length", str(len(entry.body))), (CACHE_HEADER, "HIT")]
    body = b"" if environ.get("REQUEST_METHOD") == "HEAD" else entry.body
    return "200 OK", headers, body


class PageCacheApplication:
    """The WSGI application with cache hits answered in front of it."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        entry = cached_entry(environ)
        if entry is None:
            return self.application(environ, start_response)
        status, headers, body = reply(environ, entry)
        start_response(status, headers)
        return [body]


# Storing what Django rendered.


def offer(request, page) -> None:
    """Called as Wagtail serves `page`: a live page may be stored if the response turns out to
    depend on nothing about the visitor. A page behind a password or a sign-in is not even
    checked here: without a session cookie its visitor never gets it with a 200."""
    if page.live:
        request.page_cache_offered = True


def confirm_comment_page(request) -> None:
    """Called by the comment section when `?cpage=` named the page of comments it shows: only
    then is that copy kept, so made-up numbers cannot fill the cache with copies of one page."""
    request.page_cache_comment_page = True


def is_public(request, response) -> bool:
    """A page anyone could have been sent: a Wagtail page offered to the cache and rendered
    for a GET with no CSRF token handed out, no cookie set and nothing private.

    Every page reads the session (the Wagtail user bar asks who is signed in), so every page
    says `Vary: Cookie`; only requests without a session cookie reach here, and for them the
    session is empty."""
    cache_control = response.get("Cache-Control", "")
    return (
        getattr(request, "page_cache_offered", False)
        and (
            not request.META.get("QUERY_STRING")
            or getattr(request, "page_cache_comment_page", False)
        )
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
    )


def depends_on_visitor(request, response) -> bool:
    return bool(
        getattr(request, "page_cache_offered", False)
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or response.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def mark_public(response) -> None:
    """Headers that let a browser revalidate every time and a shared cache keep the page for
    a short while (it may not hear of a change before then unless it is purged)."""
    patch_cache_control(
        response, public=True, max_age=0, s_maxage=settings.PAGE_CACHE_PROXY_SECONDS
    )
    set_response_etag(response)
    response["Last-Modified"] = http_date()


def store(url: str, generations: tuple[str, str], response) -> None:
    entry = Entry(
        generations=generations,
        headers=tuple(
            (name, value) for name, value in response.items() if name != "Content-Length"
        ),
        body=response.content,
        etag=response["ETag"],
        last_modified=parse_http_date_safe(response["Last-Modified"]) or int(time.time()),
    )
    cache.set(entry_key(url), entry, timeout=settings.PAGE_CACHE_SECONDS)


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        url = cacheable_url(request.META)
        # Read before rendering: a change made meanwhile leaves this copy stale, not current.
        storing = url is not None and request.method == "GET" and settings.PAGE_CACHE_SECONDS
        generations = self.generations(request) if storing else None
        response = self.get_response(request)
        if url is not None and is_public(request, response):
            return self.public(request, response, url, generations)
        if "Cache-Control" not in response and depends_on_visitor(request, response):
            patch_cache_control(response, private=True, no_cache=True)
        return response

    @staticmethod
    def generations(request) -> tuple[str, str] | None:
        try:
            return current_generations(request.META["PATH_INFO"])
        except Exception:  # the cache server is down: render, store nothing
            logger.warning("Page cache unreachable; not storing", exc_info=True)
            return None

    @staticmethod
    def public(request, response, url: str, generations):
        mark_public(response)
        if generations is not None:
            store(url, generations, response)
            response[CACHE_HEADER] = "MISS"
        return get_conditional_response(
            request,
            etag=response["ETag"],
            last_modified=parse_http_date_safe(response["Last-Modified"]),
            response=response,
        )
