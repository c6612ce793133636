from django.db import migrations, models

from klearmind.clinic.indexes import AddIndexWithoutLocking


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run in a transaction.
    atomic = False

    dependencies = [
        ("outbox", "0001_initial"),
    ]

    operations = [
        AddIndexWithoutLocking(
            model_name="outgoingmessage",
            index=models.Index(fields=["status", "next_attempt_at"], name="outbox_status_due"),
        ),
        AddIndexWithoutLocking(
            model_name="outgoingmessage",
            index=models.Index(fields=["status", "claimed_at"], name="outbox_status_claimed"),
        ),
    ]
