"""The questionnaire's "contact me in the way I chose" is kept as a contact consent for the
channel chosen, with the words shown, so the outbox knows whom it may text."""

from django.test import TestCase

from klearmind.intake import services
from klearmind.intake.forms import CONTACT_CONSENT_WORDING, FinishForm
from klearmind.outbox.models import Channel, ContactConsent, ContactSource
from klearmind.outbox.services import may_contact

from .factories import cleaned, step_answers


def submitted(preferred_contact: str, email: str):
    answers = step_answers(email=email)
    answers["about"]["preferred_contact"] = preferred_contact
    answers = cleaned(answers)
    draft, _ = services.start_draft(about=answers.pop("about"))
    for slug, data in answers.items():
        draft.save_step(step=slug, data=data, next_step=slug)
    return services.submit_draft(draft=draft, notify=False)


class QuestionnaireContactConsentTests(TestCase):
    def test_choosing_texts_records_consent_to_texts_in_the_words_shown(self):
        submission = submitted("text", "texts.me@example.org")
        kept = ContactConsent.objects.get()
        assert (kept.person_hash, kept.channel, kept.given) == (
            submission.email_hash,
            Channel.TEXT,
            True,
        )
        assert kept.source == ContactSource.QUESTIONNAIRE
        assert kept.wording == CONTACT_CONSENT_WORDING
        assert FinishForm.base_fields["consent_contact"].label == CONTACT_CONSENT_WORDING
        assert may_contact(submission.email_hash, Channel.TEXT)
        assert not may_contact(submission.email_hash, Channel.EMAIL)

    def test_choosing_e_mail_records_consent_to_e_mail(self):
        submission = submitted("email", "write.to.me@example.org")
        assert may_contact(submission.email_hash, Channel.EMAIL)
        assert not may_contact(submission.email_hash, Channel.TEXT)

    def test_choosing_a_call_records_no_channel_of_the_outbox(self):
        submitted("phone", "call.me@example.org")
        assert not ContactConsent.objects.exists()
