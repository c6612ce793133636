from django.db import migrations, models

from klearmind.clinic.indexes import AddIndexWithoutLocking


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY on PostgreSQL cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("comments", "0006_comment_status_queue_index"),
    ]

    operations = [
        AddIndexWithoutLocking(
            model_name="comment",
            index=models.Index(
                condition=models.Q(("ip_address__isnull", False), models.Q(("user_agent", ""), _negated=True), _connector="OR"),
                fields=["submitted_at"],
                name="comment_network_data",
            ),
        ),
    ]
