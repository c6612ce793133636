"""Patient screens of the care back office (namespace care_admin)."""

from django.urls import path

from . import patient_views

urlpatterns = [
    path("", patient_views.patient_list, name="patients"),
    path("patients/new/", patient_views.create, name="patient_create"),
    path(
        "patients/from-questionnaire/<int:submission_pk>/",
        patient_views.open_from_questionnaire,
        name="patient_from_questionnaire",
    ),
    path("patients/<int:pk>/", patient_views.detail, name="patient"),
    path("patients/<int:pk>/edit/", patient_views.edit, name="patient_edit"),
    path("patients/<int:pk>/note/", patient_views.add_note, name="patient_note"),
    path("patients/<int:pk>/scores/new/", patient_views.scores_add, name="scores_add"),
    path("patients/<int:pk>/plans/new/", patient_views.plan_create, name="plan_create"),
    path("patients/<int:pk>/plans/<int:plan_pk>/end/", patient_views.plan_end, name="plan_end"),
]
