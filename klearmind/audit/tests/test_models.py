import pytest
from django.contrib.auth.models import Permission
from django.db import DatabaseError, connection, transaction
from django.db.models.sql.subqueries import DeleteQuery
from django.test import TestCase

from klearmind.audit.models import AppendOnlyError, AuditEvent

from .factories import AuditEventFactory, UserFactory


def raw(sql: str, *params):
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql.format(table=table), params)


class AuditEventAppendOnlyTests(TestCase):
    def test_refuses_to_save_an_existing_event_again(self):
        event = AuditEventFactory(detail="original")
        event.detail = "rewritten"
        with pytest.raises(AppendOnlyError):
            event.save()
        assert AuditEvent.objects.get().detail == "original"

    def test_refuses_to_delete_an_event(self):
        event = AuditEventFactory()
        with pytest.raises(AppendOnlyError):
            event.delete()
        assert AuditEvent.objects.filter(pk=event.pk).exists()

    def test_refuses_queryset_updates_and_deletes(self):
        event = AuditEventFactory(detail="original")
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.filter(pk=event.pk).update(detail="rewritten")
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.all().delete()
        event.detail = "rewritten"
        with pytest.raises(AppendOnlyError), transaction.atomic():
            AuditEvent.objects.bulk_update([event], ["detail"])
        assert AuditEvent.objects.get().detail == "original"

    def test_refuses_the_orms_internal_update_and_delete_paths_too(self):
        event = AuditEventFactory(detail="original")
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.filter(pk=event.pk)._update({"detail": "rewritten"})
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.filter(pk=event.pk)._raw_delete(using="default")
        assert AuditEvent.objects.get().detail == "original"

    def test_database_refuses_an_update_in_raw_sql(self):
        event = AuditEventFactory(detail="original")
        with pytest.raises(DatabaseError, match="append-only"):
            raw("UPDATE {table} SET detail = %s WHERE id = %s", "rewritten", event.pk)
        assert AuditEvent.objects.get().detail == "original"

    def test_database_refuses_a_delete_in_raw_sql(self):
        event = AuditEventFactory()
        with pytest.raises(DatabaseError, match="append-only"):
            raw("DELETE FROM {table} WHERE id = %s", event.pk)
        assert AuditEvent.objects.filter(pk=event.pk).exists()

    def test_database_refuses_the_orms_batch_delete_that_bypasses_the_queryset(self):
        event = AuditEventFactory()
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            DeleteQuery(AuditEvent).delete_batch([event.pk], using="default")
        assert AuditEvent.objects.filter(pk=event.pk).exists()

    def test_only_the_view_permission_exists(self):
        codenames = Permission.objects.filter(content_type__app_label="audit").values_list(
            "codename", flat=True
        )
        assert list(codenames) == ["view_auditevent"]


class AuditEventQuerySetTests(TestCase):
    def test_selects_one_persons_events_and_one_records_events(self):
        nurse, record = UserFactory(), UserFactory()
        by_nurse = AuditEventFactory(actor=nurse)
        about_record = AuditEventFactory(target_type="auth.user", target_id=str(record.pk))
        AuditEventFactory()
        assert list(AuditEvent.objects.by(nurse)) == [by_nurse]
        assert list(AuditEvent.objects.about(record)) == [about_record]


class AuditEventActorTests(TestCase):
    def test_keeps_the_event_and_the_name_when_the_user_is_deleted(self):
        user = UserFactory(username="rn.alvarez")
        event = AuditEventFactory(actor=user)
        user_id = user.pk
        user.delete()
        event = AuditEvent.objects.get(pk=event.pk)
        assert event.actor_label == "rn.alvarez"
        assert event.actor_id == user_id

    def test_occurred_at_is_set_by_the_database_when_sql_leaves_it_out(self):
        raw(
            "INSERT INTO {table} (actor_label, action, target_type, target_id, detail) "
            "VALUES ('', 'login', '', '', '')"
        )
        assert AuditEvent.objects.get().occurred_at is not None

    def test_describes_itself_with_person_action_and_record(self):
        event = AuditEventFactory(
            actor__username="dr.kim", target_type="care.patient", target_id="7"
        )
        assert str(event).endswith("dr.kim view care.patient #7")


# serialized_rollback: the flush afterwards must not recreate content types behind the back of
# the next transactional test, which restores the migrations' rows (root page, roles) itself.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_events_survive_outside_a_transaction_and_the_test_database_still_empties():
    """Runs in autocommit, so the test runner must empty the table afterwards (flush/TRUNCATE)."""
    event = AuditEventFactory(detail="original")
    with pytest.raises(DatabaseError, match="append-only"):
        raw("UPDATE {table} SET detail = %s WHERE id = %s", "rewritten", event.pk)
    assert AuditEvent.objects.get().detail == "original"
