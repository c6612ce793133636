"""The care back office at /admin/care/: patients and plans, charts, outcomes, needs attention."""

from . import attention_urls, chart_urls, outcome_urls, patient_urls

app_name = "care_admin"

urlpatterns = [
    *patient_urls.urlpatterns,
    *chart_urls.urlpatterns,
    *outcome_urls.urlpatterns,
    *attention_urls.urlpatterns,
]
