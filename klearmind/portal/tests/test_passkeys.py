import json

from django.test import Client, TestCase, override_settings
from django.urls import reverse

from klearmind.audit.models import AuditEvent
from klearmind.booking.links import PORTAL_PERSON
from klearmind.care.tests.factories import PATIENT_EMAIL
from klearmind.portal.models import Passkey
from klearmind.portal.passkeys import NOT_ACCEPTED, relying_party

from .factories import OTHER_EMAIL, SeriesUnderWay, person, signed_in
from .softkey import SoftKey


def post_json(client, name: str, body: str = "", *args):
    return client.post(reverse(name, args=args), body, content_type="application/json")


def add_passkey(client, key: SoftKey):
    options = post_json(client, "portal:passkey_add_options").json()
    return post_json(client, "portal:passkey_add", key.create(options))


def sign_in_with(client, key: SoftKey, **answer):
    options = post_json(client, "portal:passkey_sign_in_options").json()
    return post_json(client, "portal:passkey_sign_in", key.get(options, **answer))


class RelyingPartyTests(TestCase):
    def test_is_the_sites_own_address(self):
        with override_settings(WAGTAILADMIN_BASE_URL="https://clinic.example"):
            assert relying_party() == ("clinic.example", "https://clinic.example")

    def test_on_the_loopback_address_is_localhost(self):
        with override_settings(WAGTAILADMIN_BASE_URL="http://127.0.0.1:8000"):
            assert relying_party() == ("localhost", "http://localhost:8000")


class AddingAPasskeyTests(TestCase):
    def setUp(self):
        SeriesUnderWay()
        signed_in(self.client)
        self.key = SoftKey()

    def test_the_options_name_the_site_and_the_person_and_ask_for_a_discoverable_key(self):
        options = post_json(self.client, "portal:passkey_add_options").json()
        assert options["rp"]["id"] == "testserver"
        assert options["user"]["name"] == PATIENT_EMAIL
        assert options["authenticatorSelection"]["residentKey"] == "required"

    def test_a_device_answer_keeps_the_passkey_for_the_person(self):
        response = add_passkey(self.client, self.key)
        assert response.json() == {"redirect": reverse("portal:passkeys") + "?added=1"}
        passkey = Passkey.objects.get()
        assert passkey.person_hash == person()
        assert bytes(passkey.credential_id) == self.key.credential_id
        assert passkey.sign_count == 1

    def test_the_challenge_is_used_once(self):
        options = post_json(self.client, "portal:passkey_add_options").json()
        answer = self.key.create(options)
        assert post_json(self.client, "portal:passkey_add", answer).status_code == 200
        again = post_json(self.client, "portal:passkey_add", answer)
        assert (again.status_code, again.json()["error"]) == (400, NOT_ACCEPTED)
        assert Passkey.objects.count() == 1

    def test_an_answer_for_another_site_is_refused(self):
        response = add_passkey(self.client, SoftKey(origin="https://elsewhere.example"))
        assert response.status_code == 400
        assert response.json()["error"] == NOT_ACCEPTED
        assert not Passkey.objects.exists()

    def test_rubbish_is_refused(self):
        post_json(self.client, "portal:passkey_add_options")
        for body in ("", "not json", "{}", '{"rawId": 5}', "\x00"):
            assert post_json(self.client, "portal:passkey_add", body).status_code == 400
        assert not Passkey.objects.exists()

    def test_needs_a_signed_in_person_and_the_csrf_token(self):
        anonymous = post_json(Client(), "portal:passkey_add_options")
        assert anonymous["Location"] == reverse("portal:sign_in")
        strict = Client(enforce_csrf_checks=True)
        signed_in(strict)
        assert post_json(strict, "portal:passkey_add_options").status_code == 403

    def test_the_list_shows_the_persons_own_passkeys_and_removes_them(self):
        add_passkey(self.client, self.key)
        other = Client()
        signed_in(other, OTHER_EMAIL)
        add_passkey(other, SoftKey())
        mine, theirs = Passkey.objects.order_by("pk")
        page = self.client.get(reverse("portal:passkeys")).content.decode()
        assert reverse("portal:passkey_remove", args=[mine.pk]) in page
        assert reverse("portal:passkey_remove", args=[theirs.pk]) not in page
        self.client.post(reverse("portal:passkey_remove", args=[theirs.pk]))
        assert Passkey.objects.count() == 2
        self.client.post(reverse("portal:passkey_remove", args=[mine.pk]))
        assert list(Passkey.objects.all()) == [theirs]


class SigningInWithAPasskeyTests(TestCase):
    def setUp(self):
        SeriesUnderWay()
        owner = Client()
        signed_in(owner)
        self.key = SoftKey()
        add_passkey(owner, self.key)

    def test_the_device_signs_the_person_in_under_a_new_session_key(self):
        self.client.get(reverse("portal:sign_in"))
        before = self.client.session.session_key
        response = sign_in_with(self.client, self.key)
        assert response.json() == {"redirect": reverse("portal:home")}
        assert self.client.session[PORTAL_PERSON] == person()
        assert self.client.session.session_key != before
        passkey = Passkey.objects.get()
        assert passkey.last_used_at is not None and passkey.sign_count == 2
        assert AuditEvent.objects.filter(detail="patient portal, passkey").exists()

    def test_a_wrong_signature_is_refused(self):
        response = sign_in_with(self.client, self.key, tamper=True)
        assert response.status_code == 400
        assert PORTAL_PERSON not in self.client.session

    def test_an_unknown_passkey_is_refused(self):
        assert sign_in_with(self.client, SoftKey()).status_code == 400
        assert PORTAL_PERSON not in self.client.session

    def test_a_replayed_answer_is_refused(self):
        options = post_json(self.client, "portal:passkey_sign_in_options").json()
        answer = self.key.get(options)
        assert post_json(self.client, "portal:passkey_sign_in", answer).status_code == 200
        replay = Client()
        post_json(replay, "portal:passkey_sign_in_options")
        assert post_json(replay, "portal:passkey_sign_in", answer).status_code == 400
        assert PORTAL_PERSON not in replay.session

    def test_without_a_challenge_nothing_is_checked(self):
        options = {"challenge": "AAAA"}
        response = post_json(self.client, "portal:passkey_sign_in", self.key.get(options))
        assert response.status_code == 400

    def test_another_users_handle_is_refused(self):
        self.key.user_handle = b"someone else"
        assert sign_in_with(self.client, self.key).status_code == 400

    def test_the_sign_in_page_offers_passkeys_only_with_script_on_this_origin(self):
        page = self.client.get(reverse("portal:sign_in")).content.decode()
        assert 'data-passkey="sign-in" data-origin="http://testserver"' in page
        assert "Sign in with a passkey" in page and "hidden>" in page
        assert json.dumps("portal/passkeys.js")[1:-1] in page
