"""The contact form: built with Wagtail's form builder, stored, and staff told without details."""

from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client
from wagtail.contrib.forms.models import FormSubmission

from klearmind.pages.models import ContactPage

from .test_pages import DemoSiteTestCase

VALID = {
    "name": "Ana Ruiz",
    "email": "ana@example.org",
    "phone": "916 555 0100",
    "preferred_location": "Roseville",
    "message": "Could I book a consultation for next week?",
}


class ContactFormTests(DemoSiteTestCase):
    def setUp(self):
        self.csrf_client = Client(enforce_csrf_checks=True)

    def post(self, data):
        response = self.csrf_client.get("/contact/")
        token = BeautifulSoup(response.content, "html.parser").find(
            "input", attrs={"name": "csrfmiddlewaretoken"}
        )["value"]
        with self.captureOnCommitCallbacks(execute=True):
            return self.csrf_client.post("/contact/", {**data, "csrfmiddlewaretoken": token})

    def test_every_field_has_a_label_and_required_ones_are_marked(self):
        soup = BeautifulSoup(self.client.get("/contact/").content, "html.parser")
        for control in soup.select(
            "form.form input:not([type=hidden]), form.form select, form.form textarea"
        ):
            label = soup.find("label", attrs={"for": control["id"]})
            assert label is not None, control
        required = [
            label.get_text(" ", strip=True)
            for label in soup.select("label")
            if label.select(".required")
        ]
        assert any(text.startswith("Message") for text in required)
        assert "do not include health details" in soup.select_one(".contact").get_text()

    def test_a_valid_message_is_stored_and_staff_get_a_link_not_the_message(self):
        response = self.post(VALID)
        assert response.status_code == 200
        assert b"Thank you" in response.content
        submission = FormSubmission.objects.get()
        assert submission.get_data()["message"] == VALID["message"]
        (email,) = mail.outbox
        assert email.to == ["front-desk@klearmind.example"]
        page = ContactPage.objects.get()
        assert f"/admin/forms/submissions/{page.pk}/" in email.body
        for typed in VALID.values():
            assert typed not in email.body
            assert typed not in email.subject

    def test_errors_sit_by_their_fields_and_what_was_typed_is_kept(self):
        response = self.post({**VALID, "email": "not-an-address", "message": ""})
        soup = BeautifulSoup(response.content, "html.parser")
        assert FormSubmission.objects.count() == 0
        assert mail.outbox == []
        email = soup.find("input", attrs={"name": "email"})
        assert email["value"] == "not-an-address"
        assert email["aria-invalid"] == "true"
        assert f"{email['id']}_error" in email["aria-describedby"].split()
        assert "valid email" in soup.find(id=f"{email['id']}_error").get_text()
        assert soup.find("input", attrs={"name": "name"})["value"] == "Ana Ruiz"
        assert soup.select_one("#form-errors[role=alert]")

    def test_markup_is_stored_as_text_and_never_rendered(self):
        hostile = {
            **VALID,
            "name": '<script>alert("x")</script> 𝓐𝓷𝓪 שלום',
            "message": "hi\u202e there",
        }
        self.post(hostile)
        stored = FormSubmission.objects.get().get_data()
        assert stored["name"] == hostile["name"]

    def test_a_form_without_the_csrf_token_is_refused(self):
        response = self.csrf_client.post("/contact/", VALID)
        assert response.status_code == 403
        assert FormSubmission.objects.count() == 0
