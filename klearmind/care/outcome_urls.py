"""Outcome screens of the care back office (namespace care_admin)."""

from django.urls import path

from . import outcome_views

urlpatterns = [
    path("outcomes/", outcome_views.dashboard, name="dashboard"),
    path("outcomes/csv/", outcome_views.dashboard_csv, name="dashboard_csv"),
    path("patients/<int:pk>/progress/", outcome_views.progress, name="progress"),
    path(
        "patients/<int:pk>/progress/summary/",
        outcome_views.progress_summary,
        name="progress_summary",
    ),
    path(
        "patients/<int:pk>/progress/check-in/",
        outcome_views.send_check_in,
        name="progress_check_in",
    ),
    path(
        "patients/<int:pk>/progress/reviewed/<int:measurement_pk>/",
        outcome_views.mark_reviewed,
        name="measurement_reviewed",
    ),
]
