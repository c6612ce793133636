"""Needs attention screens of the care back office (namespace care_admin)."""

from django.urls import path

from . import attention_views

urlpatterns = [
    path("attention/", attention_views.attention_list, name="attention"),
    path("attention/history/", attention_views.history, name="attention_history"),
    path(
        "attention/<slug:source>/<str:object_id>/review/",
        attention_views.review,
        name="attention_review",
    ),
]
