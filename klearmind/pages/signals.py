"""Cache purges, the only work signals do here: every change to the page tree (a saved page
included), to a page's privacy, or to anything a page shows from outside the tree (a snippet,
a setting, an image, a document, the site) moves the tree version on (see
`clinic.tree_version`) and makes every cached page stale (see `pages.page_cache`).

A delete is listened to only for the models a page shows: Django deletes the rows of a model
nobody listens to with one DELETE, but loads (and decrypts) each row of one that has a
listener, so a receiver for every model would make every cascade and every sweep's delete
read what it removes.
"""

from functools import cache

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move
from wagtail.snippets.models import SNIPPET_MODELS, get_snippet_models

from klearmind.clinic.models import ClinicSettings
from klearmind.clinic.tree_version import bump_version

from .models import SafetyNotice
from .page_cache import invalidate_site


def tree_changed(**kwargs) -> None:
    bump_version()
    after_commit_invalidate_site()


def after_commit_invalidate_site() -> None:
    # After the commit: a page rendered meanwhile from the old rows is stored as stale.
    transaction.on_commit(invalidate_site)


def page_saved(sender, **kwargs) -> None:
    # Django names the concrete class as the sender, so every page type arrives here. A saved
    # draft changes nothing readers see, but the cached site keeps its root page's content.
    if issubclass(sender, Page):
        tree_changed()


@cache
def shown_on_pages() -> frozenset:
    """Models outside the page tree whose rows a page may show: a change makes every cached
    page stale."""
    return frozenset(
        [*get_snippet_models(), *settings_registry, get_image_model(), get_document_model(), Site]
    )


@cache
def shown_in_fragments() -> frozenset:
    """Those of them that the cached fragments embed (see `pages.fragments`): a change moves the
    tree version on too. A comment settings row created on first use is not among them."""
    return frozenset([SafetyNotice, ClinicSettings, get_image_model(), get_document_model(), Site])


def content_changed(sender, **kwargs) -> None:
    if sender in shown_in_fragments():
        bump_version()
    if sender in shown_on_pages():
        after_commit_invalidate_site()


def connect_deletes() -> None:
    """The delete receivers, one per model a page shows. Snippets registered from
    `wagtail_hooks` are known once the hooks are loaded, so this runs again then (see
    `pages.wagtail_hooks`); the dispatch uid makes a second connection a no-op."""
    for sender in deleted_models():
        post_delete.connect(
            content_changed, sender=sender, dispatch_uid=f"page-cache-content-deleted-{sender}"
        )


def deleted_models() -> frozenset:
    """What `content_changed` acts on, as far as it is registered yet (not cached)."""
    return frozenset(
        [
            *SNIPPET_MODELS,  # not get_snippet_models(): it would load every app's hooks
            *settings_registry,
            *shown_in_fragments(),
            get_image_model(),
            get_document_model(),
            Site,
        ]
    )


def connect() -> None:
    post_save.connect(page_saved, dispatch_uid="tree-page-saved")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(tree_changed, dispatch_uid=f"tree-version-{id(signal)}")
    for sender in (Page, PageViewRestriction):
        post_delete.connect(tree_changed, sender=sender, dispatch_uid=f"tree-deleted-{sender}")
    post_save.connect(tree_changed, sender=PageViewRestriction, dispatch_uid="tree-restricted")
    post_save.connect(content_changed, dispatch_uid="page-cache-content-saved")
    connect_deletes()
