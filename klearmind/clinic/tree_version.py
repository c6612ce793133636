"""One number that changes whenever the published page tree or the clinic settings change.

Cache entries derived from the tree (the menu and footer, the route from a URL to a page)
put it in their keys, so a change makes them unreachable at once instead of stale. The
signal handlers that bump it live in `pages.signals`.
"""

from django.core.cache import cache

VERSION_KEY = "pages:tree-version"


def current_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def bump_version(**kwargs) -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)


def cached_for_tree(key: str, build, timeout: int = 5 * 60):
    """The value `build()` returns, kept until the page tree changes (or `timeout` seconds,
    which bounds how stale another process's copy can be without a shared cache)."""
    versioned_key = f"{key}:{current_version()}"
    value = cache.get(versioned_key)
    if value is None:
        value = build()
        cache.set(versioned_key, value, timeout=timeout)
    return value
