"""Publishing versions and keeping signatures: append-only, the text's SHA-256 checked against
the version shown, a double click signs once, a drawn signature only as a bounded PNG."""

import base64
import datetime
import re
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory, TestCase
from django.utils import timezone
from reportlab import rl_config

from klearmind.accounts.tests.factories import staff
from klearmind.audit.models import AuditEvent
from klearmind.audit.services import PATIENT_ITSELF
from klearmind.care.consents.models import (
    AppendOnlyConsentError,
    ConsentSignature,
    Renewal,
    Standing,
    text_digest,
)
from klearmind.care.consents.pdf import signed_copy
from klearmind.care.consents.services import (
    DRAWN_MAX_BYTES,
    STALE,
    pdf_bytes,
    png_from_data_url,
    publish_version,
    sign_consent,
)
from klearmind.care.consents.standing import missing_consents

from .consent_factories import BODY, make_document, person, png_data_url, publish

PHONE = "Mozilla/5.0 (iPhone) Mobile Safari"


def phone_request():
    return RequestFactory().post(
        "/consent/ketamine/", REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT=PHONE
    )


def sign(document, version=None, **fields):
    version = version or document.current_version
    values = {
        "document": document,
        "shown_version": version.pk,
        "shown_sha256": version.sha256,
        "person_hash": person(),
        "signed_name": "Dana Reyes",
        "electronic_consent": True,
        "request": phone_request(),
    }
    return sign_consent(**{**values, **fields})


class PublishTests(TestCase):
    def test_publishing_numbers_the_next_version_and_leaves_the_first_as_it_was(self):
        clinician = staff("Clinician")
        document = make_document()
        first = publish_version(
            document=document, title="Consent", body=BODY, summary="", by=clinician
        )
        second = publish_version(
            document=document,
            title="Consent",
            body=BODY + "\n\nNew.",
            summary="Adds a line.",
            by=clinician,
        )
        assert (first.number, second.number) == (1, 2)
        first.refresh_from_db()
        assert first.body == BODY and first.sha256 == text_digest("Consent", BODY)
        assert document.current_version == second
        event = AuditEvent.objects.get(target_id=str(second.pk))
        assert event.actor == clinician and "published version 2" in event.detail
        assert second.sha256 in event.detail

    def test_a_published_version_cannot_be_changed_or_deleted(self):
        version = publish(make_document())
        version.body = "Changed."
        with pytest.raises(AppendOnlyConsentError):
            version.save()
        with pytest.raises(AppendOnlyConsentError):
            version.delete()
        with pytest.raises(AppendOnlyConsentError):
            type(version).objects.filter(pk=version.pk).update(body="Changed.")


class SignTests(TestCase):
    def setUp(self):
        self.document = make_document()
        self.version = publish(self.document)

    def test_keeps_time_address_browser_version_digest_name_and_a_pdf(self):
        signature = sign(self.document, drawn_signature=png_data_url())
        signature.refresh_from_db()
        assert signature.version == self.version
        assert signature.text_sha256 == self.version.sha256
        assert (signature.ip_address, signature.user_agent) == ("198.51.100.7", PHONE)
        assert signature.signed_name == "Dana Reyes"
        assert signature.drawn_signature.startswith("data:image/png;base64,")
        assert signature.witnessed_by is None
        assert pdf_bytes(signature).startswith(b"%PDF")
        event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE)
        assert event.actor_label == PATIENT_ITSELF and event.target_id == str(signature.pk)

    def test_a_signature_cannot_be_changed_or_deleted(self):
        signature = sign(self.document)
        signature.signed_name = "Someone Else"
        with pytest.raises(AppendOnlyConsentError):
            signature.save()
        with pytest.raises(AppendOnlyConsentError):
            ConsentSignature.objects.filter(pk=signature.pk).delete()

    def test_a_second_press_signs_once(self):
        first = sign(self.document)
        again = sign(self.document)
        assert again == first
        assert ConsentSignature.objects.count() == 1

    def test_a_version_published_meanwhile_is_refused_and_nothing_is_kept(self):
        shown = self.version
        publish(self.document, body=BODY + "\n\nA new paragraph.")
        with pytest.raises(ValidationError) as refused:
            sign(self.document, version=shown)
        assert refused.value.code == "stale_version"
        assert refused.value.messages == [STALE]
        assert not ConsentSignature.objects.exists()

    def test_a_digest_that_is_not_the_versions_is_refused(self):
        with pytest.raises(ValidationError) as refused:
            sign(self.document, shown_sha256="0" * 64)
        assert refused.value.code == "stale_version"

    def test_without_agreeing_to_sign_electronically_nothing_is_kept(self):
        with pytest.raises(ValidationError) as refused:
            sign(self.document, electronic_consent=False)
        assert refused.value.code == "no_electronic_consent"
        assert not ConsentSignature.objects.exists()

    def test_a_new_version_asks_to_sign_again_and_signing_it_covers_the_visit(self):
        sign(self.document)
        today = timezone.localdate()
        assert missing_consents(person_hash=person(), kind="ketamine", on=today) == []
        publish(self.document, body=BODY + "\n\nChanged.")
        [line] = missing_consents(person_hash=person(), kind="ketamine", on=today)
        assert line.standing == Standing.NEW_VERSION
        sign(self.document)
        assert ConsentSignature.objects.count() == 2
        assert missing_consents(person_hash=person(), kind="ketamine", on=today) == []

    def test_a_yearly_consent_expired_is_signed_again_on_the_same_version(self):
        document = make_document("yearly", renewal=Renewal.YEARLY)
        version = publish(document)
        ConsentSignature.objects.create(
            version=version,
            person_hash=person(),
            signed_name="Dana Reyes",
            electronic_consent=True,
            text_sha256=version.sha256,
            signed_at=timezone.now() - datetime.timedelta(days=400),
        )
        sign(document)
        assert ConsentSignature.objects.filter(version__document=document).count() == 2

    def test_witnessed_signature_names_the_staff_member(self):
        desk = staff("Front desk", first_name="Ana", last_name="Lopez")
        request = phone_request()
        request.user = desk
        signature = sign(self.document, request=request, witnessed_by=desk)
        assert signature.witnessed_by == desk
        assert AuditEvent.objects.get(action=AuditEvent.Action.CREATE).actor == desk


