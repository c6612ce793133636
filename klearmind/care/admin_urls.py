"""The care back office at /admin/care/: patients and plans, charts, outcomes, needs
attention, the register, and the copies of a patient's record made on request,
consent documents."""

from .access import urls as access_urls
from .attention import urls as attention_urls
from .charts import urls as chart_urls
from .consents import admin_urls as consent_urls
from .outcomes import urls as outcome_urls
from .patients import urls as patient_urls
from .plans import urls as plan_urls
from .register import urls as register_urls

app_name = "care_admin"

urlpatterns = [
    *patient_urls.urlpatterns,
    *plan_urls.urlpatterns,
    *chart_urls.urlpatterns,
    *outcome_urls.urlpatterns,
    *attention_urls.urlpatterns,
    *register_urls.urlpatterns,
    *access_urls.urlpatterns,
    *consent_urls.urlpatterns,
]
