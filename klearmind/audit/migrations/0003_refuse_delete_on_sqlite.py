"""SQLite refuses DELETE on audit events too, as PostgreSQL's trigger does since 0002.

The only path that may delete is the retention archive (klearmind/audit/retention.py), which
lifts this trigger inside its own transaction; the test runner's flush does the same.
See docs/decisions/007.
"""

from django.db import migrations

FORWARD = """
    CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END
"""
BACKWARD = "DROP TRIGGER IF EXISTS audit_auditevent_no_delete"


def on_sqlite(statement):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(statement, params=None)

    return operation


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [
        migrations.RunPython(on_sqlite(FORWARD), on_sqlite(BACKWARD), elidable=False),
    ]
