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

    def test_markup_emoji_and_right_to_left_text_are_stored_as_typed(self):
        typed = {**VALID, "name": '<script>alert("x")</script> Ana 🌿 שלום', "message": "<b>hi</b>"}
        response = self.post(typed)
        assert b"<script>alert" not in response.content
        stored = FormSubmission.objects.get().get_data()
        assert stored["name"] == typed["name"]
        assert stored["message"] == "<b>hi</b>"

    def test_invisible_control_characters_in_a_name_are_refused(self):
        for sneaky in ("Ana\u202eziuR", "Ana\x00Ruiz", "Ana\x07"):
            response = self.post({**VALID, "name": sneaky})
            assert FormSubmission.objects.count() == 0, repr(sneaky)
            soup = BeautifulSoup(response.content, "html.parser")
            name = soup.find("input", attrs={"name": "name"})
            errors = soup.find(id=f"{name['id']}_error").get_text()
            assert "control character" in errors or "Null characters" in errors

    def test_a_message_longer_than_the_limit_is_refused_and_kept(self):
        long_message = "word " * 1001
        response = self.post({**VALID, "message": long_message})
        assert FormSubmission.objects.count() == 0
        soup = BeautifulSoup(response.content, "html.parser")
        assert (
            soup.find("textarea", attrs={"name": "message"}).get_text().strip()
            == long_message.strip()
        )
        assert "at most 5000 characters" in soup.select_one(".field__errors").get_text()

    def test_a_form_without_the_csrf_token_is_refused(self):
        response = self.csrf_client.post("/contact/", VALID)
        assert response.status_code == 403
        assert FormSubmission.objects.count() == 0
