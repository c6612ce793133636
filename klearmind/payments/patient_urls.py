"""The patient's payment steps, in English and under /es/ (klearmind/urls.py)."""

from django.urls import path

from . import patient

app_name = "pay"
urlpatterns = [
    path("visit/<int:pk>/deposit/", patient.deposit, name="deposit"),
]
