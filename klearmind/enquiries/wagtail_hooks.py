from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_urls
from .admin_views import VIEW


class EnquiriesMenuItem(MenuItem):
    """Shown to whoever may read enquiries: the front desk, clinicians and the owner."""

    def is_shown(self, request):
        return request.user.has_perm(VIEW)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("enquiries/", include(admin_urls, namespace="enquiries_admin"))]


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return EnquiriesMenuItem(
        "Enquiries",
        reverse("enquiries_admin:listing"),
        name="enquiries",
        icon_name="mail",
        order=230,
    )
