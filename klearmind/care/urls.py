"""Public pages of the care app: the check-in questionnaire behind a private link."""

from .check_ins import urls as check_in_urls

app_name = "care"

urlpatterns = [
    *check_in_urls.urlpatterns,
]
