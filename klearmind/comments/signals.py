"""Cache purges, the only work signals do here: any saved or deleted comment, or a change to
the comment settings, makes every cached comment listing unreachable; a change a reader can
see makes the cached copies of its page stale (the comment settings are a setting, so
`pages.signals` makes every cached page stale for them)."""

from django.db.models.signals import post_delete, post_save

from .caching import forget_pages_after_commit, invalidate
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
        forget_pages_after_commit([instance.page_id])


def comment_deleted(instance: Comment, **kwargs) -> None:
    forget_pages_after_commit([instance.page_id])


def connect() -> None:
    post_save.connect(comment_saved, sender=Comment, dispatch_uid="comment-page-saved")
    post_delete.connect(comment_deleted, sender=Comment, dispatch_uid="comment-page-deleted")
    post_save.connect(invalidate, sender=Comment, dispatch_uid="comments-saved")
    post_save.connect(settings_changed, sender=CommentSettings, dispatch_uid="settings-saved")
    for sender in (Comment, CommentSettings):
        post_delete.connect(invalidate, sender=sender, dispatch_uid=f"comments-deleted-{sender}")
