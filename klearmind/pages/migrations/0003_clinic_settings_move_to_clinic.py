"""The clinic settings now belong to the clinic app, which keeps this app's table."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0002_contact_page_takes_enquiries"),
        ("clinic", "0001_clinic_settings"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ClinicSettings")],
            database_operations=[],
        ),
    ]
