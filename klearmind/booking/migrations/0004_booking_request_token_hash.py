"""The confirm form's token is kept as its keyed hash, not as it was posted."""

from django.db import migrations

from klearmind.encryption.keys import keyed_hash


def hash_tokens(apps, schema_editor):
    BookingRequest = apps.get_model("booking", "BookingRequest")
    for booking_request in BookingRequest.objects.iterator():
        booking_request.token_hash = keyed_hash(booking_request.token_hash, purpose="booking-request")
        booking_request.save(update_fields=["token_hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0003_location_home_iv_ketamine_and_more"),
    ]

    operations = [
        migrations.RenameField(
            model_name="bookingrequest",
            old_name="token",
            new_name="token_hash",
        ),
        # Forward only: a hash cannot be turned back into the token.
        migrations.RunPython(hash_tokens, migrations.RunPython.noop),
    ]
