"""Consent to be contacted: each answer kept as given, the latest per channel counts, and a
text to someone who has not agreed to texts is held back, never sent."""

from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import TestCase

from klearmind.encryption.keys import email_lookup_hash
from klearmind.outbox import registry
from klearmind.outbox.models import (
    Channel,
    ContactConsent,
    ContactConsentError,
    ContactSource,
    OutgoingMessage,
    Status,
)
from klearmind.outbox.services import enqueue, may_contact, record_contact_consent
from klearmind.outbox.tasks import deliver

from .test_outbox import KIND

PERSON = email_lookup_hash("ana.rivera@example.org")
WORDING = "I agree that the clinic may contact me about this questionnaire in the way I chose."


def answer(given: bool, channel=Channel.TEXT, source=ContactSource.QUESTIONNAIRE, **kwargs):
    return record_contact_consent(
        person_hash=PERSON, channel=channel, given=given, wording=WORDING, source=source, **kwargs
    )


class ContactConsentTests(TestCase):
    def test_no_answer_is_a_no(self):
        assert may_contact(PERSON, Channel.TEXT) is False
        assert may_contact("", Channel.TEXT) is False

    def test_the_latest_answer_per_channel_wins(self):
        answer(True)
        assert may_contact(PERSON, Channel.TEXT) is True
        answer(False, source=ContactSource.PORTAL)
        assert may_contact(PERSON, Channel.TEXT) is False
        answer(True, source=ContactSource.FRONT_DESK)
        assert may_contact(PERSON, Channel.TEXT) is True
        # Each channel stands on its own, and so does each person.
        assert may_contact(PERSON, Channel.EMAIL) is False
        assert may_contact(email_lookup_hash("someone@example.org"), Channel.TEXT) is False
        assert ContactConsent.objects.of(PERSON, Channel.TEXT).count() == 3

    def test_keeps_the_words_shown_where_and_when(self):
        kept = answer(True, channel=Channel.EMAIL, source=ContactSource.BOOKING)
        kept.refresh_from_db()
        assert (kept.wording, kept.source, kept.channel) == (WORDING, "booking", "email")
        assert kept.recorded_at is not None

    def test_an_answer_is_never_changed_or_deleted(self):
        kept = answer(True)
        kept.given = False
        with self.assertRaises(ContactConsentError):
            kept.save()
        with self.assertRaises(ContactConsentError):
            kept.delete()
        with self.assertRaises(ContactConsentError):
            ContactConsent.objects.filter(pk=kept.pk).update(given=False)
        with self.assertRaises(ContactConsentError):
            ContactConsent.objects.all().delete()
        assert may_contact(PERSON, Channel.TEXT) is True

    def test_refuses_an_answer_without_its_words_person_or_known_channel(self):
        for bad in (
            {"wording": "  "},
            {"person_hash": ""},
            {"channel": "pigeon"},
            {"source": "rumour"},
        ):
            values = {
                "person_hash": PERSON,
                "channel": Channel.TEXT,
                "given": True,
                "wording": WORDING,
                "source": ContactSource.QUESTIONNAIRE,
                **bad,
            }
            with self.assertRaises(ValidationError):
                record_contact_consent(**values)
        assert not ContactConsent.objects.exists()


class HeldTextTests(TestCase):
    """No SMS provider is part of the platform yet: a test one stands in for it."""

    def setUp(self):
        self.group = Group.objects.create(name="Visit reminder")
        self.texts = []
        registry.register_channel(Channel.TEXT, lambda **kwargs: self.texts.append(kwargs))
        self.addCleanup(registry.CHANNELS.pop, Channel.TEXT, None)

    def text(self) -> OutgoingMessage:
        with self.captureOnCommitCallbacks(execute=True):
            message = enqueue(
                kind=KIND,
                recipient="(916) 555-0143",
                about=self.group,
                channel=Channel.TEXT,
                person_hash=PERSON,
            )
        message.refresh_from_db()
        return message

    def test_a_text_without_consent_is_held_back_with_the_reason(self):
        message = self.text()
        assert message.status == Status.HELD
        assert message.held_reason == "The person has not agreed to be contacted by text message."
        assert self.texts == []
        # Held is final: running the task again sends nothing.
        assert deliver.call(message_id=message.pk) == "already sent or gone"
        assert self.texts == []

    def test_a_text_goes_out_once_the_person_agreed(self):
        answer(True)
        message = self.text()
        assert message.status == Status.SENT
        assert [sent["recipient"] for sent in self.texts] == ["(916) 555-0143"]

    def test_a_no_given_after_queueing_holds_the_text_at_sending(self):
        answer(True)
        with self.captureOnCommitCallbacks(execute=False):
            message = enqueue(
                kind=KIND,
                recipient="(916) 555-0143",
                about=self.group,
                channel=Channel.TEXT,
                person_hash=PERSON,
            )
        answer(False, source=ContactSource.PORTAL)
        assert deliver.call(message_id=message.pk) == "held back"
        message.refresh_from_db()
        assert message.status == Status.HELD
        assert self.texts == []

    def test_without_a_text_provider_a_consented_text_is_held_too(self):
        registry.CHANNELS.pop(Channel.TEXT)
        answer(True)
        message = self.text()
        assert message.status == Status.HELD
        assert message.held_reason == "No text message service is set up to send it."

    def test_e_mail_needs_no_contact_consent(self):
        with self.captureOnCommitCallbacks(execute=True):
            message = enqueue(kind=KIND, recipient="ana@example.org", about=self.group)
        message.refresh_from_db()
        assert message.status == Status.SENT
        assert len(mail.outbox) == 1
