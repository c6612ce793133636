"""Indexes on the caller finder's name and phone hashes, built without locking writes."""

from django.db import migrations, models

from klearmind.clinic.indexes import AddIndexWithoutLocking


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY on PostgreSQL cannot run in a transaction.
    atomic = False

    dependencies = [("intake", "0007_caller_lookup_hashes")]

    operations = [
        AddIndexWithoutLocking(
            model_name="submission",
            index=models.Index(fields=["name_hash"], name="intake_submission_name_idx"),
        ),
        AddIndexWithoutLocking(
            model_name="submission",
            index=models.Index(fields=["phone_hash"], name="intake_submission_phone_idx"),
        ),
    ]
