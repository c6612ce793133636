from django.db import migrations

from klearmind.outbox.moving import move_rows

TEMPLATES = {
    "held": "comments/email/moderation",
    "urgent": "comments/email/moderation",
    "approved": "comments/email/author",
    "reply": "comments/email/author",
    "crisis": "comments/email/crisis_resources",
}


def forwards(apps, schema_editor):
    move_rows(
        apps,
        apps.get_model("comments", "Notification").objects.order_by("pk"),
        kind=lambda row: f"comments.{row.kind}",
        template=lambda row: TEMPLATES[row.kind],
        about_type="comments.comment",
        about_id=lambda row: row.comment_id,
        recipient=lambda row: row.recipient,
        once=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0003_unsubscribe_hash"),
        ("outbox", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
