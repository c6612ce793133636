from django.db import migrations

from klearmind.outbox.moving import move_rows


def forwards(apps, schema_editor):
    move_rows(
        apps,
        apps.get_model("booking", "BookingEmail")
        .objects.select_related("appointment")
        .order_by("pk"),
        kind=lambda row: f"booking.{row.kind}",
        template=lambda row: "booking/email/appointment",
        about_type="booking.appointment",
        about_id=lambda row: row.appointment_id,
        recipient=lambda row: row.appointment.patient_email,
        once=False,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0004_booking_request_token_hash"),
        ("outbox", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
