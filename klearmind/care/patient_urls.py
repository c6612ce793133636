"""Patient screens of the care back office (namespace care_admin)."""

from django.urls import path

from . import patient_views

urlpatterns = [
    path("", patient_views.patient_list, name="patients"),
    path("patients/<int:pk>/", patient_views.detail, name="patient"),
]
