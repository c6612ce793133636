"""Consent documents in the back office: clinicians write and publish them (never changing
an earlier version), staff witness a signature on the clinic's tablet, those who read health
records download signed copies; all audited, all refused to the roles without them."""

import re

from django.db import connection
from django.test import Client, TestCase

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.audit.models import AuditEvent
from klearmind.care.consents.models import (
    ConsentDecline,
    ConsentDocument,
    ConsentSignature,
    ConsentVersion,
)
from klearmind.intake.tests.factories import csrf_token

from .consent_factories import BODY, make_document, publish
from .factories import make_patient


def hidden(response, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"'.encode(), response.content)
    assert match, f"no {name} on the page"
    return match.group(1).decode()


class StaffTestCase(TestCase):
    role = "Clinician"

    def setUp(self):
        self.user = staff(self.role, first_name="Ines", last_name="Park")
        self.client = Client(enforce_csrf_checks=True)
        sign_in(self.client, self.user)

    def post(self, url, data, *, form_url=None):
        page = self.client.get(form_url or url)
        return self.client.post(url, {**data, "csrfmiddlewaretoken": csrf_token(page)})


class DocumentEditingTests(StaffTestCase):
    def test_the_menu_lists_documents_with_their_version_and_signers(self):
        document = make_document()
        version = publish(document)
        ConsentSignature.objects.create(
            version=version,
            person_hash="a" * 64,
            signed_name="A",
            electronic_consent=True,
            text_sha256=version.sha256,
        )
        assert "Consent documents" in self.client.get("/admin/").content.decode()
        text = self.client.get("/admin/care/consents/").content.decode()
        assert "Informed consent for IV ketamine" in text
        assert "Version 1 of" in text
        assert "<td>1</td>" in text

    def test_a_clinician_creates_a_document_then_publishes_and_previews_versions(self):
        response = self.post(
            "/admin/care/consents/new/",
            {
                "title": "Consent to telehealth",
                "kind": "telehealth",
                "service_kinds": ["consultation"],
                "renewal": "version",
                "active": "on",
                "sort_order": "3",
            },
        )
        document = ConsentDocument.objects.get(slug="consent-to-telehealth")
        assert response["Location"] == f"/admin/care/consents/{document.pk}/publish/"
        assert document.service_kinds == ["consultation"]
        url = f"/admin/care/consents/{document.pk}/publish/"
        preview = self.post(
            url,
            {
                "title": "Consent to telehealth",
                "body": "First.\n\nSecond.",
                "summary_of_changes": "",
                "preview": "1",
            },
        )
        assert "Preview: not published yet" in preview.content.decode()
        assert "<p>Second.</p>" in preview.content.decode()
        assert not ConsentVersion.objects.exists()
        self.post(
            url,
            {
                "title": "Consent to telehealth",
                "body": "First.\n\nSecond.",
                "summary_of_changes": "",
                "publish": "1",
            },
        )
        self.post(
            url,
            {
                "title": "Consent to telehealth",
                "body": "First, changed.",
                "summary_of_changes": "Shorter.",
                "publish": "1",
            },
        )
        first, second = document.versions.order_by("number")
        assert (first.body, second.body) == ("First.\n\nSecond.", "First, changed.")
        assert second.published_by == self.user and second.summary_of_changes == "Shorter."
        detail = self.client.get(f"/admin/care/consents/{document.pk}/").content.decode()
        assert "Version 2: Consent to telehealth" in detail and first.sha256 in detail
        version_page = self.client.get(f"/admin/care/consents/versions/{first.pk}/")
        assert "<p>Second.</p>" in version_page.content.decode()
        assert AuditEvent.objects.filter(target_type="care.consentversion").count() == 2

    def test_the_publish_form_refuses_empty_or_control_characters_and_keeps_the_text(self):
        document = make_document()
        url = f"/admin/care/consents/{document.pk}/publish/"
        response = self.post(url, {"title": "Consent\u202e", "body": "  \n\n ", "publish": "1"})
        text = response.content.decode()
        assert response.status_code == 400
        assert "invisible control character" in text and "Please write the text to sign." in text
        response = self.post(url, {"title": "Consent", "body": "Text\x00here", "publish": "1"})
        assert response.status_code == 400
        assert not ConsentVersion.objects.exists()

    def test_publishing_needs_the_csrf_token(self):
        document = make_document()
        response = self.client.post(
            f"/admin/care/consents/{document.pk}/publish/",
            {"title": "T", "body": BODY, "publish": "1"},
        )
        assert response.status_code == 403
        assert not ConsentVersion.objects.exists()


class FrontDeskTests(StaffTestCase):
    role = "Front desk"

    def test_the_front_desk_may_not_edit_documents_or_download_copies(self):
        document = make_document()
        version = publish(document)
        signature = ConsentSignature.objects.create(
            version=version,
            person_hash="a" * 64,
            signed_name="A",
            electronic_consent=True,
            text_sha256=version.sha256,
        )
        for url in (
            "/admin/care/consents/",
            f"/admin/care/consents/{document.pk}/publish/",
            f"/admin/care/consents/signatures/{signature.pk}/copy/",
        ):
            assert self.client.get(url).status_code == 403, url

    def test_the_front_desk_witnesses_a_signature_on_the_tablet(self):
        patient = make_patient()
        document = make_document()
        publish(document)
        url = f"/admin/care/patients/{patient.pk}/consents/ketamine/"
        page = self.client.get(url)
        assert "You agree to IV ketamine" in page.content.decode()
        response = self.client.post(
            url,
            {
                "csrfmiddlewaretoken": csrf_token(page),
                "electronic_consent": "on",
                "signed_name": "Rowan Ellery",
                "version": hidden(page, "version"),
                "sha256": hidden(page, "sha256"),
            },
        )
        assert response["Location"] == f"/admin/care/patients/{patient.pk}/consents/"
        signature = ConsentSignature.objects.get()
        assert signature.person_hash == patient.email_hash
        assert signature.witnessed_by == self.user
        created = AuditEvent.objects.get(action=AuditEvent.Action.CREATE)
        assert created.actor == self.user and "witnessed" in created.detail
        listing = self.client.get(f"/admin/care/patients/{patient.pk}/consents/").content.decode()
        assert "Ines Park" in listing


class DeclineTests(StaffTestCase):
    """A patient who will not sign the privacy notice's acknowledgement: the desk keeps that,
    and why, as HIPAA asks; a document needed before treatment cannot be declined."""

    role = "Front desk"

    def setUp(self):
        super().setUp()
        self.patient = make_patient()
        self.privacy = make_document("privacy", kinds=(), title="Privacy notice acknowledgement")
        self.privacy.required_before_treatment = False
        self.privacy.save()
        self.version = publish(self.privacy)
        self.ketamine = make_document()
        publish(self.ketamine)
        self.page = f"/admin/care/patients/{self.patient.pk}/consents/"

    def decline(self, slug, reason):
        url = f"{self.page}{slug}/declined/"
        return self.post(url, {"reason": reason}, form_url=self.page)

    def test_the_reason_is_kept_encrypted_audited_and_listed_and_the_form_stays_offered(self):
        listing = self.client.get(self.page).content.decode()
        assert listing.count("The patient declined to sign it") == 1  # the privacy one only
        response = self.decline("privacy", "Did not want to sign; given the paper notice")
        assert response["Location"] == self.page
        decline = ConsentDecline.objects.get()
        assert (decline.version, decline.person_hash) == (self.version, self.patient.email_hash)
        assert decline.recorded_by == self.user
        with connection.cursor() as cursor:
            cursor.execute("SELECT reason FROM care_consentdecline")
            (stored,) = cursor.fetchone()
        assert "paper notice" not in stored and stored.startswith("gAAAAA")  # encrypted
        event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE)
        assert event.actor == self.user and "declined version 1" in event.detail
        listing = self.client.get(self.page).content.decode()
        assert "Did not want to sign; given the paper notice" in listing
        assert "Ines Park" in listing
        assert f'href="{self.page}privacy/"' in listing  # still offered to sign

    def test_a_double_click_keeps_one_decline(self):
        self.decline("privacy", "Declined")
        self.decline("privacy", "Declined")
        assert ConsentDecline.objects.count() == 1

    def test_a_blank_or_hostile_reason_is_refused_beside_the_field_and_kept(self):
        for reason, error in (
            ("   ", "Please say why the patient did not sign"),
            ("Declined\u202e", "invisible control character"),
            ("x" * 501, "under 500 characters"),
        ):
            response = self.decline("privacy", reason)
            page = response.content.decode()
            assert response.status_code == 400, reason
            assert error in page, reason
            assert 'aria-invalid="true"' in page and "<details open>" in page
        response = self.decline("privacy", "<script>alert(1)</script>\u202e")
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.content.decode()
        assert not ConsentDecline.objects.exists()

    def test_a_document_needed_before_treatment_cannot_be_declined(self):
        response = self.decline("ketamine", "Does not want it")
        assert response.status_code == 400
        assert "needed before treatment, so it cannot be recorded as declined" in (
            response.content.decode()
        )
        assert not ConsentDecline.objects.exists()

    def test_the_post_needs_its_csrf_token(self):
        response = self.client.post(f"{self.page}privacy/declined/", {"reason": "No"})
        assert response.status_code == 403
        assert not ConsentDecline.objects.exists()

    def test_the_record_export_holds_the_decline(self):
        from klearmind.care.access.record import patient_record

        self.decline("privacy", "Declined at the desk")
        record = patient_record(person_hash=self.patient.email_hash, patient=self.patient)
        (declined,) = record["consents_declined"]
        assert declined["document"] == "Privacy notice acknowledgement"
        assert declined["reason"] == "Declined at the desk"


class CopyDownloadTests(StaffTestCase):
    def test_the_patient_record_lists_signatures_and_the_copy_downloads_audited(self):
        patient = make_patient()
        version = publish(make_document())
        signature = ConsentSignature.objects.create(
            version=version,
            person_hash=patient.email_hash,
            signed_name="Rowan Ellery",
            electronic_consent=True,
            text_sha256=version.sha256,
            pdf="JVBERi0xLjQK",
        )
        record = self.client.get(f"/admin/care/patients/{patient.pk}/").content.decode()
        assert "Sign a consent in the clinic" in record
        assert f"/admin/care/consents/signatures/{signature.pk}/copy/" in record
        response = self.client.get(f"/admin/care/consents/signatures/{signature.pk}/copy/")
        assert response.content == b"%PDF-1.4\n"
        assert "no-store" in response["Cache-Control"]
        event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
        assert event.actor == self.user and event.target_id == str(signature.pk)


class EditorTests(StaffTestCase):
    role = "Editor"

    def test_an_editor_sees_no_consent_menu_and_is_refused(self):
        assert "Consent documents" not in self.client.get("/admin/").content.decode()
        assert self.client.get("/admin/care/consents/").status_code == 403
