from django.db import migrations


def add_spanish(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    Locale.objects.get_or_create(language_code="es")


def remove_spanish(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    Page = apps.get_model("wagtailcore", "Page")
    if not Page.objects.filter(locale__language_code="es").exists():
        Locale.objects.filter(language_code="es").delete()


class Migration(migrations.Migration):
    """Spanish beside English (docs/decisions/043): the locale pages are translated into."""

    dependencies = [
        ("pages", "0007_page_images"),
        ("wagtailcore", "0054_initial_locale"),
    ]

    operations = [migrations.RunPython(add_spanish, remove_spanish)]
