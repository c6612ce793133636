"""Indexes on the caller finder's name and phone hashes, built without locking writes."""

from django.db import migrations, models

from klearmind.clinic.indexes import AddIndexWithoutLocking


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY on PostgreSQL cannot run in a transaction.
    atomic = False

    dependencies = [("booking", "0011_caller_lookup_hashes")]

    operations = [
        AddIndexWithoutLocking(
            model_name="appointment",
            index=models.Index(fields=["patient_name_hash"], name="appointment_name_hash"),
        ),
        AddIndexWithoutLocking(
            model_name="appointment",
            index=models.Index(fields=["patient_phone_hash"], name="appointment_phone_hash"),
        ),
    ]
