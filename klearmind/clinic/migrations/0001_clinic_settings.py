"""The clinic settings move here from the public site's app; their table stays where it is."""

import django.db.models.deletion
import wagtail.fields
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    # Permissions (and the groups that hold them) hang on the content type: move it along.
    content_type_model = apps.get_model("contenttypes", "ContentType")
    moved = content_type_model.objects.filter(app_label="clinic", model="clinicsettings")
    if not moved.exists():
        content_type_model.objects.filter(app_label="pages", model="clinicsettings").update(
            app_label="clinic"
        )


def move_content_type_back(apps, schema_editor):
    content_type_model = apps.get_model("contenttypes", "ContentType")
    if not content_type_model.objects.filter(app_label="pages", model="clinicsettings").exists():
        content_type_model.objects.filter(app_label="clinic", model="clinicsettings").update(
            app_label="pages"
        )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("pages", "0002_contact_page_takes_enquiries"),  # which made the table
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ClinicSettings",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("clinic_name", models.CharField(default="Klearmind", max_length=120)),
                        ("tagline", models.CharField(blank=True, max_length=200)),
                        ("phone", models.CharField(blank=True, max_length=30)),
                        ("email", models.EmailField(blank=True, max_length=254)),
                        ("crisis_line_text", models.TextField(default="If you are in crisis or thinking about harming yourself, call or text 988 (Suicide & Crisis Lifeline) any time. In an emergency, call 911.", help_text="Shown in the footer of every page.")),
                        ("footer_links", wagtail.fields.StreamField([("link", 3)], blank=True, block_lookup={0: ("wagtail.blocks.CharBlock", (), {"max_length": 60}), 1: ("wagtail.blocks.PageChooserBlock", (), {"required": False}), 2: ("wagtail.blocks.URLBlock", (), {"required": False}), 3: ("wagtail.blocks.StructBlock", [[("label", 0), ("page", 1), ("url", 2)]], {})})),
                        ("booking_page", models.ForeignKey(blank=True, help_text="Where the 'Book a free consultation' button leads.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.WAGTAIL_PAGE_MODEL)),
                    ],
                    options={
                        "verbose_name": "clinic settings",
                        "db_table": "pages_clinicsettings",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
