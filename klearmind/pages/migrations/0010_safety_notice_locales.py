import uuid

from django.conf import settings
from django.db import migrations
from wagtail.coreutils import get_supported_content_language_variant


def default_locale(Locale):
    """The site's own language, or the first locale made when Wagtail was installed."""
    try:
        language = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    except LookupError:
        language = settings.LANGUAGE_CODE
    chosen = Locale.objects.filter(language_code=language).first()
    return chosen or Locale.objects.order_by("pk").first()


def fill_locale_and_key(apps, schema_editor):
    """Every existing notice is in the default language and starts its own translation set."""
    SafetyNotice = apps.get_model("pages", "SafetyNotice")
    Locale = apps.get_model("wagtailcore", "Locale")
    locale = default_locale(Locale)
    for notice in SafetyNotice.objects.filter(translation_key__isnull=True).only("pk").iterator():
        notice.translation_key = uuid.uuid4()
        notice.locale = locale
        notice.save(update_fields=["translation_key", "locale"])


class Migration(migrations.Migration):
    """Safety notices become translatable (docs/decisions/043), in three steps as Wagtail
    recommends: nullable fields (0009), filled here, then required and unique (0011). The data
    step is a migration of its own so PostgreSQL never alters a table it has just updated in
    the same transaction."""

    dependencies = [("pages", "0009_safety_notice_translatable_fields")]

    operations = [migrations.RunPython(fill_locale_and_key, migrations.RunPython.noop)]
