"""Public pages of the care app: the check-in questionnaire behind a private link."""

app_name = "care"

urlpatterns = []
