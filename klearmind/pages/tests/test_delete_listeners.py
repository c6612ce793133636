"""The page cache listens to the deletes of what pages show, and of nothing else: Django loads
every row of a model with a delete listener before deleting it, instead of one DELETE."""

from django.apps import apps
from django.db.models.signals import post_delete
from django.urls import reverse

from klearmind.pages.signals import content_changed, shown_in_fragments, shown_on_pages


def listens(model) -> bool:
    return content_changed in post_delete._live_receivers(model)[0]


def test_every_model_a_page_shows_is_listened_to_once_the_hooks_are_loaded():
    reverse("wagtailadmin_home")  # the admin's URLs: every app's hooks, snippets registered
    missing = [m for m in shown_on_pages() | shown_in_fragments() if not listens(m)]
    assert missing == []


def test_the_health_records_and_other_domain_models_are_not_listened_to():
    reverse("wagtailadmin_home")
    shown = shown_on_pages() | shown_in_fragments()
    listened = {m for m in apps.get_models() if listens(m)}
    assert listened == set(shown)
    for label in ("care.Patient", "booking.Appointment", "intake.Draft", "audit.AuditEvent"):
        model = apps.get_model(label)
        assert not post_delete.has_listeners(model), label
