"""The back office: the queue's order and filters, what each role sees, triage actions with
CSRF enforced, the print view, the settings, and an audit event for every view."""

import datetime

from django.core import mail
from django.test import Client, TestCase
from django.utils import timezone

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.audit.models import AuditEvent
from klearmind.booking.models import Invitation
from klearmind.clinic.models import ClinicSettings
from klearmind.intake import services
from klearmind.intake.models import IntakeSettings, Status, Submission

from .factories import CANDIDATE_EMAIL, MEDICATION, csrf_token, submission_with


def queued(**kwargs) -> Submission:
    return submission_with(notify=False, **kwargs)


def refused(response) -> bool:
    """Wagtail turns a refusal in the back office into a redirect to the dashboard; the access
    check has written it to the audit log."""
    denied = AuditEvent.objects.filter(action=AuditEvent.Action.PERMISSION_DENIED).exists()
    return (
        response.status_code in (302, 403)
        and response.get("Location", "/admin/") == "/admin/"
        and denied
    )


class QueueTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        now = timezone.now()
        cls.old_urgent = queued(phq9=(0,) * 8 + (1,), location="roseville")
        cls.newest = queued(conditions=("depression",), location="home")
        cls.older = queued(conditions=("chronic_pain", "depression"), location="sacramento")
        for submission, hours in ((cls.old_urgent, 48), (cls.newest, 1), (cls.older, 5)):
            Submission.objects.filter(pk=submission.pk).update(
                submitted_at=now - datetime.timedelta(hours=hours)
            )

    def setUp(self):
        self.clinician = staff("Clinician")
        sign_in(self.client, self.clinician)

    def names_in_order(self, query: str = "") -> list[int]:
        response = self.client.get(f"/admin/intake/{query}")
        assert response.status_code == 200
        return [s.pk for s in response.context["listing"]]

    def test_urgent_first_then_newest(self):
        assert self.names_in_order() == [self.old_urgent.pk, self.newest.pk, self.older.pk]

    def test_an_urgent_questionnaire_a_clinician_picked_up_takes_its_place_by_date(self):
        Submission.objects.filter(pk=self.old_urgent.pk).update(status=Status.REVIEWING)
        assert self.names_in_order() == [self.newest.pk, self.older.pk, self.old_urgent.pk]

    def test_filters_by_status_location_and_condition(self):
        Submission.objects.filter(pk=self.older.pk).update(status=Status.REVIEWING)
        assert self.names_in_order("?status=reviewing") == [self.older.pk]
        assert self.names_in_order("?location=home") == [self.newest.pk]
        assert self.names_in_order("?condition=chronic_pain") == [self.old_urgent.pk, self.older.pk]
        assert self.names_in_order("?condition=ptsd") == [self.old_urgent.pk]

    def test_the_queue_view_is_audited_with_the_records_shown(self):
        self.client.get("/admin/intake/")
        event = AuditEvent.objects.get(action="view")
        assert event.target_type == "intake.submission"
        assert event.actor == self.clinician
        assert str(self.newest.pk) in event.detail

    def test_clinicians_see_urgency_conditions_and_the_suggestion(self):
        text = self.client.get("/admin/intake/").content.decode()
        assert "Urgent</strong>" in text
        assert "Chronic pain, Depression" in text
        assert "Clinician review needed" in text

    def test_the_front_desk_sees_names_and_status_but_no_conditions_or_scores(self):
        client = Client()
        sign_in(client, staff("Front desk"))
        response = client.get("/admin/intake/?condition=ptsd")
        text = response.content.decode()
        assert len(response.context["listing"]) == 3  # the condition filter is not theirs
        assert "Avery Quinlan" in text
        assert "Call today" in text
        for hidden in ("Chronic pain", "Depression", "Clinician review", "Likely"):
            assert hidden not in text, hidden

    def test_the_menu_item_is_shown_only_to_those_who_may_use_it(self):
        assert b"Candidacy questionnaires" in self.client.get("/admin/").content
        editor = Client()
        sign_in(editor, staff("Editor"))
        assert b"Candidacy questionnaires" not in editor.get("/admin/").content


