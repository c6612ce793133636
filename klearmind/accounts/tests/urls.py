"""The project's URLs plus one view of health information, as the intake and care apps add."""

from django.http import HttpResponse
from django.urls import path

from klearmind.accounts.access import protected_view
from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record
from klearmind.urls import urlpatterns as project_urlpatterns


@protected_view("accounts.view_health_record")
def questionnaire(request, pk):
    record(
        action=AuditEvent.Action.VIEW,
        request=request,
        target_type="intake.submission",
        target_id=str(pk),
    )
    return HttpResponse(f"Questionnaire {pk}: PHQ-9 total 14")


QUESTIONNAIRE_PATH = "/admin/health-test/questionnaires/7/"
urlpatterns = [
    path("admin/health-test/questionnaires/<int:pk>/", questionnaire),
    *project_urlpatterns,
]
