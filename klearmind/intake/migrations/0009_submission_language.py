"""The language a questionnaire was answered in; those sent before it were all in English."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0008_caller_lookup_hash_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="language",
            field=models.CharField(
                choices=[("en", "English"), ("es", "Spanish")],
                default="en",
                max_length=2,
                verbose_name="answered in",
            ),
        ),
    ]
