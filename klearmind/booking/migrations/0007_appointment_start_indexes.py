from django.db import migrations, models

from klearmind.clinic.indexes import AddIndexWithoutLocking


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY on PostgreSQL cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("booking", "0006_remove_bookingemail"),
    ]

    operations = [
        AddIndexWithoutLocking(
            model_name="appointment",
            index=models.Index(fields=["location", "starts_at"], name="appointment_location_start"),
        ),
        AddIndexWithoutLocking(
            model_name="appointment",
            index=models.Index(fields=["starts_at"], name="appointment_start"),
        ),
    ]
