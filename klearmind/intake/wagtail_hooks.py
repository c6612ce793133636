from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_urls


class IntakeMenuItem(MenuItem):
    """Shown to whoever may open the queue: clinicians, the front desk and the owner."""

    def is_shown(self, request):
        return request.user.has_perm("accounts.view_patient_contact")


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("intake/", include(admin_urls, namespace="intake_admin"))]


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return IntakeMenuItem(
        "Candidacy questionnaires",
        reverse("intake_admin:queue"),
        name="intake",
        icon_name="form",
        order=240,
    )
