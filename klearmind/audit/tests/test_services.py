import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory, TestCase

from klearmind.audit import services
from klearmind.audit.models import AuditEvent

from .factories import UserFactory


def request_from(remote_addr="198.51.100.20", forwarded=None, user=None):
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    request = RequestFactory().get("/admin/", **headers)
    request.user = user or AnonymousUser()
    return request


class RecordTests(TestCase):
    def test_takes_the_person_and_address_from_the_request(self):
        user = UserFactory(username="frontdesk.lee")
        event = services.record(action=AuditEvent.Action.VIEW, request=request_from(user=user))
        event = AuditEvent.objects.get(pk=event.pk)
        assert (event.actor, event.actor_label, event.ip_address) == (
            user,
            "frontdesk.lee",
            "198.51.100.20",
        )
        assert event.occurred_at is not None

    def test_names_the_target_record_by_its_model_label_and_key(self):
        user = UserFactory()
        event = services.record(action="change", actor=user, target=user)
        assert (event.action, event.target_type, event.target_id) == (
            "change",
            "auth.user",
            str(user.pk),
        )

    def test_records_a_failed_login_with_no_actor_and_the_username_tried(self):
        event = services.record(
            action=AuditEvent.Action.FAILED_LOGIN, request=request_from(), detail="admin"
        )
        assert (event.actor, event.actor_label, event.detail) == (None, "", "admin")

    def test_an_explicit_actor_wins_over_an_anonymous_request(self):
        user = UserFactory(username="dr.kim")
        event = services.record(action=AuditEvent.Action.LOGIN, request=request_from(), actor=user)
        assert event.actor_label == "dr.kim"

    def test_accepts_a_target_given_as_type_and_id(self):
        event = services.record(action="export", target_type="intake.submission", target_id=42)
        assert (event.target_type, event.target_id, event.ip_address) == (
            "intake.submission",
            "42",
            None,
        )

    def test_shortens_a_long_detail_to_fit(self):
        event = services.record(action="view", detail="x" * 600)
        assert len(event.detail) == 500
        assert event.detail.endswith("…")

    def test_refuses_an_unknown_action(self):
        with pytest.raises(ValueError):
            services.record(action="peek")
        assert not AuditEvent.objects.exists()


class ActorLabelTests(TestCase):
    def test_names_an_actor_without_a_login(self):
        event = services.record(
            action=AuditEvent.Action.VIEW, actor_label=services.PATIENT_ITSELF, detail="portal"
        )
        assert (event.actor, event.actor_label) == (None, services.PATIENT_ITSELF)

    def test_a_staff_login_wins_over_the_label(self):
        user = UserFactory(username="desk")
        event = services.record(
            action=AuditEvent.Action.VIEW, actor=user, actor_label=services.PATIENT_ITSELF
        )
        assert event.actor_label == "desk"
