from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import admin_urls
from .models import Closure, Location, Provider, Service, TimeOff


class CalendarMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("accounts.manage_appointments")


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("booking/", include(admin_urls, namespace="booking_admin"))]


class ScheduleMenuItem(MenuItem):
    # Clinicians and the owner: a permission check, so no query on every admin page.
    def is_shown(self, request):
        return request.user.has_perm("accounts.manage_appointments") and request.user.has_perm(
            "accounts.view_health_record"
        )


@hooks.register("register_admin_menu_item")
def register_schedule_menu_item():
    return ScheduleMenuItem(
        "My schedule",
        reverse("booking_admin:my_schedule"),
        name="my-schedule",
        icon_name="time",
        order=241,
    )


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return CalendarMenuItem(
        "Appointments",
        reverse("booking_admin:calendar"),
        name="appointments",
        icon_name="date",
        order=240,
    )


class ServiceViewSet(SnippetViewSet):
    model = Service
    icon = "list-ul"
    list_display = ["name", "kind", "duration_minutes", "price", "online_booking", "active"]
    list_filter = ["kind", "online_booking", "active"]


class LocationViewSet(SnippetViewSet):
    model = Location
    icon = "site"
    list_display = ["page", "chairs", "travel_buffer_minutes", "time_zone"]


class ClosureViewSet(SnippetViewSet):
    model = Closure
    icon = "warning"
    list_display = ["reason", "location", "starts_on", "ends_on"]
    list_filter = ["location"]


class ProviderViewSet(SnippetViewSet):
    model = Provider
    icon = "user"
    list_display = ["name", "active"]


class TimeOffViewSet(SnippetViewSet):
    model = TimeOff
    icon = "time"
    list_display = ["provider", "starts_at", "ends_at", "reason"]
    list_filter = ["provider"]


class BookingSetupGroup(SnippetViewSetGroup):
    menu_label = "Booking setup"
    menu_icon = "date"
    menu_order = 245
    items = (ServiceViewSet, LocationViewSet, ClosureViewSet, ProviderViewSet, TimeOffViewSet)


register_snippet(BookingSetupGroup)
