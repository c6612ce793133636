import pytest
from django.test import Client

from klearmind.audit.models import AuditEvent

from .factories import sign_in, staff
from .urls import QUESTIONNAIRE_PATH

pytestmark = [pytest.mark.django_db, pytest.mark.urls("klearmind.accounts.tests.urls")]

ROLES = ("Owner", "Clinician", "Front desk", "Editor", "Moderator")

# Every protected screen there is so far, and exactly the roles that may open it.
# The intake, booking and care apps add their own rows.
PROTECTED = {
    QUESTIONNAIRE_PATH: {"Owner", "Clinician"},
    "/admin/security/locked-logins/": {"Owner"},
    "/admin/audit-log/": {"Owner"},
    "/admin/comments/": {"Owner", "Moderator"},
    "/admin/settings/comments/commentsettings/": {"Owner", "Moderator"},
    "/admin/users/": {"Owner"},
    "/admin/groups/": {"Owner"},
    "/admin/settings/clinic/clinicsettings/": {"Owner", "Editor"},
    "/admin/snippets/pages/safetynotice/": {"Owner", "Editor"},
    "/admin/redirects/": {"Owner", "Editor"},
    "/admin/images/": {"Owner", "Editor"},
    "/admin/documents/": {"Owner", "Editor"},
    "/admin/intake/": {"Owner", "Clinician", "Front desk"},
    "/admin/enquiries/": {"Owner", "Clinician", "Front desk"},
    "/admin/enquiries/csv/": {"Owner"},
    "/admin/intake/settings/": {"Owner", "Clinician"},
    "/admin/booking/": {"Owner", "Clinician", "Front desk"},
    "/admin/booking/day-sheet/": {"Owner", "Clinician", "Front desk"},
    "/admin/booking/book/": {"Owner", "Clinician", "Front desk"},
    "/admin/booking/invitations/": {"Owner", "Clinician"},
    "/admin/snippets/booking/service/": {"Owner"},
    "/admin/snippets/booking/location/": {"Owner"},
    "/admin/snippets/booking/provider/": {"Owner"},
    "/admin/snippets/booking/closure/": {"Owner", "Front desk"},
    "/admin/snippets/booking/timeoff/": {"Owner", "Front desk"},
    "/admin/care/": {"Owner", "Clinician"},
    "/admin/settings/care/caresettings/": {"Owner", "Clinician"},
    "/admin/care/outcomes/": {"Owner", "Clinician"},
    "/admin/care/outcomes/csv/": {"Owner", "Clinician"},
    "/admin/care/today/": {"Owner", "Clinician"},
    "/admin/care/rems/": {"Owner", "Clinician"},
    "/admin/snippets/care/protocol/": {"Owner", "Clinician"},
    "/admin/care/consents/": {"Owner", "Clinician"},
    "/admin/care/consents/new/": {"Owner", "Clinician"},
}
BACK_OFFICE = ["/admin/", "/admin/pages/", "/admin/security/", *PROTECTED]


def opens(client, url) -> bool:
    """The screen itself answered, not a refusal or a bounce back to the dashboard."""
    response = client.get(url, follow=True)
    return response.status_code == 200 and response.request["PATH_INFO"].startswith(url)


@pytest.mark.parametrize("url", BACK_OFFICE)
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", list(PROTECTED))
def test_each_role_opens_exactly_its_screens(client, role, url):
    sign_in(client, staff(role))
    assert opens(client, url) is (role in PROTECTED[url]), f"{role} on {url}"


def test_front_desk_opening_a_questionnaire_gets_403_and_an_audit_entry(client):
    desk = staff("Front desk")
    sign_in(client, desk)
    response = client.get(QUESTIONNAIRE_PATH)
    assert response.status_code == 403
    assert b"PHQ-9" not in response.content
    assert b"The attempt has been written to the audit log." in response.content
    event = AuditEvent.objects.get(action=AuditEvent.Action.PERMISSION_DENIED)
    assert event.actor == desk
    assert event.detail == "needs accounts.view_health_record"


def test_a_refusal_names_the_screen_and_the_record_the_address_asked_for(client):
    sign_in(client, staff("Front desk"))
    assert client.get("/admin/care/patients/41/").status_code == 403
    event = AuditEvent.objects.get(action=AuditEvent.Action.PERMISSION_DENIED)
    assert (event.target_type, event.target_id) == ("care_admin:patient", "41")
    assert event.detail == "needs accounts.view_health_record"


def test_a_refusal_of_a_plan_names_the_patient_and_the_plan():
    client = sign_in(Client(), staff("Front desk"))
    client.post("/admin/care/patients/41/plans/3/end/")
    event = AuditEvent.objects.get(action=AuditEvent.Action.PERMISSION_DENIED)
    assert (event.target_type, event.target_id) == ("care_admin:plan_end", "41/3")


@pytest.mark.parametrize("role", ["Editor", "Moderator"])
def test_a_role_without_health_access_and_without_a_second_factor_is_refused_not_sent_to_set_one_up(
    client, role
):
    person = staff(role)
    sign_in(client, person, second_factor=False)
    response = client.get("/admin/care/patients/41/")
    assert response.status_code == 403
    assert b"The attempt has been written to the audit log." in response.content
    event = AuditEvent.objects.get(action=AuditEvent.Action.PERMISSION_DENIED)
    assert (event.actor, event.target_type, event.target_id) == (
        person,
        "care_admin:patient",
        "41",
    )
    assert event.detail == "needs accounts.view_health_record (no second factor confirmed)"


def test_a_clinician_sees_the_questionnaire_and_the_view_is_audited_and_never_cached(client):
    clinician = staff("Clinician")
    sign_in(client, clinician)
    response = client.get(QUESTIONNAIRE_PATH)
    assert response.content == b"Questionnaire 7: PHQ-9 total 14"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
    assert (event.actor, event.target_type, event.target_id) == (
        clinician,
        "intake.submission",
        "7",
    )


def test_without_the_second_factor_health_information_is_out_of_reach(client):
    sign_in(client, staff("Clinician", authenticator=True), second_factor=False)
    response = client.get(QUESTIONNAIRE_PATH)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/security/two-factor/verify/?next=")
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).exists()


def test_a_clinician_without_an_authenticator_must_set_one_up_first(client):
    sign_in(client, staff("Clinician"), second_factor=False)
    response = client.get("/admin/")
    assert response["Location"].startswith("/admin/security/two-factor/set-up/?next=")


def test_an_editor_may_work_without_a_second_factor(client):
    sign_in(client, staff("Editor"), second_factor=False)
    response = client.get("/admin/pages/")
    assert response.status_code == 200


def test_an_editor_who_set_up_an_app_must_use_it(client):
    sign_in(client, staff("Editor", authenticator=True), second_factor=False)
    response = client.get("/admin/pages/")
    assert response["Location"].startswith("/admin/security/two-factor/verify/")


def test_an_inactive_person_is_refused_even_with_a_live_session():
    client = Client()
    clinician = staff("Clinician")
    sign_in(client, clinician)
    clinician.is_active = False
    clinician.save()
    response = client.get(QUESTIONNAIRE_PATH)
    assert response.status_code == 302
    assert b"PHQ-9" not in response.content
