"""The keyed hashes of the whole name and the phone number on each appointment, for the
desk's caller finder (docs/decisions/038), filled for the rows saved before they existed."""

from django.db import migrations

import klearmind.encryption.fields
from klearmind.encryption.backfill import fill_lookup_hashes


def fill(apps, schema_editor):
    # Read through the historical model, which decrypts the name and the phone number.
    fill_lookup_hashes(
        apps.get_model("booking", "Appointment"), "patient_name_hash", "patient_phone_hash"
    )


class Migration(migrations.Migration):
    dependencies = [("booking", "0010_appointment_calendar_sequence")]

    operations = [
        migrations.AddField(
            model_name="appointment",
            name="patient_name_hash",
            field=klearmind.encryption.fields.LookupHashField(
                db_index=False, normalise="name", purpose="name", source="patient_name"
            ),
        ),
        migrations.AddField(
            model_name="appointment",
            name="patient_phone_hash",
            field=klearmind.encryption.fields.LookupHashField(
                db_index=False, normalise="phone", purpose="phone", source="patient_phone"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
