"""The published comments of a page, rendered once and kept in the cache until any comment or
the comment settings change (see `comments.signals`). Readers then cost no query at all."""

import uuid

from django.core.cache import cache

GENERATION_KEY = "comments:generation"
TIMEOUT = 5 * 60  # bounds how stale another process's local-memory copy can be


def generation() -> str:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        value = cache.get(GENERATION_KEY, "")
    return value


def invalidate(**kwargs) -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def remembered(key: str, build):
    """`build()`, or its value from the cache while no comment has changed."""
    return cache.get_or_set(f"comments:{generation()}:{key}", build, timeout=TIMEOUT)
