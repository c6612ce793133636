"""Test data for the audit log: staff users with or without the report permission, and events."""

from unittest import mock

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from klearmind.audit.models import AuditEvent


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@clinic.example")
    password = factory.django.Password("a long test password")

    @factory.post_generation
    def permissions(user, create, extracted, **kwargs):
        """`UserFactory(permissions=["audit.view_auditevent"])`, as "app_label.codename"."""
        for name in extracted or ():
            app_label, codename = name.split(".")
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


class AdminUserFactory(UserFactory):
    """Someone who can sign in to the back office, and nothing more unless given permissions."""

    @factory.post_generation
    def admin_access(user, create, extracted, **kwargs):
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
        )


class AuditEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEvent

    action = AuditEvent.Action.VIEW
    actor = factory.SubFactory(UserFactory)
    actor_label = factory.LazyAttribute(
        lambda event: event.actor.get_username() if event.actor else ""
    )
    ip_address = "203.0.113.7"
    target_type = "care.patient"
    # Never a bare number, so a test filtering on a record id it chose meets only its own event.
    target_id = factory.Sequence(lambda n: f"factory-{n}")


def sign_in_unaudited(client, user):
    """Sign in without the sign-in's own audit entry, so a test sees only the events it made."""
    with mock.patch("klearmind.accounts.receivers.record"):
        client.force_login(user)
