from django.db import migrations, models

from klearmind.clinic.indexes import AddIndexWithoutLocking


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY on PostgreSQL cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("care", "0009_caller_lookup_hash_indexes"),
    ]

    operations = [
        AddIndexWithoutLocking(
            model_name="measurement",
            index=models.Index(
                condition=models.Q(("reviewed_at__isnull", True), ("urgent", True)),
                fields=["source", "taken_at"],
                name="care_score_open_urgent_idx",
            ),
        ),
    ]
