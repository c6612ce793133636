"""Patient screens of the care back office (namespace care_admin)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.patient_list, name="patients"),
    path("patients/new/", views.create, name="patient_create"),
    path(
        "patients/from-questionnaire/<int:submission_pk>/",
        views.open_from_questionnaire,
        name="patient_from_questionnaire",
    ),
    path("patients/<int:pk>/", views.detail, name="patient"),
    path("patients/<int:pk>/edit/", views.edit, name="patient_edit"),
    path("patients/<int:pk>/note/", views.add_note, name="patient_note"),
    path("patients/<int:pk>/scores/new/", views.scores_add, name="scores_add"),
]
