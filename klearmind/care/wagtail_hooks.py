from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_urls
from .attention.services import open_flags_of_request
from .models import Protocol

HEALTH = "accounts.view_health_record"


class HealthMenuItem(MenuItem):
    """Shown only to those who may read health records: clinicians and the owner."""

    def is_shown(self, request):
        return request.user.has_perm(HEALTH)


class ConsentMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("care.view_consentdocument")


class AttentionMenuItem(HealthMenuItem):
    """Needs attention, with the number of flags open."""

    def render_component(self, request):
        count = len(open_flags_of_request(request))
        label = f"{self.label} ({count})" if count else self.label
        return LinkMenuItem(self.name, label, self.url, icon_name=self.icon_name)


class CareSubmenu(SubmenuMenuItem):
    def is_shown(self, request):
        return request.user.has_perm(HEALTH)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("care/", include(admin_urls, namespace="care_admin"))]


def care_menu_items():
    return [
        AttentionMenuItem(
            "Needs attention",
            reverse("care_admin:attention"),
            name="attention",
            icon_name="warning",
            order=5,
        ),
        HealthMenuItem("Patients", reverse("care_admin:patients"), icon_name="user", order=10),
        HealthMenuItem("Outcomes", reverse("care_admin:dashboard"), icon_name="table", order=40),
        HealthMenuItem(
            "Today's treatments", reverse("care_admin:today"), icon_name="date", order=20
        ),
        HealthMenuItem(
            "REMS forms due", reverse("care_admin:rems_due"), icon_name="warning", order=30
        ),
        HealthMenuItem(
            "Controlled substances", reverse("care_admin:register"), icon_name="list-ul", order=35
        ),
        ConsentMenuItem(
            "Consent documents", reverse("care_admin:consents"), icon_name="form", order=45
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return CareSubmenu(
        "Care", Menu(items=care_menu_items()), name="care", icon_name="doc-full", order=230
    )


class ProtocolViewSet(SnippetViewSet):
    model = Protocol
    icon = "list-ol"
    menu_label = "Treatment protocols"
    list_display = ["name", "medicine", "dose_mg_per_kg", "sessions", "active"]
    add_to_admin_menu = False


register_snippet(ProtocolViewSet)
