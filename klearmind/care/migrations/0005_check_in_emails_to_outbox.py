"""Check-in e-mails not yet sent when the outbox came: queued there, so the outbox's sweep
sends them (their former tasks name functions that no longer exist)."""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

from klearmind.encryption import keys


def queue(apps, *, kind: str, template: str, check_in, recipient: str) -> None:
    if not recipient:
        return
    apps.get_model("outbox", "OutgoingMessage").objects.create(
        channel="email",
        recipient=recipient,
        recipient_hash=keys.keyed_hash(keys.normalise(recipient), purpose="email"),
        kind=kind,
        template=template,
        about_type="care.checkin",
        about_id=check_in.pk,
        once=True,
        attempts=0,
        error_type=check_in.last_error.split(":", 1)[0][:100],
    )


def forwards(apps, schema_editor):
    check_ins = apps.get_model("care", "CheckIn").objects.select_related("patient")
    clinic = apps.get_model("clinic", "ClinicSettings").objects.first()
    on_call = (clinic and clinic.on_call_email) or settings.CLINIC_NOTIFY_EMAIL
    now = timezone.now()
    unsent = check_ins.filter(sent_at__isnull=True, completed_at__isnull=True, expires_at__gt=now)
    for check_in in unsent:
        queue(
            apps,
            kind="care.check_in",
            template="care/email/check_in",
            check_in=check_in,
            recipient=check_in.patient.email,
        )
    for check_in in check_ins.filter(measurement__urgent=True, alert_sent_at__isnull=True):
        queue(
            apps,
            kind="care.check_in_alert",
            template="care/email/check_in_alert",
            check_in=check_in,
            recipient=on_call,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0004_controlled_substance_register"),
        # The on-call address is read where it now lives, the clinic settings.
        ("intake", "0005_on_call_email_moves_to_clinic"),
        ("outbox", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
