"""Health answers stay out of the raw database columns, every e-mail and the logs."""

import json
import logging

from django.core import mail
from django.db import connection
from django.test import Client, TestCase, override_settings

from klearmind.clinic.models import ClinicSettings
from klearmind.encryption.rotation import encrypted_fields
from klearmind.intake.models import Draft, Note, Submission
from klearmind.intake.services import emails_about

from .factories import CANDIDATE_EMAIL, CANDIDATE_NAME, MEDICATION, TREATMENTS, step_answers, walk

# What must never be readable outside the encrypted columns and the signed-in back office.
# Long enough that base64 ciphertext cannot contain one by chance.
HEALTH_DETAILS = (
    MEDICATION,
    TREATMENTS,
    "Venlafaxine",
    "moderate",
    "depression",
    "anxiety",
    "chronic_pain",
    "provisional",
    "seizures",
    "1980-05-17",
    "(916) 555-0187",
)
# Short markers for plain text (e-mail, logs), where a chance match cannot happen.
SCORE_WORDS = ("PHQ", "GAD", "PCL", "PTSD", "ptsd", "item 9", "pain", "suicid", "self-harm")


def raw_rows(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - a fixed table name
        return json.dumps(cursor.fetchall(), default=str)


@override_settings(CLINIC_NOTIFY_EMAIL="on-call@clinic.example")
class PrivacyTests(TestCase):
    def setUp(self):
        self.client = Client(enforce_csrf_checks=True)
        self.answers = step_answers(phq9=(3, 3, 3, 2, 2, 2, 2, 2, 2))

    def test_the_raw_database_holds_no_answer_contact_detail_or_score(self):
        with self.captureOnCommitCallbacks(execute=True):
            walk(self.client, self.answers)
        submission = Submission.objects.get()
        Note.objects.create(submission=submission, text="Discussed sertraline dose by phone")
        raw = raw_rows(Submission._meta.db_table) + raw_rows(Note._meta.db_table)
        for secret in (*HEALTH_DETAILS, CANDIDATE_NAME, CANDIDATE_EMAIL, "sertraline"):
            assert secret not in raw, secret
        # ...while the application reads them back.
        assert submission.answers["medications"]["current_medications"] == MEDICATION
        assert submission.results["phq9"]["total"] == 21

    def test_a_draft_in_progress_is_encrypted_too(self):
        # Its resume token is stored nowhere: tests/security/test_token_storage_intake.py.
        walk(self.client, self.answers, until="medications")
        raw = raw_rows(Draft._meta.db_table)
        for secret in (MEDICATION, CANDIDATE_NAME, CANDIDATE_EMAIL, "depression"):
            assert secret not in raw, secret

    def test_no_email_carries_health_details(self):
        with self.captureOnCommitCallbacks(execute=True):
            walk(self.client, self.answers)
        submission = Submission.objects.get()
        assert submission.urgent
        # The on-call clinician heard when item 9 was saved, before sending; the e-mail then
        # belongs to the submission and is not sent again (CLINICAL.md, suicide risk).
        assert sorted(e.kind for e in emails_about(submission)) == [
            "intake.received",
            "intake.urgent_dft",
        ]
        assert len(mail.outbox) == 2
        by_recipient = {message.to[0]: message for message in mail.outbox}
        confirmation = by_recipient[CANDIDATE_EMAIL]
        urgent = by_recipient["on-call@clinic.example"]
        assert confirmation.subject == "We received your questionnaire"
        assert "within 2 business days" in confirmation.body
        assert urgent.subject == "URGENT: a questionnaire needs same-day review"
        assert "http://testserver/admin/intake/\n" in urgent.body
        for message in mail.outbox:
            text = message.subject + message.body
            for secret in (*HEALTH_DETAILS, *SCORE_WORDS, CANDIDATE_NAME):
                assert secret not in text, (message.subject, secret)

    def test_the_on_call_address_comes_from_the_settings(self):
        clinic = ClinicSettings.load()
        clinic.on_call_email = "dr-on-call@clinic.example"
        clinic.save()
        with self.captureOnCommitCallbacks(execute=True):
            walk(self.client, self.answers)
        assert "dr-on-call@clinic.example" in [m.to[0] for m in mail.outbox]

    def test_a_non_urgent_questionnaire_sends_only_the_confirmation(self):
        answers = step_answers()
        with self.captureOnCommitCallbacks(execute=True):
            walk(self.client, answers)
        assert [m.to for m in mail.outbox] == [[CANDIDATE_EMAIL]]

    def test_the_logs_hold_no_health_details(self):
        with self.assertLogs(level=logging.DEBUG) as logs:
            logging.getLogger("klearmind").debug("log capture starts")
            with self.captureOnCommitCallbacks(execute=True):
                walk(self.client, self.answers)
        text = "\n".join(logs.output)
        for secret in (*HEALTH_DETAILS, *SCORE_WORDS, CANDIDATE_NAME, CANDIDATE_EMAIL):
            assert secret not in text, secret

    def test_key_rotation_reaches_every_questionnaire_column(self):
        found = {f"{model._meta.label}.{field.name}" for model, field in encrypted_fields()}
        assert {
            "intake.Draft.answers",
            "intake.Submission.full_name",
            "intake.Submission.email",
            "intake.Submission.phone",
            "intake.Submission.date_of_birth",
            "intake.Submission.zip_code",
            "intake.Submission.conditions",
            "intake.Submission.answers",
            "intake.Submission.results",
            "intake.Note.text",
            "outbox.OutgoingMessage.recipient",
        } <= found