class DrawnSignatureTests(TestCase):
    def test_a_png_data_url_is_read(self):
        assert png_from_data_url(png_data_url()).startswith(b"\x89PNG")

    def test_refuses_what_is_not_a_png_data_url(self):
        for value in (
            "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
            png_data_url(image_format="JPEG"),
            "data:image/png;base64," + base64.b64encode(b"GIF89a not a png").decode(),
            "data:image/png;base64,%%%not-base64%%%",
            "javascript:alert(1)",
            png_data_url().replace("data:image/png", "data:text/html"),
        ):
            with pytest.raises(ValidationError) as refused:
                png_from_data_url(value)
            assert refused.value.code == "bad_drawing", value

    def test_refuses_a_drawing_too_large(self):
        huge = "data:image/png;base64," + "A" * (DRAWN_MAX_BYTES * 2)
        with pytest.raises(ValidationError) as refused:
            png_from_data_url(huge)
        assert refused.value.code == "drawing_too_large"

    def test_refuses_an_image_of_absurd_dimensions(self):
        with pytest.raises(ValidationError):
            png_from_data_url(png_data_url(size=(5000, 10)))


class SignedCopyTests(TestCase):
    def test_the_pdf_holds_the_text_the_signer_and_the_proof(self):
        witness = staff("Front desk", first_name="Ana", last_name="Lopez")
        document = make_document()
        version = publish(document, body="First & <b>bold</b> paragraph.\n\nSecond paragraph.")
        signature = ConsentSignature(
            version=version,
            person_hash=person(),
            signed_name="<script>alert(1)</script> Dana",
            drawn_signature=png_data_url(),
            electronic_consent=True,
            text_sha256=version.sha256,
            ip_address="198.51.100.7",
            user_agent=PHONE,
            witnessed_by=witness,
        )
        with mock.patch.object(rl_config, "pageCompression", 0):
            pdf = signed_copy(signature)
        assert pdf.startswith(b"%PDF")
        # reportlab writes a line as several strings, one per run of characters: join them.
        pdf = re.sub(rb"\) Tj \(", b"", pdf)
        for expected in (
            "Informed consent for IV ketamine",
            "Version 1",
            "First & <b>bold</b> paragraph.",
            "Second paragraph.",
            "<script>alert\\(1\\)</script> Dana",
            "198.51.100.7",
            version.sha256,
            "Ana Lopez",
        ):
            assert expected.encode() in pdf, expected
        assert b"/Subtype /Image" in pdf

    def test_names_in_any_script_and_emoji_make_a_pdf(self):
        version = publish(make_document())
        for name in ("שלום עליכם", "王小明 🙂", "Zoë Ñúñez"):
            signature = ConsentSignature(
                version=version,
                person_hash=person(),
                signed_name=name,
                electronic_consent=True,
                text_sha256=version.sha256,
            )
            assert signed_copy(signature).startswith(b"%PDF")
