"""An index migration that builds concurrently on PostgreSQL and plainly elsewhere.

PostgreSQL's ``CREATE INDEX CONCURRENTLY`` builds an index without locking writes, so a
clinic's booking and charting go on while a large table is indexed; it cannot run inside
a transaction, so every migration using these operations sets ``atomic = False``. SQLite
has no such statement and locks the file for any write anyway, so there the plain
operation runs.
"""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db.migrations.operations import AddIndex, RemoveIndex


def _on_postgres(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


class AddIndexWithoutLocking(AddIndexConcurrently):
    """``AddIndexConcurrently`` on PostgreSQL, ``AddIndex`` on any other database."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if _on_postgres(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if _on_postgres(schema_editor):
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)


class RemoveIndexWithoutLocking(RemoveIndexConcurrently):
    """``RemoveIndexConcurrently`` on PostgreSQL, ``RemoveIndex`` on any other database."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if _on_postgres(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            RemoveIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if _on_postgres(schema_editor):
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            RemoveIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)
