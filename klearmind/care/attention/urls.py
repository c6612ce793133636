"""Needs attention screens of the care back office (namespace care_admin)."""

from django.urls import path

from . import views

urlpatterns = [
    path("attention/", views.attention_list, name="attention"),
    path("attention/history/", views.history, name="attention_history"),
    path(
        "attention/<slug:source>/<str:object_id>/review/",
        views.review,
        name="attention_review",
    ),
]
