"""Indexes on the caller finder's name and phone hashes, built without locking writes."""

from django.db import migrations, models

from klearmind.clinic.indexes import AddIndexWithoutLocking


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY on PostgreSQL cannot run in a transaction.
    atomic = False

    dependencies = [("care", "0008_caller_lookup_hashes")]

    operations = [
        AddIndexWithoutLocking(
            model_name="patient",
            index=models.Index(fields=["name_hash"], name="care_patient_name_hash_idx"),
        ),
        AddIndexWithoutLocking(
            model_name="patient",
            index=models.Index(fields=["phone_hash"], name="care_patient_phone_hash_idx"),
        ),
    ]
