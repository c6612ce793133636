"""The patient's consent pages at /consent/ (namespace consents)."""

from django.urls import path

from . import views

app_name = "consents"

urlpatterns = [
    path("", views.consent_list, name="list"),
    path("copies/<int:pk>/", views.copy, name="copy"),
    path("<slug:slug>/", views.sign, name="sign"),
]
