from unittest import mock

from django.contrib.auth.models import Group, Permission
from django.test import Client, TestCase
from django.urls import reverse

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.audit.models import AuditEvent
from klearmind.outbox.models import OutgoingMessage, Status
from klearmind.outbox.services import enqueue

from .test_outbox import KIND


class OutboxScreenTests(TestCase):
    def setUp(self):
        group = Group.objects.create(name="Ana")
        with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError):
            self.message = enqueue(kind=KIND, recipient="ana@example.org", about=group)
        OutgoingMessage.objects.filter(pk=self.message.pk).update(status=Status.FAILED)
        self.listing = reverse("outbox_admin:listing")

    def test_the_owner_sees_the_failed_message_with_its_recipient_and_the_view_is_audited(self):
        response = sign_in(Client(), staff("Owner")).get(self.listing, {"status": "failed"})
        page = response.content.decode()
        assert "ana@example.org" in page
        assert "Send again" in page
        event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
        assert event.target_type == "outbox.outgoingmessage"
        assert str(self.message.pk) in event.detail

    def test_other_roles_are_refused(self):
        for role in ("Clinician", "Front desk", "Editor", "Moderator"):
            with self.subTest(role=role):
                response = sign_in(Client(), staff(role)).get(self.listing)
                assert response.status_code == 403

    def test_a_reader_without_access_to_contact_details_sees_the_recipient_masked(self):
        user = staff("Moderator")
        user.user_permissions.add(Permission.objects.get(codename="view_outgoingmessage"))
        response = sign_in(Client(), user).get(self.listing)
        page = response.content.decode()
        assert "ana@example.org" not in page
        assert "a•••@example.org" in page
        assert "Send again" not in page

    def test_retry_is_a_post_and_sends_the_failed_message_again(self):
        client = sign_in(Client(), staff("Owner"))
        retry = reverse("outbox_admin:retry", args=[self.message.pk])
        assert client.get(retry).status_code == 405
        with self.captureOnCommitCallbacks(execute=True):
            response = client.post(retry)
        assert response.status_code == 302
        self.message.refresh_from_db()
        assert self.message.status == Status.SENT
        assert AuditEvent.objects.filter(
            action=AuditEvent.Action.CHANGE, target_type="outbox.outgoingmessage"
        ).exists()

    def test_retry_is_refused_without_the_csrf_token(self):
        client = sign_in(Client(enforce_csrf_checks=True), staff("Owner"))
        response = client.post(reverse("outbox_admin:retry", args=[self.message.pk]))
        assert response.status_code == 403
        self.message.refresh_from_db()
        assert self.message.status == Status.FAILED
