"""The contact page's form: stored encrypted as an enquiry, staff told without details, robots
and floods turned away, errors by their fields with what was typed kept."""

from bs4 import BeautifulSoup
from django.core import mail
from django.db import connection
from django.test import Client

from klearmind.comments.models import CommentSettings
from klearmind.enquiries.models import Enquiry
from klearmind.enquiries.services import ENQUIRIES_PER_ADDRESS_PER_HOUR
from klearmind.pages.tests.test_pages import DemoSiteTestCase

VALID = {
    "name": "Ana Ruiz",
    "email": "ana@example.org",
    "phone": "916 555 0100",
    "message": "Could I book a consultation for next week?",
}


class ContactFormTestCase(DemoSiteTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        Enquiry.objects.all().delete()
        comment_settings = CommentSettings.load()
        comment_settings.time_trap_seconds = 0
        comment_settings.save()

    def setUp(self):
        self.csrf_client = Client(enforce_csrf_checks=True)
        self.address = 0

    def form_data(self) -> dict:
        soup = BeautifulSoup(self.csrf_client.get("/contact/").content, "html.parser")
        form = soup.select_one("form.form")
        return {tag["name"]: tag.get("value", "") for tag in form.select("input[type=hidden]")}

    def post(self, data, *, address: str | None = None):
        self.address += 1
        with self.captureOnCommitCallbacks(execute=True):
            return self.csrf_client.post(
                "/contact/",
                {**self.form_data(), **data},
                REMOTE_ADDR=address or f"203.0.113.{self.address}",
            )


class ContactFormTests(ContactFormTestCase):
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
        assert [text.split(" ")[0] for text in required] == ["Name", "Email", "Message"]
        assert "do not include health details" in soup.select_one(".contact").get_text()
        assert soup.select_one(".form__trap[aria-hidden=true] input[name=homepage]")

    def test_a_valid_message_is_stored_encrypted_and_staff_get_a_link_not_the_message(self):
        response = self.post(VALID)
        assert response.status_code == 302
        assert response["Location"] == "/contact/?sent=1"
        assert "no-store" in response["Cache-Control"]
        thanks = self.csrf_client.get(response["Location"])
        assert "Thank you for getting in touch" in thanks.content.decode()
        enquiry = Enquiry.objects.get()
        assert (enquiry.name, enquiry.email, enquiry.phone, enquiry.message) == tuple(
            VALID.values()
        )
        assert enquiry.status == "new"
        (email,) = mail.outbox
        assert email.to == ["front-desk@klearmind.example"]
        assert email.subject == "New message from the website"
        assert f"http://testserver/admin/enquiries/{enquiry.pk}/" in email.body
        for typed in VALID.values():
            assert typed not in email.body
            assert typed not in email.subject

    def test_the_database_holds_only_ciphertext(self):
        self.post({**VALID, "message": "I take sertraline and feel low"})
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, email, phone, message, address_hash FROM enquiries_enquiry"
            )
            (row,) = cursor.fetchall()
        stored = " ".join(row)
        for typed in (*VALID.values(), "sertraline", "203.0.113"):
            assert typed not in stored
        assert row[0].startswith("gAAAA")  # a Fernet token

    def test_errors_sit_by_their_fields_and_what_was_typed_is_kept(self):
        response = self.post({**VALID, "email": "not-an-address", "message": ""})
        assert response.status_code == 400
        soup = BeautifulSoup(response.content, "html.parser")
        assert Enquiry.objects.count() == 0
        assert mail.outbox == []
        email = soup.find("input", attrs={"name": "email"})
        assert email["value"] == "not-an-address"
        assert email["aria-invalid"] == "true"
        assert f"{email['id']}_error" in email["aria-describedby"].split()
        assert "like name@example.com" in soup.find(id=f"{email['id']}_error").get_text()
        assert soup.find("input", attrs={"name": "name"})["value"] == "Ana Ruiz"
        assert soup.select_one("#form-errors[role=alert]")
        assert "no-store" in response["Cache-Control"]

    def test_markup_emoji_and_right_to_left_text_are_stored_as_typed(self):
        typed = {**VALID, "name": '<script>alert("x")</script> Ana 🌿 שלום', "message": "<b>hi</b>"}
        self.post(typed)
        enquiry = Enquiry.objects.get()
        assert enquiry.name == typed["name"]
        assert enquiry.message == "<b>hi</b>"

    def test_invisible_control_characters_are_refused(self):
        for field, sneaky in (("name", "Ana\u202eziuR"), ("name", "Ana\x07"), ("phone", "916\x00")):
            response = self.post({**VALID, field: sneaky})
            assert Enquiry.objects.count() == 0, repr(sneaky)
            soup = BeautifulSoup(response.content, "html.parser")
            control = soup.find("input", attrs={"name": field})
            errors = soup.find(id=f"{control['id']}_error").get_text()
            assert "control character" in errors or "Null characters" in errors

    def test_a_null_byte_in_the_message_is_refused(self):
        response = self.post({**VALID, "message": "hello\x00"})
        assert response.status_code == 400
        assert Enquiry.objects.count() == 0
        assert "Null characters are not allowed" in response.content.decode()

    def test_a_message_longer_than_the_limit_is_refused_and_kept(self):
        long_message = "word " * 1001
        response = self.post({**VALID, "message": long_message})
        assert Enquiry.objects.count() == 0
        soup = BeautifulSoup(response.content, "html.parser")
        assert (
            soup.find("textarea", attrs={"name": "message"}).get_text().strip()
            == long_message.strip()
        )
        assert "at most 5000 characters" in soup.select_one(".field__errors").get_text()

    def test_a_form_without_the_csrf_token_is_refused(self):
        response = self.csrf_client.post("/contact/", VALID)
        assert response.status_code == 403
        assert Enquiry.objects.count() == 0


