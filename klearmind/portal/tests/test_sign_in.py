import datetime

import time_machine
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse

from klearmind.audit.models import AuditEvent
from klearmind.audit.services import PATIENT_ITSELF
from klearmind.booking.links import PORTAL_PERSON
from klearmind.care.tests.factories import PATIENT_EMAIL
from klearmind.outbox.models import OutgoingMessage
from klearmind.portal.models import SignInLink
from klearmind.portal.services import (
    ADDRESS_LIMITED,
    CONNECTION_LIMITED,
    LINKS_PER_ADDRESS,
    LINKS_PER_CONNECTION,
    use_sign_in_link,
)

from .factories import OTHER_EMAIL, SeriesUnderWay, e_mailed_link, person

SAME_ANSWER = "If we know this address, a link to sign in is on its way."


class AskingForALinkTests(TestCase):
    def setUp(self):
        self.people = SeriesUnderWay()

    def ask(self, email, **extra):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(reverse("portal:sign_in"), {"email": email}, **extra)

    def test_a_known_address_gets_one_e_mail_with_only_the_link(self):
        response = self.ask(PATIENT_EMAIL)
        assert SAME_ANSWER in response.content.decode()
        [message] = mail.outbox
        assert message.to == [PATIENT_EMAIL]
        assert "/my/sign-in/" in message.body
        for health in ("PHQ", "ketamine", "Ketamine", "Midtown", "infusion", "Rowan"):
            assert health not in message.body and health not in message.subject

    def test_an_unknown_address_gets_the_same_answer_and_no_e_mail(self):
        known = self.ask(PATIENT_EMAIL).content.decode()
        mail.outbox.clear()
        unknown = self.ask("nobody@example.org").content.decode()
        assert unknown == known
        assert mail.outbox == []
        assert not SignInLink.objects.filter(person_hash=person("nobody@example.org")).exists()

    def test_an_address_with_only_a_booking_gets_a_link(self):
        self.people.treatment.visit(self.people.visits[0].starts_at, email="booked@example.org")
        self.ask("booked@example.org")
        assert mail.outbox[0].to == ["booked@example.org"]

    def test_the_token_is_stored_only_as_a_hash(self):
        path = e_mailed_link(self)
        token = path.rstrip("/").rsplit("/", 1)[1]
        link = SignInLink.objects.get()
        assert token not in (link.token_hash, link.person_hash)
        assert token not in str(OutgoingMessage.objects.values().get())
        assert link.expires_at - link.created_at == datetime.timedelta(minutes=15)

    def test_a_wrong_address_is_refused_beside_the_field_and_kept(self):
        response = self.client.post(reverse("portal:sign_in"), {"email": "not an address"})
        page = response.content.decode()
        assert response.status_code == 400
        assert 'id="id_email_error"' in page and 'aria-invalid="true"' in page
        assert 'value="not an address"' in page

    def test_hostile_input_is_refused_and_escaped(self):
        for typed in ("<script>x</script>@example.org", "a\x00b@example.org", "x" * 300):
            response = self.client.post(reverse("portal:sign_in"), {"email": typed})
            assert response.status_code == 400
            assert "<script>x" not in response.content.decode()
        assert mail.outbox == []

    def test_one_address_is_limited_whether_known_or_not(self):
        for email in (PATIENT_EMAIL, "nobody@example.org"):
            for _ in range(LINKS_PER_ADDRESS):
                assert self.ask(email).status_code == 200
            refused = self.ask(email)
            assert refused.status_code == 429
            assert ADDRESS_LIMITED in refused.content.decode()
        assert len(mail.outbox) == LINKS_PER_ADDRESS

    def test_one_connection_is_limited_across_addresses(self):
        for n in range(LINKS_PER_CONNECTION):
            assert self.ask(f"someone{n}@example.org").status_code == 200
        refused = self.ask(OTHER_EMAIL)
        assert refused.status_code == 429
        assert CONNECTION_LIMITED in refused.content.decode()
        assert self.ask(OTHER_EMAIL, REMOTE_ADDR="192.0.2.9").status_code == 200

    def test_the_form_needs_its_csrf_token(self):
        client = Client(enforce_csrf_checks=True)
        assert client.post(reverse("portal:sign_in"), {"email": PATIENT_EMAIL}).status_code == 403
        page = client.get(reverse("portal:sign_in"))
        token = page.cookies["csrftoken"].value
        response = client.post(
            reverse("portal:sign_in"), {"email": PATIENT_EMAIL, "csrfmiddlewaretoken": token}
        )
        assert response.status_code == 200


