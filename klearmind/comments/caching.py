"""The published comments of a page, rendered once and kept in the cache until one of that
page's comments or the comment settings change (see `comments.signals`). Readers then cost no
query at all, and a comment on one article leaves every other article's listing cached."""

import math
import uuid
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache
from wagtail.models import Page

from klearmind.pages.page_cache import invalidate_path

from .models import Comment, CommentSettings

GENERATION_KEY = "comments:generation"
TIMEOUT = 5 * 60  # bounds how stale another process's local-memory copy can be


def page_generation_key(page_id: int) -> str:
    return f"comments:generation:page:{page_id}"


def generations(*keys: str) -> str:
    """The current value of each generation key, made on first use; one round trip when
    they all exist."""
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, uuid.uuid4().hex, timeout=None)
            found[key] = cache.get(key, "")
    return ":".join(found[key] for key in keys)


def invalidate(**kwargs) -> None:
    """Every cached listing is stale: the settings changed, or comments on many pages did."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def invalidate_page(page_id: int) -> None:
    """The cached listings of this one page are stale."""
    cache.set(page_generation_key(page_id), uuid.uuid4().hex, timeout=None)


def remembered(key: str, build, *, page_id: int | None = None):
    """`build()`, or its value from the cache while nothing it shows has changed: the comment
    settings, and with `page_id` the comments of that page."""
    keys = (GENERATION_KEY,) if page_id is None else (GENERATION_KEY, page_generation_key(page_id))
    return cache.get_or_set(f"comments:{generations(*keys)}:{key}", build, timeout=TIMEOUT)


def forget_page(page_id: int) -> None:
    """Every cached copy of this page (each comment page), in the app's page cache and in a
    proxy or CDN in front of it, is stale. Call it once the comment change is committed."""
    page = Page.objects.filter(pk=page_id).first()
    url_parts = page.get_url_parts() if page else None
    if url_parts is None:
        return
    invalidate_path(url_parts[2])
    if settings.WAGTAILFRONTENDCACHE:
        purge_urls_from_cache(comment_page_urls(page))


def comment_page_urls(page) -> list[str]:
    """The page's address and the address of each of its pages of comments."""
    url = page.get_full_url()
    per_page = max(CommentSettings.load().per_page, 1)
    threads = Comment.objects.on(page).approved().top_level().count()
    pages = max(math.ceil(threads / per_page), 1)
    return [url, *(f"{url}?cpage={number}" for number in range(1, pages + 1))]


def forget_pages_after_commit(page_ids) -> None:
    for page_id in set(page_ids):
        transaction.on_commit(partial(forget_page, page_id))
