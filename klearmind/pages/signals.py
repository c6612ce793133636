"""Cache purges, the only work signals do here: every change to the published page tree, to a
page's privacy, to the clinic settings, or to a snippet, image or document that a page body
shows moves the tree version on (see `pages.tree_version`).
"""

from django.db.models.signals import post_delete, post_save
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from .models import ClinicSettings, SafetyNotice
from .tree_version import bump_version


def page_saved(sender, **kwargs) -> None:
    # Django names the concrete class as the sender, so every page type arrives here. A saved
    # draft changes nothing readers see, but the cached site keeps its root page's content.
    if issubclass(sender, Page):
        bump_version()


def connect() -> None:
    post_save.connect(page_saved, dispatch_uid="tree-page-saved")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(bump_version, dispatch_uid=f"tree-version-{id(signal)}")
    # What a rendered page body embeds or links to (see `pages.fragments`).
    shown_in_bodies = (SafetyNotice, get_image_model(), get_document_model())
    for sender in (Page, PageViewRestriction, Site, *shown_in_bodies):
        post_delete.connect(bump_version, sender=sender, dispatch_uid=f"tree-deleted-{sender}")
    for sender in (PageViewRestriction, Site, ClinicSettings, *shown_in_bodies):
        post_save.connect(bump_version, sender=sender, dispatch_uid=f"tree-saved-{sender}")
