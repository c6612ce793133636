from django.db import migrations, models

from klearmind.clinic.indexes import AddIndexWithoutLocking


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY on PostgreSQL cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("comments", "0005_remove_notification"),
    ]

    operations = [
        AddIndexWithoutLocking(
            model_name="comment",
            index=models.Index(
                fields=["status", "urgent", "submitted_at", "id"], name="comment_status_queue"
            ),
        ),
    ]
