from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0007_appointment_start_indexes"),
        ("booking", "0008_drip_menu_from_service_pages"),
    ]

    operations = []
