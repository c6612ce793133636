import csv
import datetime
import io

from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone
from wagtail.snippets.models import get_snippet_models

from klearmind.accounts.tests.factories import sign_in
from klearmind.audit.models import AuditEvent
from klearmind.audit.wagtail_hooks import register_permissions

from .factories import AdminUserFactory, AuditEventFactory, UserFactory, sign_in_unaudited

REPORT = reverse("audit:report")


def at(day: int, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, hour, tzinfo=datetime.UTC)


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


class AuditLogAccessTests(TestCase):
    def setUp(self):
        AuditEventFactory(detail="needle-detail")

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        response = self.client.get(REPORT)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]

    def test_staff_without_the_permission_get_no_data(self):
        sign_in_unaudited(self.client, AdminUserFactory())
        for url in (REPORT, REPORT + "?export=csv", reverse("audit:report_results")):
            response = self.client.get(url)
            assert response.status_code in (302, 403), url
            assert b"needle-detail" not in b"".join(
                getattr(response, "streaming_content", [response.content])
            )
        assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()

    def test_the_menu_item_shows_only_with_the_permission(self):
        sign_in_unaudited(self.client, AdminUserFactory())
        assert REPORT not in self.client.get("/admin/").content.decode()
        sign_in_unaudited(self.client, AdminUserFactory(permissions=["audit.view_auditevent"]))
        assert REPORT in self.client.get("/admin/").content.decode()

    def test_the_permission_can_be_granted_to_a_group_and_there_is_no_other(self):
        assert [p.codename for p in register_permissions()] == ["view_auditevent"]
        sign_in(self.client, UserFactory(is_superuser=True))
        form = self.client.get(reverse("wagtailusers_groups:add")).content.decode()
        permission = register_permissions().get()
        assert f'name="permissions" value="{permission.pk}"' in form
        assert "audit event" in form.lower()

    def test_is_no_snippet_so_there_are_no_edit_screens(self):
        assert AuditEvent not in get_snippet_models()


class AuditLogReportTests(TestCase):
    def setUp(self):
        self.reader = AdminUserFactory(username="owner", permissions=["audit.view_auditevent"])
        sign_in_unaudited(self.client, self.reader)

    def listed_details(self, query=""):
        response = self.client.get(REPORT + query)
        assert response.status_code == 200
        return [event.detail for event in response.context["object_list"]]

    def test_lists_events_newest_first(self):
        AuditEventFactory(occurred_at=at(2), detail="event-two-days")
        AuditEventFactory(occurred_at=at(3), detail="event-three-days")
        response = self.client.get(REPORT)
        assert response.context["object_list"][0].detail == "event-three-days"
        content = response.content.decode()
        assert content.index("event-three-days") < content.index("event-two-days")

    def test_viewing_the_report_is_not_itself_recorded(self):
        AuditEventFactory()
        self.client.get(REPORT)
        assert AuditEvent.objects.count() == 1

    def test_filters_by_person_action_record_and_date(self):
        nurse = UserFactory(username="rn.alvarez")
        AuditEventFactory(actor=nurse, detail="by-nurse", occurred_at=at(2))
        AuditEventFactory(action="export", detail="an-export", occurred_at=at(3))
        AuditEventFactory(
            target_type="care.patient", target_id="77", detail="patient-77", occurred_at=at(4)
        )
        AuditEventFactory(detail="late", occurred_at=at(20))
        assert self.listed_details(f"?actor={nurse.pk}") == ["by-nurse"]
        assert self.listed_details("?action=export") == ["an-export"]
        assert self.listed_details("?target_type=care.patient&target_id=77") == ["patient-77"]
        assert self.listed_details("?occurred_at_from=2026-11-03&occurred_at_to=2026-11-04") == [
            "patient-77",
            "an-export",
        ]

    def test_finds_a_deleted_persons_events_by_the_recorded_username(self):
        gone = UserFactory(username="former.staff")
        AuditEventFactory(actor=gone, detail="theirs")
        AuditEventFactory(detail="someone-else")
        gone.delete()
        assert self.listed_details("?actor_label=Former.Staff") == ["theirs"]
        assert "former.staff" in self.client.get(REPORT).content.decode()

    def test_pages_the_list(self):
        AuditEventFactory.create_batch(51)
        assert len(self.listed_details()) == 50
        assert len(self.listed_details("?p=2")) == 1


