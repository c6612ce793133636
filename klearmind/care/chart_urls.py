"""Chart screens of the care back office (namespace care_admin)."""

from django.urls import path

from . import chart_views

urlpatterns = [
    path("today/", chart_views.today, name="today"),
    path("today/<int:appointment_pk>/open/", chart_views.open_for_visit, name="open_chart"),
    path("charts/<int:pk>/", chart_views.chart, name="chart"),
    path("charts/<int:pk>/<slug:section>/", chart_views.chart_section, name="chart_section"),
    path("rems/", chart_views.rems_due, name="rems_due"),
    path("rems/<int:pk>/submitted/", chart_views.rems_submitted, name="rems_submitted"),
]
