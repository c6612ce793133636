"""Database triggers that refuse to change audit events, whatever client sends the SQL.

SQLite refuses UPDATE only: Django's test runner empties tables there with DELETE, so a DELETE
trigger would break every transactional test. PostgreSQL refuses UPDATE and DELETE; the test
runner empties its tables with TRUNCATE, which needs the table owner. See docs/decisions/007.
"""

from django.db import migrations

MESSAGE = "audit events are append-only"

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS audit_auditevent_no_update"]

POSTGRESQL_FORWARD = [
    f"""
    CREATE FUNCTION audit_auditevent_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}: % refused', TG_OP USING ERRCODE = 'restrict_violation';
    END
    $$
    """,
    """
    CREATE TRIGGER audit_auditevent_no_update_or_delete BEFORE UPDATE OR DELETE
    ON audit_auditevent FOR EACH ROW EXECUTE FUNCTION audit_auditevent_refuse_change()
    """,
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update_or_delete ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_auditevent_refuse_change()",
]


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return operation


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
            elidable=False,
        ),
    ]
