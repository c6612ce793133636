from django.db import migrations


def sync_roles(apps, schema_editor):
    from klearmind.accounts.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    """The comment permissions exist now: give them to the moderator (and the owner)."""

    dependencies = [
        ("accounts", "0002_roles"),
        ("comments", "0001_initial"),
        ("audit", "0002_append_only_triggers"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
