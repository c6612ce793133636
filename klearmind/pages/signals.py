"""Cache purges, the only work signals do here: every change to the published page tree, to a
page's privacy, or to the clinic settings moves the tree version on (see `pages.tree_version`).
"""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from .models import ClinicSettings
from .tree_version import bump_version


def connect() -> None:
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(bump_version, dispatch_uid=f"tree-version-{id(signal)}")
    for sender in (Page, PageViewRestriction):
        post_delete.connect(bump_version, sender=sender, dispatch_uid=f"tree-deleted-{sender}")
    for sender in (PageViewRestriction, ClinicSettings):
        post_save.connect(bump_version, sender=sender, dispatch_uid=f"tree-saved-{sender}")