class RobotAndFloodTests(ContactFormTestCase):
    def test_a_filled_honeypot_is_thanked_and_nothing_is_stored_or_sent(self):
        response = self.post({**VALID, "homepage": "https://spam.example/"})
        assert response["Location"] == "/contact/?sent=1"
        assert Enquiry.objects.count() == 0
        assert mail.outbox == []

    def test_a_form_sent_too_fast_or_without_its_timestamp_is_dropped(self):
        comment_settings = CommentSettings.load()
        comment_settings.time_trap_seconds = 3
        comment_settings.save()
        for rendered in (None, "forged"):
            data = {**VALID} if rendered is None else {**VALID, "rendered": rendered}
            response = self.post(data)
            assert response["Location"] == "/contact/?sent=1"
        assert Enquiry.objects.count() == 0
        assert mail.outbox == []

    def test_a_second_message_from_one_address_or_e_mail_within_seconds_is_refused(self):
        self.post(VALID, address="203.0.113.200")
        again = self.post({**VALID, "email": "other@example.org"}, address="203.0.113.200")
        same_email = self.post({**VALID, "message": "Also: parking?"})
        for response in (again, same_email):
            assert response.status_code == 429
            assert "a moment ago" in response.content.decode()
            assert "Also: parking?" in same_email.content.decode()
        assert Enquiry.objects.count() == 1

    def test_one_address_may_send_only_a_few_messages_an_hour(self):
        comment_settings = CommentSettings.load()
        comment_settings.flood_seconds = 0
        comment_settings.save()
        for number in range(ENQUIRIES_PER_ADDRESS_PER_HOUR):
            self.post({**VALID, "email": f"n{number}@example.org"}, address="203.0.113.250")
        response = self.post({**VALID, "email": "last@example.org"}, address="203.0.113.250")
        assert response.status_code == 429
        assert "several messages from your connection" in response.content.decode()
        assert Enquiry.objects.count() == ENQUIRIES_PER_ADDRESS_PER_HOUR
