from django.db import migrations, models

from klearmind.clinic.indexes import AddIndexWithoutLocking


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY on PostgreSQL cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("comments", "0007_comment_network_data_index"),
    ]

    operations = [
        AddIndexWithoutLocking(
            model_name="comment",
            index=models.Index(
                condition=models.Q(("urgent", True)), fields=["submitted_at"], name="comment_urgent"
            ),
        ),
    ]
