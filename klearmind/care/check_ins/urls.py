"""The check-in questionnaire behind a private link (namespace care)."""

from django.urls import path

from . import views

urlpatterns = [
    path("mine/<int:pk>/", views.check_in, name="check_in"),
    path("<str:token>/", views.open_check_in, name="check_in_link"),
]
