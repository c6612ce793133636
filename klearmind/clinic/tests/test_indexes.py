"""An index added without locking writes: concurrently on PostgreSQL, plainly elsewhere."""

from unittest import mock

from django.db import connection, models
from django.db.migrations.state import ModelState, ProjectState
from django.test import TransactionTestCase

from klearmind.clinic.indexes import AddIndexWithoutLocking, RemoveIndexWithoutLocking

INDEX = models.Index(fields=["noted_at"], name="clinic_probe_noted_idx")


def project_state() -> ProjectState:
    state = ProjectState()
    state.add_model(
        ModelState(
            "clinic",
            "Probe",
            [("id", models.AutoField(primary_key=True)), ("noted_at", models.DateTimeField())],
        )
    )
    return state


def index_names(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, table))


class AddIndexWithoutLockingTests(TransactionTestCase):
    # Without it, emptying the database afterwards makes the content types again under new
    # ids on PostgreSQL, and the next test that restores the database would clash with them.
    serialized_rollback = True

    def setUp(self):
        self.before = project_state()
        self.model = self.before.apps.get_model("clinic", "Probe")
        with connection.schema_editor() as editor:
            editor.create_model(self.model)
        self.addCleanup(self.drop_table)

    def drop_table(self):
        with connection.schema_editor() as editor:
            editor.delete_model(self.model)

    def apply(self, operation, before):
        after = before.clone()
        operation.state_forwards("clinic", after)
        with connection.schema_editor(atomic=False) as editor:
            operation.database_forwards("clinic", editor, before, after)
        return after

    def test_builds_and_drops_the_index_on_this_database(self):
        table = self.model._meta.db_table
        with_index = self.apply(AddIndexWithoutLocking("probe", INDEX), self.before)
        assert INDEX.name in index_names(table)

        self.apply(RemoveIndexWithoutLocking("probe", INDEX.name), with_index)
        assert INDEX.name not in index_names(table)

    def test_asks_for_a_concurrent_build_only_on_postgresql(self):
        editor_class = type(connection.schema_editor())
        with mock.patch.object(editor_class, "add_index", autospec=True) as add_index:
            self.apply(AddIndexWithoutLocking("probe", INDEX), self.before)
        kwargs = add_index.call_args.kwargs
        assert kwargs.get("concurrently", False) is (connection.vendor == "postgresql")
