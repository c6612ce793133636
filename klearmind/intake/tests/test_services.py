"""Triage workflows, the outbox and the erasure of stale drafts."""

import datetime
import io
from unittest import mock

from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from klearmind.accounts.tests.factories import staff
from klearmind.audit.models import AuditEvent
from klearmind.intake import services
from klearmind.intake.models import Draft, IntakeSettings, Note, Status, Submission
from klearmind.outbox.models import MAX_ATTEMPTS, OutgoingMessage, retry_delay
from klearmind.outbox.tasks import deliver

from .factories import draft_with, submission_with


class StatusTests(TestCase):
    def setUp(self):
        self.clinician = staff("Clinician")
        self.submission = submission_with(notify=False)

    def test_a_submission_starts_new_with_its_first_history_row(self):
        change = self.submission.status_changes.get()
        assert (change.from_status, change.to_status, change.changed_by) == ("", "new", None)

    def test_each_change_records_who_when_from_and_to_and_is_audited(self):
        services.change_status(submission=self.submission, to=Status.REVIEWING, by=self.clinician)
        services.change_status(
            submission=self.submission, to=Status.CONSULTATION_BOOKED, by=self.clinician
        )
        self.submission.refresh_from_db()
        assert self.submission.status == Status.CONSULTATION_BOOKED
        rows = list(self.submission.status_changes.values_list("from_status", "to_status"))
        assert rows == [("", "new"), ("new", "reviewing"), ("reviewing", "consultation_booked")]
        event = AuditEvent.objects.about(self.submission).filter(action="change").first()
        assert event.actor == self.clinician
        assert event.detail == "status reviewing → consultation_booked"

    def test_refuses_a_jump_the_triage_does_not_allow(self):
        with self.assertRaises(ValidationError) as refusal:
            services.change_status(
                submission=self.submission, to=Status.ACCEPTED, by=self.clinician
            )
        assert refusal.exception.code == "invalid_transition"
        self.submission.refresh_from_db()
        assert self.submission.status == Status.NEW
        assert self.submission.status_changes.count() == 1

    def test_a_decision_can_be_reopened_for_review(self):
        submission = self.submission
        for status in (Status.REVIEWING, Status.DECLINED, Status.REVIEWING):
            submission = services.change_status(submission=submission, to=status, by=None)
        assert submission.status == Status.REVIEWING


class AssignmentAndNoteTests(TestCase):
    def test_only_a_clinician_can_be_assigned(self):
        submission = submission_with(notify=False)
        desk = staff("Front desk")
        with self.assertRaises(ValidationError) as refusal:
            services.assign_clinician(submission=submission, clinician=desk, by=desk)
        assert refusal.exception.code == "not_a_clinician"
        clinician = staff("Clinician")
        services.assign_clinician(submission=submission, clinician=clinician, by=clinician)
        submission.refresh_from_db()
        assert submission.assigned_to == clinician
        assert list(services.clinicians()) == [clinician]

    def test_a_note_keeps_its_author_and_is_audited(self):
        submission = submission_with(notify=False)
        clinician = staff("Clinician")
        note = services.add_note(submission=submission, text="Call back Tuesday", by=clinician)
        assert (note.author, note.text) == (clinician, "Call back Tuesday")
        assert AuditEvent.objects.about(submission).get().detail == f"note {note.pk}"


class OutboxTests(TestCase):
    def test_a_failing_mail_server_is_retried_and_each_email_goes_once(self):
        with (
            mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("down")),
            self.captureOnCommitCallbacks(execute=True),
        ):
            submission = submission_with()
        email = services.emails_about(submission).get()
        assert (email.attempts, email.sent_at, email.error_type) == (1, None, "OSError")
        assert deliver.call(message_id=email.pk) == "sent"
        assert deliver.call(message_id=email.pk) == "already sent or gone"
        assert len(mail.outbox) == 1

    def test_gives_up_after_the_last_attempt(self):
        submission = submission_with(notify=False)
        services.queue_email(submission, "received", "x@example.org")
        email = OutgoingMessage.objects.get()
        email.attempts = MAX_ATTEMPTS - 1
        email.save()
        with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("down")):
            assert deliver.call(message_id=email.pk) == "gave up"

    def test_retries_wait_longer_each_time(self):
        assert [retry_delay(n).seconds for n in (1, 2, 3)] == [60, 120, 240]


class DraftErasureTests(TestCase):
    def test_drafts_untouched_for_30_days_are_erased_and_newer_ones_kept(self):
        old, _ = draft_with()
        recent, _ = draft_with()
        now = timezone.now()
        Draft.objects.filter(pk=old.pk).update(updated_at=now - datetime.timedelta(days=31))
        Draft.objects.filter(pk=recent.pk).update(updated_at=now - datetime.timedelta(days=29))
        assert services.erase_stale_drafts(now=now) == 1
        assert list(Draft.objects.values_list("pk", flat=True)) == [recent.pk]

    def test_the_retention_is_a_setting(self):
        draft, _ = draft_with()
        Draft.objects.update(updated_at=timezone.now() - datetime.timedelta(days=8))
        intake_settings = IntakeSettings.load()
        intake_settings.draft_retention_days = 7
        intake_settings.save()
        assert services.erase_stale_drafts() == 1

    def test_the_command_erases_and_reports(self):
        draft_with()
        Draft.objects.update(updated_at=timezone.now() - datetime.timedelta(days=40))
        with mock.patch("sys.stdout") as stdout:
            call_command("erase_stale_intake_drafts", stdout=stdout)
        stdout.write.assert_called_with("Erased 1 unfinished questionnaire(s).\n")
        assert not Draft.objects.exists()

    def test_starting_a_draft_sweeps_out_stale_ones(self):
        draft_with()
        Draft.objects.update(updated_at=timezone.now() - datetime.timedelta(days=40))
        with self.captureOnCommitCallbacks(execute=True):
            draft_with()
        assert Draft.objects.count() == 1


class RateLimitTests(TestCase):
    def test_counts_per_address_and_action(self):
        for _ in range(services.RATE_LIMITS["submit"]):
            assert services.within_rate_limit(ip="203.0.113.9", action="submit")
        assert not services.within_rate_limit(ip="203.0.113.9", action="submit")
        assert services.within_rate_limit(ip="203.0.113.10", action="submit")
        assert services.within_rate_limit(ip="203.0.113.9", action="start")


class ErasureOnRequestTests(TestCase):
    def test_erases_every_questionnaire_of_the_address_whatever_its_case_and_audits_it(self):
        kept = submission_with(notify=False, email="someone.else@example.org")
        erased = submission_with(notify=False)
        services.add_note(submission=erased, text="Called back", by=None)
        services.queue_email(erased, "received", erased.email)
        services.queue_email(kept, "received", kept.email)
        out = io.StringIO()
        call_command("erase_intake_data", "  Avery.Quinlan@EXAMPLE.org ", stdout=out)
        assert out.getvalue() == "Erased 1 questionnaire(s).\n"
        assert list(Submission.objects.values_list("pk", flat=True)) == [kept.pk]
        assert not Note.objects.exists()
        assert [m.about_id for m in OutgoingMessage.objects.all()] == [kept.pk]
        event = AuditEvent.objects.get(action="delete")
        assert (event.target_id, event.detail) == (
            str(erased.pk),
            "erased at the candidate's request",
        )
        assert "avery" not in event.detail.lower()
