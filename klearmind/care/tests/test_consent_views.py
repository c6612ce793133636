"""The public consent pages: who may sign (the portal's person, or a browser that opened one
of their visits' links), the flow on a phone, hostile input, a stale version, another
person's copy, and CSRF on every post."""

import datetime
import re

from django.test import Client, TestCase
from django.utils import timezone

from klearmind.audit.models import AuditEvent
from klearmind.audit.services import PATIENT_ITSELF
from klearmind.booking.links import sign_in_to_portal
from klearmind.booking.tests.factories import book, make_clinic, open_visit
from klearmind.care.consents.models import ConsentSignature
from klearmind.care.consents.services import pdf_bytes
from klearmind.intake.tests.factories import csrf_token

from .consent_factories import BODY, make_document, person, png_data_url, publish


def hidden(response, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"'.encode(), response.content)
    assert match, f"no {name} on the page"
    return match.group(1).decode()


class ConsentPageTests(TestCase):
    def setUp(self):
        self.document = make_document()
        self.version = publish(self.document)
        self.client = Client(enforce_csrf_checks=True, HTTP_USER_AGENT="Phone Browser 1.0")
        self.signed_in()

    def signed_in(self, email="dana@example.org"):
        session = self.client.session
        sign_in_to_portal(session, person(email))
        session.save()

    def post_sign(self, data=None, *, url="/consent/ketamine/"):
        page = self.client.get(url)
        values = {
            "csrfmiddlewaretoken": csrf_token(page),
            "electronic_consent": "on",
            "signed_name": "Dana Reyes",
            "version": hidden(page, "version"),
            "sha256": hidden(page, "sha256"),
            **(data or {}),
        }
        return self.client.post(url, values)

    def test_the_page_shows_the_electronic_consent_then_the_full_text_then_the_signing(self):
        page = self.client.get("/consent/ketamine/")
        text = page.content.decode()
        assert page.status_code == 200
        assert "no-store" in page["Cache-Control"]
        esign, body, name = (
            text.index("1. Signing electronically"),
            text.index("You agree to IV ketamine, an off-label use."),
            text.index('name="signed_name"'),
        )
        assert esign < body < name
        assert "paper copy" in text and "stop signing electronically" in text
        assert "current web browser" in text
        assert 'src="/static/care/consent-sign.js"' in text and "data-signature-pad hidden" in text

    def test_signing_keeps_the_signature_and_lists_its_copy(self):
        response = self.post_sign({"drawn_signature": png_data_url()})
        assert response.status_code == 302 and response["Location"] == "/consent/"
        signature = ConsentSignature.objects.get()
        assert signature.person_hash == person()
        assert signature.text_sha256 == self.version.sha256
        assert signature.user_agent == "Phone Browser 1.0"
        listing = self.client.get("/consent/").content.decode()
        assert "your signature is kept" in listing
        assert f'href="/consent/copies/{signature.pk}/"' in listing

    def test_without_javascript_the_typed_name_alone_signs(self):
        self.post_sign()
        assert ConsentSignature.objects.get().drawn_signature == ""

    def test_a_double_click_signs_once(self):
        page = self.client.get("/consent/ketamine/")
        values = {
            "csrfmiddlewaretoken": csrf_token(page),
            "electronic_consent": "on",
            "signed_name": "Dana Reyes",
            "version": hidden(page, "version"),
            "sha256": hidden(page, "sha256"),
        }
        first = self.client.post("/consent/ketamine/", values)
        second = self.client.post("/consent/ketamine/", values)
        assert first.status_code == second.status_code == 302
        assert ConsentSignature.objects.count() == 1

    def test_the_post_needs_its_csrf_token(self):
        response = self.client.post(
            "/consent/ketamine/",
            {
                "electronic_consent": "on",
                "signed_name": "Dana Reyes",
                "version": self.version.pk,
                "sha256": self.version.sha256,
            },
        )
        assert response.status_code == 403
        assert not ConsentSignature.objects.exists()

    def test_not_agreeing_to_sign_electronically_is_explained_and_the_name_kept(self):
        response = self.post_sign({"electronic_consent": ""})
        text = response.content.decode()
        assert response.status_code == 400
        assert "Please tick the box to sign electronically" in text
        assert 'value="Dana Reyes"' in text
        assert not ConsentSignature.objects.exists()

    def test_hostile_names_are_refused_or_kept_as_plain_text(self):
        refused = {
            "": "Please type your full name to sign.",
            "   ": "Please type your full name to sign.",
            "Dana\x00Reyes": "Null characters are not allowed.",
            "\u202eDana Reyes": "invisible control character",
            "D" * 10_000: "Ensure this value has at most 120 characters",
        }
        for name, message in refused.items():
            response = self.post_sign({"signed_name": name})
            assert response.status_code == 400, repr(name)
            assert message in response.content.decode(), repr(name)
        assert not ConsentSignature.objects.exists()
        self.post_sign({"signed_name": "<script>alert(1)</script> دانا 🙂"})
        signature = ConsentSignature.objects.get()
        assert signature.signed_name == "<script>alert(1)</script> دانا 🙂"
        listing = self.client.get("/consent/").content.decode()
        assert "<script>alert(1)" not in listing

    def test_a_tampered_drawing_is_refused_with_what_was_typed_kept(self):
        for drawing in (
            "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
            'data:image/png;base64,"><script>alert(1)</script>',
            "data:image/png;base64," + "A" * 400_000,
        ):
            response = self.post_sign({"drawn_signature": drawing})
            text = response.content.decode()
            assert response.status_code == 400
            assert "drawn signature" in text
            assert 'value="Dana Reyes"' in text
            assert "<script>alert(1)</script>" not in text
        assert not ConsentSignature.objects.exists()

    def test_a_version_published_while_reading_is_refused_and_the_new_text_shown(self):
        page = self.client.get("/consent/ketamine/")
        newer = publish(self.document, body=BODY + "\n\nA paragraph added today.")
        response = self.client.post(
            "/consent/ketamine/",
            {
                "csrfmiddlewaretoken": csrf_token(page),
                "electronic_consent": "on",
                "signed_name": "Dana Reyes",
                "version": hidden(page, "version"),
                "sha256": hidden(page, "sha256"),
            },
        )
        text = response.content.decode()
        assert response.status_code == 400
        assert "A new version of this document was published while you were reading it" in text
        assert "A paragraph added today." in text
        assert hidden(response, "version") == str(newer.pk)
        assert not ConsentSignature.objects.exists()
        self.client.post(
            "/consent/ketamine/",
            {
                "csrfmiddlewaretoken": csrf_token(response),
                "electronic_consent": "on",
                "signed_name": "Dana Reyes",
                "version": hidden(response, "version"),
                "sha256": hidden(response, "sha256"),
            },
        )
        assert ConsentSignature.objects.get().version == newer

    def test_the_copy_is_the_signers_pdf_not_cached_and_audited(self):
        self.post_sign()
        signature = ConsentSignature.objects.get()
        response = self.client.get(f"/consent/copies/{signature.pk}/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "no-store" in response["Cache-Control"]
        assert response.content == pdf_bytes(signature)
        assert response.content.startswith(b"%PDF")
        event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, target_id=str(signature.pk))
        assert event.actor_label == PATIENT_ITSELF

    def test_another_persons_copy_is_not_found(self):
        self.post_sign()
        theirs = ConsentSignature.objects.get()
        self.signed_in("someone.else@example.org")
        response = self.client.get(f"/consent/copies/{theirs.pk}/")
        assert response.status_code == 404
        assert b"%PDF" not in response.content
        listing = self.client.get("/consent/").content.decode()
        assert f"/consent/copies/{theirs.pk}/" not in listing

    def test_a_stranger_reads_how_to_get_in_and_nothing_else(self):
        self.post_sign()
        signature = ConsentSignature.objects.get()
        stranger = Client()
        for url in ("/consent/", "/consent/ketamine/", f"/consent/copies/{signature.pk}/"):
            response = stranger.get(url)
            text = response.content.decode()
            assert response.status_code == 403, url
            assert "Your consent forms open from a link the clinic sends you" in text
            assert "off-label" not in text and "Dana" not in text
        assert stranger.post("/consent/ketamine/", {}).status_code == 403

    def test_an_unknown_or_inactive_document_is_not_found(self):
        assert self.client.get("/consent/no-such-document/").status_code == 404
        make_document("retired", active=False, title="Retired form")
        assert self.client.get("/consent/retired/").status_code == 404


class VisitLinkSigningTests(TestCase):
    def setUp(self):
        self.clinic = make_clinic(kind="ketamine", slug="ketamine-iv")
        day = timezone.localdate() + datetime.timedelta(days=3)
        starts = datetime.datetime.combine(day, datetime.time(10), tzinfo=self.clinic.location.zone)
        self.visit = book(self.clinic, starts)
        self.document = make_document()
        publish(self.document)
        make_document("hydration-only", kinds=("hydration",), title="IV hydration consent")
        publish(self.document.__class__.objects.get(slug="hydration-only"))
        self.client = Client(enforce_csrf_checks=True)

    def test_a_browser_that_opened_the_visit_signs_for_its_patient(self):
        open_visit(self.client, self.visit)
        query = f"?visit={self.visit.pk}"
        listing = self.client.get("/consent/" + query).content.decode()
        assert f'href="/consent/ketamine/{query}"' in listing
        assert "IV hydration consent" not in listing  # not needed for this visit
        page = self.client.get("/consent/ketamine/" + query)
        response = self.client.post(
            "/consent/ketamine/" + query,
            {
                "csrfmiddlewaretoken": csrf_token(page),
                "electronic_consent": "on",
                "signed_name": "Dana Reyes",
                "version": hidden(page, "version"),
                "sha256": hidden(page, "sha256"),
            },
        )
        assert response["Location"] == "/consent/" + query
        assert ConsentSignature.objects.get().person_hash == self.visit.patient_email_hash

    def test_the_visits_page_asks_for_the_forms_until_they_are_signed(self):
        open_visit(self.client, self.visit)
        page = self.client.get(f"/book/my-visit/{self.visit.pk}/").content.decode()
        assert "Forms to sign before your visit" in page
        assert "<li>Informed consent for IV ketamine: not signed yet</li>" in page
        assert "IV hydration consent" not in page
        assert f'href="/consent/?visit={self.visit.pk}">Read and sign</a>' in page
        ConsentSignature.objects.create(
            version=self.document.versions.get(),
            person_hash=self.visit.patient_email_hash,
            signed_name="Dana Reyes",
            electronic_consent=True,
            text_sha256=self.document.versions.get().sha256,
        )
        page = self.client.get(f"/book/my-visit/{self.visit.pk}/").content.decode()
        assert "Forms to sign before your visit" not in page
        assert "Read and sign" not in page

    def test_documents_the_patient_may_decline_are_listed_apart_as_a_choice(self):
        privacy = make_document("privacy", kinds=(), title="Privacy notice acknowledgement")
        privacy.required_before_treatment = False
        privacy.save()
        publish(privacy)
        open_visit(self.client, self.visit)
        query = f"?visit={self.visit.pk}"
        listing = self.client.get("/consent/" + query).content.decode()
        required, optional = listing.split('id="optional-heading"')
        assert f'href="/consent/ketamine/{query}"' in required and "privacy" not in required
        assert "your treatment does not depend on them" in optional
        assert f'href="/consent/privacy/{query}"' in optional
        visit_page = self.client.get(f"/book/my-visit/{self.visit.pk}/").content.decode()
        assert "Informed consent for IV ketamine: not signed yet" in visit_page
        assert "Privacy notice acknowledgement" not in visit_page  # not needed before treatment

    def test_a_visit_not_opened_in_this_browser_gives_nothing(self):
        for query in (f"?visit={self.visit.pk}", "?visit=abc", "?visit=99999999"):
            response = self.client.get("/consent/" + query)
            assert response.status_code == 403
            assert "off-label" not in response.content.decode()

    def test_a_visit_query_does_not_fall_back_to_the_portal_person(self):
        session = self.client.session
        sign_in_to_portal(session, person("someone.else@example.org"))
        session.save()
        assert self.client.get(f"/consent/?visit={self.visit.pk}").status_code == 403
