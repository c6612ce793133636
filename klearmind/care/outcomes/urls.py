"""Outcome screens of the care back office (namespace care_admin)."""

from django.urls import path

from . import views

urlpatterns = [
    path("outcomes/", views.dashboard, name="dashboard"),
    path("outcomes/csv/", views.dashboard_csv, name="dashboard_csv"),
    path("patients/<int:pk>/progress/", views.progress, name="progress"),
    path(
        "patients/<int:pk>/progress/summary/",
        views.progress_summary,
        name="progress_summary",
    ),
    path(
        "patients/<int:pk>/progress/check-in/",
        views.send_check_in,
        name="progress_check_in",
    ),
    path(
        "patients/<int:pk>/progress/reviewed/<int:measurement_pk>/",
        views.mark_reviewed,
        name="measurement_reviewed",
    ),
]
