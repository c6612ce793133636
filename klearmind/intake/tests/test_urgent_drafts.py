"""A positive PHQ-9 item 9 counts the moment it is saved, sent or not (CLINICAL.md, suicide
risk): the draft is urgent, the on-call clinician is e-mailed once, the triage queue shows it,
a later change keeps the earlier answer, and the draft sweep keeps it until a clinician has
reviewed it."""

import datetime
from unittest import mock

from django.core import mail
from django.test import Client, TestCase, override_settings
from django.utils import timezone

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.intake import services
from klearmind.intake.models import Draft, Submission
from klearmind.outbox.models import MAX_ATTEMPTS, OutgoingMessage
from klearmind.outbox.tasks import deliver

from .factories import CANDIDATE_EMAIL, CANDIDATE_NAME, draft_with, post_step, step_answers, walk
from .test_privacy import HEALTH_DETAILS, SCORE_WORDS

ON_CALL = "on-call@clinic.example"


def phq9(item9: int) -> dict:
    return step_answers(phq9=(1, 1, 1, 1, 1, 1, 1, 1, item9))["phq9"]


@override_settings(CLINIC_NOTIFY_EMAIL=ON_CALL)
class UnsentUrgentDraftTests(TestCase):
    def setUp(self):
        self.client = Client(enforce_csrf_checks=True)
        self.answers = step_answers(conditions=("depression",), phq9=(1,) * 8 + (3,))

    def test_item_9_saved_makes_the_draft_urgent_and_e_mails_the_on_call_address_once(self):
        with self.captureOnCommitCallbacks(execute=True):
            walk(self.client, self.answers, until="phq9")
        draft = Draft.objects.get()
        assert draft.urgent and draft.urgent_since is not None
        assert [entry["answer"] for entry in draft.item9_history] == [3]
        assert [m.to for m in mail.outbox] == [[ON_CALL]]
        message = mail.outbox[0]
        assert message.subject == "URGENT: a questionnaire needs same-day review"
        assert "http://testserver/admin/intake/\n" in message.body
        for secret in (*HEALTH_DETAILS, *SCORE_WORDS, CANDIDATE_NAME, CANDIDATE_EMAIL):
            assert secret not in message.subject + message.body, secret
        # Saved again (Back, then forward), the same answer sends nothing more.
        with self.captureOnCommitCallbacks(execute=True):
            post_step(self.client, "phq9", self.answers["phq9"])
            post_step(self.client, "phq9", self.answers["phq9"], action="back")
        assert len(mail.outbox) == 1
        assert OutgoingMessage.objects.filter(kind="intake.urgent_dft").count() == 1

    def test_item_9_counts_on_a_page_sent_back_for_a_missing_answer(self):
        walk(self.client, self.answers, until="history")
        data = dict(self.answers["phq9"])
        del data["phq9_3"]
        response = post_step(self.client, "phq9", data)
        assert response.status_code == 400
        draft = Draft.objects.get()
        assert draft.urgent and draft.step == "phq9"
        assert "988" in response.content.decode()

    def test_changing_the_answer_back_keeps_the_earlier_one_and_stays_urgent(self):
        with self.captureOnCommitCallbacks(execute=True):
            walk(self.client, self.answers, until="phq9")
            post_step(self.client, "phq9", phq9(0), action="back")
            response = post_step(self.client, "phq9", phq9(0))
        draft = Draft.objects.get()
        assert [entry["answer"] for entry in draft.item9_history] == [3, 0]
        assert draft.urgent and len(mail.outbox) == 1
        # The crisis resources are still shown on the following pages.
        assert "988" in self.client.get(response["Location"]).content.decode()
        # Sent with item 9 at 0, the questionnaire is urgent and keeps the earlier answer.
        with self.captureOnCommitCallbacks(execute=True):
            walk(self.client, {**self.answers, "phq9": phq9(0)})
        submission = Submission.objects.get()
        assert submission.urgent and submission.results["phq9"]["item9"] == 0
        assert [entry["answer"] for entry in submission.item9_history] == [3, 0]
        # The on-call clinician was told once; the e-mail now belongs to the submission.
        assert [m.to for m in mail.outbox].count([ON_CALL]) == 1
        assert services.emails_about(submission).filter(kind="intake.urgent_dft").exists()

    def test_a_zero_item_9_leaves_the_draft_as_it_was(self):
        walk(self.client, step_answers(conditions=("depression",)), until="phq9")
        draft = Draft.objects.get()
        assert not draft.urgent and draft.item9_history == []
        assert not OutgoingMessage.objects.exists()

    def test_a_new_positive_answer_after_a_review_raises_the_flag_again(self):
        draft, _ = draft_with(phq9=(1,) * 8 + (2,))
        draft.mark_reviewed(by=None)
        draft.save_step(step="phq9", data={"phq9_9": 0}, next_step="finish")
        assert draft.reviewed_at is not None
        assert draft.save_step(step="phq9", data={"phq9_9": 1}, next_step="finish") is True
        assert draft.reviewed_at is None and draft.urgent
        assert [entry["answer"] for entry in draft.item9_history] == [2, 0, 1]


