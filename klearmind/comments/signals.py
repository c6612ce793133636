"""Cache purges, the only work signals do here: any saved or deleted comment, or a change to
the comment settings, makes every cached comment listing unreachable."""

from django.db.models.signals import post_delete, post_save

from .caching import invalidate
from .models import Comment, CommentSettings


def settings_changed(created: bool, **kwargs) -> None:
    # The settings row is created on first use, before anything could be cached with it.
    if not created:
        invalidate()


def connect() -> None:
    post_save.connect(invalidate, sender=Comment, dispatch_uid="comments-saved")
    post_save.connect(settings_changed, sender=CommentSettings, dispatch_uid="settings-saved")
    for sender in (Comment, CommentSettings):
        post_delete.connect(invalidate, sender=sender, dispatch_uid=f"comments-deleted-{sender}")
