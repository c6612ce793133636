"""Cache purges, the only work signals do here: a comment change a reader can see makes its
page's cached comment listings unreachable and the cached copies of the page stale; a change to
the comment settings makes every page's listings unreachable (the comment settings are a
setting, so `pages.signals` makes every cached page stale for them). A comment held for
moderation, however many arrive, leaves the page's listing cached."""

from django.db.models.signals import post_delete, post_save

from .caching import forget_pages_after_commit, invalidate, invalidate_page
from .models import Comment, CommentSettings, CommentStatus


def settings_changed(created: bool, **kwargs) -> None:
    # The settings row is created on first use, before anything could be cached with it.
    if not created:
        invalidate()


def comment_saved(instance: Comment, created: bool, update_fields, **kwargs) -> None:
    # A comment nobody can read yet (new, waiting for moderation, threaded) changes nothing a
    # reader sees; one that is or was approved, or saved whole by an editor, may.
    unseen_change = created or (update_fields is not None and "status" not in update_fields)
    if instance.status == CommentStatus.APPROVED or not unseen_change:
        invalidate_page(instance.page_id)
        forget_pages_after_commit([instance.page_id])


def comment_deleted(instance: Comment, **kwargs) -> None:
    invalidate_page(instance.page_id)
    forget_pages_after_commit([instance.page_id])


def connect() -> None:
    post_save.connect(comment_saved, sender=Comment, dispatch_uid="comment-page-saved")
    post_delete.connect(comment_deleted, sender=Comment, dispatch_uid="comment-page-deleted")
    post_save.connect(settings_changed, sender=CommentSettings, dispatch_uid="settings-saved")
    post_delete.connect(invalidate, sender=CommentSettings, dispatch_uid="settings-deleted")
