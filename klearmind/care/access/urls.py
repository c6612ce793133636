"""The staff's copies of a patient's whole record (namespace care_admin)."""

from django.urls import path

from . import views

urlpatterns = [
    path("patients/<int:pk>/record.json", views.record_json, name="record_json"),
    path("patients/<int:pk>/record.fhir.json", views.record_fhir, name="record_fhir"),
    path("patients/<int:pk>/record/summary/", views.record_summary, name="record_summary"),
]