class DetailTests(TestCase):
    def setUp(self):
        self.submission = queued(
            phq9=(3, 3, 3, 3, 2, 2, 2, 2, 1), history={"seizures": "yes", "pregnancy": "not_sure"}
        )
        self.clinician = staff("Clinician")
        self.client = Client(enforce_csrf_checks=True)
        sign_in(self.client, self.clinician)
        self.url = f"/admin/intake/{self.submission.pk}/"

    def test_a_clinician_sees_scores_bands_flags_answers_and_contact_details(self):
        text = self.client.get(self.url).content.decode()
        assert "Suggestion: Likely not a candidate" in text
        assert "Hard stop for any ketamine (IV ketamine and Spravato): Seizure disorder" in text
        assert "Not sure: Pregnancy (or possible pregnancy)" in text
        assert "<td>21</td><td>Severe" in text
        assert "Item 9: 1" in text
        assert "Clusters B 10, C 4, D 14, E 12" in text
        assert "provisional PTSD by cut-off 33: yes; by the DSM-5 rule: yes" in text
        assert "9. Thoughts that you would be better off dead or of hurting yourself" in text
        assert 'Several days (1)</strong> <span class="intake-admin__flag">flag' in text
        assert MEDICATION in text
        assert CANDIDATE_EMAIL in text
        assert "(916) 555-0187" in text
        assert "<strong>Urgent:</strong> PHQ-9 item 9" in text
        event = AuditEvent.objects.about(self.submission).get(action="view")
        assert (event.actor, event.detail) == (self.clinician, "questionnaire")

    def test_the_front_desk_sees_contact_details_and_status_only(self):
        client = Client()
        desk = staff("Front desk")
        sign_in(client, desk)
        text = client.get(self.url).content.decode()
        assert CANDIDATE_EMAIL in text and "(916) 555-0187" in text
        assert "Status:</strong> New" in text
        for hidden in (MEDICATION, "PHQ-9", "Hard stop", "Seizure", "Suggestion", "Notes"):
            assert hidden not in text, hidden
        assert "Call today" in text
        assert "Change status" not in text
        event = AuditEvent.objects.about(self.submission).get(action="view")
        assert (event.actor, event.detail) == (desk, "contact details and status")

    def test_a_clinician_changes_the_status_with_csrf(self):
        token = csrf_token(self.client.get(self.url))
        response = self.client.post(
            f"{self.url}status/", {"status": "reviewing", "csrfmiddlewaretoken": token}
        )
        assert response["Location"] == self.url
        self.submission.refresh_from_db()
        assert self.submission.status == Status.REVIEWING
        page = self.client.get(self.url).content.decode()
        assert "Status changed to Reviewing." in page
        assert f"<td>{self.clinician.username}</td><td>New</td><td>Reviewing</td>" in page

    def accept(self) -> None:
        for status in (Status.REVIEWING, Status.ACCEPTED):
            services.change_status(submission=self.submission, to=status, by=self.clinician)

    def test_an_accepted_candidate_is_e_mailed_a_link_to_book_treatment_once(self):
        self.accept()
        page = self.client.get(self.url)
        assert b"E-mail a link to book treatment online" in page.content
        token = csrf_token(page)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(f"{self.url}invite/", {"csrfmiddlewaretoken": token})
        invitation = Invitation.objects.get()
        assert (invitation.email, invitation.issued_by) == (CANDIDATE_EMAIL, self.clinician)
        assert invitation.email_hash == self.submission.email_hash
        (message,) = mail.outbox
        assert message.to == [CANDIDATE_EMAIL]
        assert "/book/invitation/" in message.body
        for health in (MEDICATION, "PHQ", "Seizure", "urgent"):
            assert health not in message.body
        assert b"has been e-mailed" in self.client.get(self.url).content
        event = AuditEvent.objects.about(self.submission).get(action="create")
        assert event.detail == f"booking invitation {invitation.pk}"
        self.client.post(f"{self.url}invite/", {"csrfmiddlewaretoken": token})
        assert Invitation.objects.count() == 1
        assert b"already has a booking invitation" in self.client.get(self.url).content

    def test_a_candidate_not_yet_accepted_cannot_be_invited_to_book(self):
        page = self.client.get(self.url)
        assert b"E-mail a link to book treatment" not in page.content
        self.client.post(f"{self.url}invite/", {"csrfmiddlewaretoken": csrf_token(page)})
        assert not Invitation.objects.exists()
        assert b"Only an accepted candidate" in self.client.get(self.url).content

    def test_the_front_desk_cannot_send_a_booking_invitation(self):
        self.accept()
        client = Client()
        sign_in(client, staff("Front desk"))
        assert refused(client.post(f"{self.url}invite/"))
        assert not Invitation.objects.exists()

    def test_an_impossible_status_is_refused_with_a_message(self):
        token = csrf_token(self.client.get(self.url))
        self.client.post(f"{self.url}status/", {"status": "accepted", "csrfmiddlewaretoken": token})
        self.submission.refresh_from_db()
        assert self.submission.status == Status.NEW
        assert b"not possible from the current status" in self.client.get(self.url).content

    def test_notes_and_assignment(self):
        token = csrf_token(self.client.get(self.url))
        self.client.post(
            f"{self.url}note/", {"text": "Left a <b>voicemail</b>", "csrfmiddlewaretoken": token}
        )
        self.client.post(
            f"{self.url}assign/", {"clinician": self.clinician.pk, "csrfmiddlewaretoken": token}
        )
        page = self.client.get(self.url).content.decode()
        assert "Left a &lt;b&gt;voicemail&lt;/b&gt;" in page
        assert f"Assigned to:</strong> {self.clinician.username}" in page

    def test_an_empty_note_or_an_unknown_clinician_is_refused_with_a_message(self):
        token = csrf_token(self.client.get(self.url))
        self.client.post(f"{self.url}note/", {"text": "", "csrfmiddlewaretoken": token})
        self.client.post(f"{self.url}assign/", {"clinician": "999", "csrfmiddlewaretoken": token})
        page = self.client.get(self.url).content.decode()
        assert "Please write the note" in page
        assert "Please choose a clinician from the list." in page
        assert not self.submission.notes.exists()

    def test_the_front_desk_cannot_change_anything(self):
        client = Client()
        sign_in(client, staff("Front desk"))
        for action, data in (("status", {"status": "reviewing"}), ("note", {"text": "x"})):
            assert refused(client.post(f"{self.url}{action}/", data))
        self.submission.refresh_from_db()
        assert self.submission.status == Status.NEW
        assert not self.submission.notes.exists()

    def test_the_print_view_has_everything_and_its_stylesheet_and_is_audited(self):
        response = self.client.get(f"{self.url}print/")
        text = response.content.decode()
        assert "intake/print.css" in text
        assert "Confidential health information" in text
        assert "Hard stop for any ketamine (IV ketamine and Spravato): Seizure disorder" in text
        assert MEDICATION in text
        assert "no-store" in response["Cache-Control"]
        assert AuditEvent.objects.about(self.submission).get(action="view").detail == "print"

    def test_the_front_desk_cannot_print(self):
        client = Client()
        sign_in(client, staff("Front desk"))
        assert refused(client.get(f"{self.url}print/"))


class SettingsTests(TestCase):
    def test_a_clinician_sets_the_pcl5_cutoff_within_31_to_33(self):
        client = Client()
        sign_in(client, staff("Clinician"))
        data = {
            "pcl5_cutoff": "34",
            "on_call_email": "oncall@clinic.example",
            "draft_retention_days": "30",
            "reply_business_days": "2",
        }
        response = client.post("/admin/intake/settings/", data)
        assert b"Ensure this value is less than or equal to 33." in response.content
        client.post("/admin/intake/settings/", data | {"pcl5_cutoff": "31"})
        intake_settings = IntakeSettings.load()
        assert (intake_settings.pcl5_cutoff, ClinicSettings.load().on_call_email) == (
            31,
            "oncall@clinic.example",
        )
        submission = queued(pcl5=(2,) * 15 + (1,) + (0,) * 4)
        assert submission.results["pcl5"]["cutoff"] == 31
        assert submission.results["pcl5"]["provisional_by_cutoff"] is True

    def test_an_editor_cannot_open_them(self):
        client = Client()
        sign_in(client, staff("Editor"))
        assert refused(client.get("/admin/intake/settings/"))
