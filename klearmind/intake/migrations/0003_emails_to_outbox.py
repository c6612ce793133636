from django.db import migrations

from klearmind.outbox.moving import move_rows

TEMPLATES = {
    "received": "intake/email/received",
    "urgent": "intake/email/urgent",
    "urgent_dft": "intake/email/urgent_draft",
}


def forwards(apps, schema_editor):
    emails = apps.get_model("intake", "OutgoingEmail").objects.order_by("pk")
    for about, rows in (
        ("intake.submission", emails.filter(submission__isnull=False)),
        ("intake.draft", emails.filter(submission__isnull=True, draft__isnull=False)),
    ):
        field = "submission_id" if about == "intake.submission" else "draft_id"
        move_rows(
            apps,
            rows,
            kind=lambda row: f"intake.{row.kind}",
            template=lambda row: TEMPLATES[row.kind],
            about_type=about,
            about_id=lambda row, field=field: getattr(row, field),
            recipient=lambda row: row.recipient,
            once=True,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0002_urgent_drafts"),
        ("outbox", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
