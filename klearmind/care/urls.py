"""Public pages of the care app: the check-in questionnaire behind a private link."""

from django.urls import path

from . import checkin_views

app_name = "care"

urlpatterns = [
    path("mine/<int:pk>/", checkin_views.check_in, name="check_in"),
    path("<str:token>/", checkin_views.open_check_in, name="check_in_link"),
]