class UsingALinkTests(TestCase):
    def setUp(self):
        SeriesUnderWay()
        self.path = e_mailed_link(self)

    def test_opening_the_link_shows_a_button_and_uses_nothing(self):
        for _ in range(2):  # a mail scanner, then the person
            response = self.client.get(self.path)
            assert response.status_code == 200
            assert "Sign in</button>" in response.content.decode()
        assert SignInLink.objects.get().used_at is None
        assert PORTAL_PERSON not in self.client.session

    def test_pressing_sign_in_signs_in_under_a_new_session_key(self):
        self.client.get(self.path)
        before = self.client.session.session_key
        response = self.client.post(self.path)
        assert response["Location"] == reverse("portal:home")
        assert self.client.session[PORTAL_PERSON] == person(PATIENT_EMAIL)
        assert self.client.session.session_key != before
        login = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
        assert (login.actor_label, login.target_id) == (PATIENT_ITSELF, person(PATIENT_EMAIL))

    def test_a_link_works_once(self):
        self.client.post(self.path)
        again = Client()
        for response in (again.get(self.path), again.post(self.path)):
            assert response.status_code == 410
            assert "This link no longer works" in response.content.decode()
            assert "E-mail me a new link" in response.content.decode()
        assert PORTAL_PERSON not in again.session

    def test_two_uses_at_once_sign_in_once(self):
        token = self.path.rstrip("/").rsplit("/", 1)[1]
        assert use_sign_in_link(token=token) == person(PATIENT_EMAIL)
        assert use_sign_in_link(token=token) == ""

    def test_an_expired_link_offers_a_new_one(self):
        with time_machine.travel(datetime.timedelta(minutes=16)):
            assert self.client.get(self.path).status_code == 410
            response = self.client.post(self.path)
        assert response.status_code == 410
        assert PORTAL_PERSON not in self.client.session

    def test_a_changed_link_is_not_found(self):
        changed = self.path[:-3] + ("A" if self.path[-3] != "A" else "B") + self.path[-2:]
        assert self.client.get(changed).status_code == 404
        assert self.client.post(changed).status_code == 410
        assert PORTAL_PERSON not in self.client.session

    def test_using_the_link_needs_the_csrf_token(self):
        client = Client(enforce_csrf_checks=True)
        assert client.post(self.path).status_code == 403
        assert SignInLink.objects.get().used_at is None

    def test_a_link_e_mailed_after_it_expired_is_not_sent(self):
        mail.outbox.clear()
        with time_machine.travel(datetime.timedelta(minutes=20)):
            from klearmind.outbox.tasks import deliver

            message = OutgoingMessage.objects.get()
            OutgoingMessage.objects.filter(pk=message.pk).update(status="queued")
            deliver.call(message_id=message.pk)
        assert mail.outbox == []


class SigningOutTests(TestCase):
    def setUp(self):
        SeriesUnderWay()
        self.client.post(e_mailed_link(self))

    def test_signing_out_forgets_the_person(self):
        response = self.client.post(reverse("portal:sign_out"))
        assert response["Location"] == reverse("portal:sign_in") + "?signed_out=1"
        assert PORTAL_PERSON not in self.client.session
        assert self.client.get(reverse("portal:home"))["Location"] == reverse("portal:sign_in")

    def test_signing_out_is_a_post(self):
        assert self.client.get(reverse("portal:sign_out")).status_code == 405
        assert self.client.session[PORTAL_PERSON]

    def test_thirty_minutes_idle_signs_out(self):
        with time_machine.travel(datetime.timedelta(minutes=29)):
            assert self.client.get(reverse("portal:home")).status_code == 200
        with time_machine.travel(datetime.timedelta(minutes=29 + 31)):
            response = self.client.get(reverse("portal:home"))
            assert response["Location"] == reverse("portal:sign_in") + "?idle=1"
            page = self.client.get(response["Location"]).content.decode()
        assert "signed out after 30 minutes without activity" in page