class AuditLogExportTests(TestCase):
    def setUp(self):
        self.reader = AdminUserFactory(username="owner", permissions=["audit.view_auditevent"])
        sign_in_unaudited(self.client, self.reader)

    def test_exports_the_filtered_events_as_csv(self):
        AuditEventFactory(
            actor__username="dr.kim",
            action="view",
            target_id="9",
            ip_address="203.0.113.7",
            occurred_at=at(2),
            detail="looked",
        )
        AuditEventFactory(action="delete", detail="left-out")
        response = self.client.get(REPORT + "?action=view&export=csv")
        assert response["Content-Type"] == "text/csv"
        assert 'filename="audit-log-' in response["Content-Disposition"]
        header, *rows = csv_rows(response)
        assert header == [
            "Date/time (UTC)",
            "Person",
            "Person id",
            "IP address",
            "Action",
            "Record type",
            "Record id",
            "Detail",
        ]
        assert len(rows) == 1
        assert rows[0][0].startswith("2026-11-02 12:00:00")
        assert rows[0][1] == "dr.kim"
        assert rows[0][3:] == ["203.0.113.7", "View", "care.patient", "9", "looked"]

    def test_an_export_is_recorded_with_its_filters(self):
        AuditEventFactory()
        self.client.get(
            REPORT + "?action=view&occurred_at_from=2026-11-01&export=csv",
            REMOTE_ADDR="198.51.100.4",
        )
        export = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
        assert (export.actor, export.ip_address, export.target_type) == (
            self.reader,
            "198.51.100.4",
            "audit.auditevent",
        )
        assert export.detail == (
            "csv export of the audit log; filters: action=view, occurred_at_from=2026-11-01"
        )

    def test_an_unfiltered_export_says_so(self):
        self.client.get(REPORT + "?export=xlsx")
        assert AuditEvent.objects.get().detail == "xlsx export of the audit log; filters: none"

    def test_an_export_with_invalid_filters_records_that_they_were_ignored(self):
        AuditEventFactory.create_batch(2)
        response = self.client.get(REPORT + "?action=peek&export=csv")
        assert len(csv_rows(response)) == 1 + 2  # the heading and every event, unfiltered
        assert AuditEvent.objects.get(action="export").detail == (
            "csv export of the audit log; filters: none (invalid, so ignored: action=peek)"
        )

    def test_survives_a_deleted_person(self):
        gone = UserFactory(username="former.staff")
        AuditEventFactory(actor=gone, action="login")
        gone.delete()
        response = self.client.get(REPORT + "?action=login&export=csv")
        assert csv_rows(response)[1][1] == "former.staff"

    def test_a_typed_username_cannot_become_a_spreadsheet_formula(self):
        AuditEventFactory(
            action="failed_login", actor=None, detail='=HYPERLINK("http://x.example")'
        )
        response = self.client.get(REPORT + "?action=failed_login&export=csv")
        assert csv_rows(response)[1][-1] == '\'=HYPERLINK("http://x.example")'


class AuditLogIsReadOnlyTests(TestCase):
    def test_a_post_to_the_report_changes_nothing(self):
        reader = AdminUserFactory(permissions=["audit.view_auditevent"])
        event = AuditEventFactory(detail="original")
        client = Client(enforce_csrf_checks=True)
        sign_in_unaudited(client, reader)
        response = client.post(REPORT, {"detail": "rewritten"})
        assert response.status_code in (403, 405)
        assert AuditEvent.objects.get(pk=event.pk).detail == "original"
        assert timezone.now() > event.occurred_at