class TriageQueueTests(TestCase):
    def test_the_queue_shows_an_unsent_urgent_draft_with_contact_details(self):
        draft, _ = draft_with(phq9=(1,) * 8 + (3,))
        clinician = staff("Clinician")
        sign_in(self.client, clinician)
        page = self.client.get("/admin/intake/").content.decode()
        assert "Not sent — urgent" in page
        for text in (CANDIDATE_NAME, "(916) 555-0187", CANDIDATE_EMAIL):
            assert text in page
        desk = Client()
        sign_in(desk, staff("Front desk"))
        page = desk.get("/admin/intake/").content.decode()
        assert "Not sent — call today" in page and "(916) 555-0187" in page
        assert "item 9" not in page and "Item 9" not in page
        draft.mark_reviewed(by=clinician)
        assert "Not sent" not in self.client.get("/admin/intake/").content.decode()

    def test_the_questionnaire_shows_clinicians_the_item_9_answers_saved_before_sending(self):
        draft, _ = draft_with(phq9=(1,) * 8 + (3,))
        draft.save_step(step="phq9", data={**draft.answers["phq9"], "phq9_9": 0}, next_step="x")
        submission = services.submit_draft(draft=draft, notify=False)
        assert submission.urgent
        sign_in(self.client, staff("Clinician"))
        page = self.client.get(f"/admin/intake/{submission.pk}/").content.decode()
        assert "Item 9 answers saved before sending: 3 (" in page and ") → 0 (" in page


class UrgentDraftSweepTests(TestCase):
    def age(self, draft, days: int) -> None:
        stamp = timezone.now() - datetime.timedelta(days=days)
        Draft.objects.filter(pk=draft.pk).update(updated_at=stamp)

    def test_the_sweep_keeps_an_urgent_draft_at_day_31_and_erases_a_plain_one(self):
        urgent, _ = draft_with(phq9=(1,) * 8 + (1,))
        plain, _ = draft_with(phq9=(1,) * 8 + (0,))
        self.age(urgent, 31)
        self.age(plain, 31)
        assert services.erase_stale_drafts() == 1
        assert list(Draft.objects.values_list("pk", flat=True)) == [urgent.pk]

    def test_once_reviewed_an_urgent_draft_is_erased_like_any_other(self):
        urgent, _ = draft_with(phq9=(1,) * 8 + (1,))
        urgent.mark_reviewed(by=None)
        self.age(urgent, 31)
        assert services.erase_stale_drafts() == 1
        assert not Draft.objects.exists()

    def test_a_draft_at_day_30_is_kept_either_way(self):
        plain, _ = draft_with()
        self.age(plain, 29)
        assert services.erase_stale_drafts() == 0


class DraftAlertFailureTests(TestCase):
    def test_the_draft_alert_fails_for_good_after_the_last_attempt(self):
        with self.captureOnCommitCallbacks(execute=False):
            draft, _ = draft_with(phq9=(1,) * 8 + (0,))
            services.save_step(draft=draft, step="phq9", data={"phq9_9": 2}, next_step="finish")
        email = services.emails_about(draft).get()
        email.attempts = MAX_ATTEMPTS - 1
        email.save()
        assert not OutgoingMessage.objects.failed_for_good().exists()
        with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("down")):
            assert deliver.call(message_id=email.pk) == "gave up"
        assert list(OutgoingMessage.objects.failed_for_good()) == [email]
        email.refresh_from_db()
        assert email.failed
