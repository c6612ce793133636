"""Chart screens of the care back office (namespace care_admin)."""

from django.urls import path

from . import views

urlpatterns = [
    path("today/", views.today, name="today"),
    path("today/<int:appointment_pk>/open/", views.open_for_visit, name="open_chart"),
    path("charts/<int:pk>/", views.chart, name="chart"),
    path("charts/<int:pk>/<slug:section>/", views.chart_section, name="chart_section"),
    path("rems/", views.rems_due, name="rems_due"),
    path("rems/<int:pk>/submitted/", views.rems_submitted, name="rems_submitted"),
]
