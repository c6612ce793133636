from django.contrib.auth.models import Permission
from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem

from . import admin_urls
from .models import Comment


class CommentsMenuItem(MenuItem):
    """The queue's menu entry, with the number of comments waiting for moderation."""

    def is_shown(self, request):
        return request.user.has_perm("comments.view_comment")

    def render_component(self, request):
        pending = Comment.objects.pending().count()
        label = f"Comments ({pending})" if pending else self.label
        return LinkMenuItem(self.name, label, self.url, icon_name=self.icon_name)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("comments/", include(admin_urls, namespace="comments_admin"))]


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return CommentsMenuItem(
        "Comments", reverse("comments_admin:queue"), name="comments", icon_name="comment", order=250
    )


@hooks.register("register_permissions")
def register_permissions():
    return Permission.objects.filter(
        content_type__app_label="comments",
        codename__in=[
            "view_comment",
            "change_comment",
            "delete_comment",
            "moderate_comment",
        ],
    )
