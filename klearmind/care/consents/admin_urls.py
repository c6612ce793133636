"""Back-office screens of consent documents (namespace care_admin)."""

from django.urls import path

from . import admin_views as views

urlpatterns = [
    path("consents/", views.document_list, name="consents"),
    path("consents/new/", views.document_create, name="consent_create"),
    path("consents/<int:pk>/", views.document_detail, name="consent"),
    path("consents/<int:pk>/edit/", views.document_edit, name="consent_edit"),
    path("consents/<int:pk>/publish/", views.publish, name="consent_publish"),
    path("consents/versions/<int:pk>/", views.version_detail, name="consent_version"),
    path("consents/signatures/<int:pk>/copy/", views.signature_copy, name="consent_copy"),
    path("patients/<int:pk>/consents/", views.patient_consents, name="patient_consents"),
    path("patients/<int:pk>/consents/<slug:slug>/", views.witness, name="consent_witness"),
    path(
        "patients/<int:pk>/consents/<slug:slug>/declined/",
        views.record_declined,
        name="consent_decline",
    ),
]
