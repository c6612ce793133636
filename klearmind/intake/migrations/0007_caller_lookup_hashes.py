"""The keyed hashes of the whole name and the phone number of the questionnaires, for the desk's
caller finder (docs/decisions/038), filled for the rows saved before they existed."""

from django.db import migrations

import klearmind.encryption.fields
from klearmind.encryption.backfill import fill_lookup_hashes


def fill(apps, schema_editor):
    # Read through the historical model, which decrypts the name and the phone number.
    fill_lookup_hashes(apps.get_model("intake", "Submission"), "name_hash", "phone_hash")


class Migration(migrations.Migration):
    dependencies = [("intake", "0006_consultation_match")]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="name_hash",
            field=klearmind.encryption.fields.LookupHashField(
                db_index=False, normalise="name", purpose="name", source="full_name"
            ),
        ),
        migrations.AddField(
            model_name="submission",
            name="phone_hash",
            field=klearmind.encryption.fields.LookupHashField(
                db_index=False, normalise="phone", purpose="phone", source="phone"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
