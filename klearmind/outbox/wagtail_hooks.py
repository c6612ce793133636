from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_urls
from .admin_views import VIEW


class OutboxMenuItem(MenuItem):
    """Shown to the owner, the one role given the outbox's permission."""

    def is_shown(self, request):
        return request.user.has_perm(VIEW)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("outbox/", include(admin_urls, namespace="outbox_admin"))]


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return OutboxMenuItem(
        "Outgoing messages",
        reverse("outbox_admin:listing"),
        name="outbox",
        icon_name="mail",
        order=950,
    )
