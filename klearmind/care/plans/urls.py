"""Treatment plan screens of the care back office (namespace care_admin)."""

from django.urls import path

from . import views

urlpatterns = [
    path("patients/<int:pk>/plans/new/", views.plan_create, name="plan_create"),
    path("patients/<int:pk>/plans/<int:plan_pk>/end/", views.plan_end, name="plan_end"),
]
