import csv
import datetime
import io

import pytest
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
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
        response = self.client.get(
            REPORT + "?action=view&occurred_at_from=2026-11-01&occurred_at_to=2026-11-30&export=csv"
        )
        assert response.streaming
        assert response["Content-Type"].startswith("text/csv")
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

    @pytest.mark.clock
    def test_an_export_without_dates_says_it_covers_the_last_90_days(self):
        self.client.get(REPORT + "?export=xlsx")
        first = timezone.localdate() - datetime.timedelta(days=89)
        assert AuditEvent.objects.get().detail == (
            f"xlsx export of the audit log; filters: the last 90 days from {first:%Y-%m-%d}"
        )

    def test_an_export_with_invalid_filters_exports_nothing_and_says_why(self):
        AuditEventFactory.create_batch(2)
        response = self.client.get(REPORT + "?action=peek&export=csv")
        assert response.status_code == 400
        assert not getattr(response, "streaming", False)
        page = response.content.decode()
        assert "No export was made: correct the filters below." in page
        assert "Select a valid choice. peek is not one of the available choices." in page
        assert not AuditEvent.objects.filter(action="export").exists()

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


def days_ago(days: int, hour: int = 12) -> datetime.datetime:
    """Noon, in the clinic's time, `days` days before today."""
    day = timezone.localdate() - datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.mark.clock
class AuditExportRangeTests(TestCase):
    """Exports take a date range, the last 90 days unless chosen, refused with a clear error
    when it does not hold, and are streamed."""

    def setUp(self):
        self.reader = AdminUserFactory(username="owner", permissions=["audit.view_auditevent"])
        sign_in_unaudited(self.client, self.reader)
        AuditEventFactory(occurred_at=days_ago(0), detail="today")
        AuditEventFactory(occurred_at=days_ago(89, hour=0), detail="day-90")
        AuditEventFactory(occurred_at=days_ago(90, hour=23), detail="day-91")
        AuditEventFactory(occurred_at=days_ago(400), detail="last-year")

    def exported(self, query: str) -> list[str]:
        # Only views: the export's own event is in the log by the time the rows are read.
        response = self.client.get(REPORT + query + "&action=view")
        assert response.status_code == 200
        assert response.streaming
        return [row[-1] for row in csv_rows(response)[1:]]

    def test_without_dates_the_last_90_days_up_to_today(self):
        assert self.exported("?export=csv") == ["today", "day-90"]

    def test_chosen_dates_are_exported_whatever_their_age(self):
        start, end = timezone.localdate() - datetime.timedelta(days=401), days_ago(85).date()
        query = f"?occurred_at_from={start}&occurred_at_to={end}&export=csv"
        assert self.exported(query) == ["day-90", "day-91", "last-year"]

    def test_the_spreadsheet_holds_the_same_range(self):
        from openpyxl import load_workbook

        response = self.client.get(REPORT + "?action=view&export=xlsx")
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        assert [row[-1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
            "today",
            "day-90",
        ]

    def test_a_start_after_the_end_is_refused_with_the_dates_kept(self):
        response = self.client.get(
            REPORT + "?occurred_at_from=2026-11-20&occurred_at_to=2026-11-02&export=csv"
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert (
            "The start date (2026-11-20) is after the end date (2026-11-02): choose a start "
            "on or before the end." in page
        )
        assert 'value="2026-11-20"' in page
        assert 'value="2026-11-02"' in page
        assert not AuditEvent.objects.filter(action="export").exists()

    def test_a_date_that_is_no_date_is_refused(self):
        response = self.client.get(REPORT + "?occurred_at_from=2026-02-30&export=csv")
        assert response.status_code == 400
        page = response.content.decode()
        assert "Enter a valid date." in page
        assert 'value="2026-02-30"' in page

    def test_the_list_shows_the_same_error_without_exporting(self):
        response = self.client.get(
            REPORT + "?occurred_at_from=2026-11-20&occurred_at_to=2026-11-02"
        )
        assert response.status_code == 200
        assert "is after the end date" in response.content.decode()


class AuditListCostTests(TestCase):
    """The list reads one page of events through the time index: as many queries for a long
    log as for a short one."""

    def setUp(self):
        self.reader = AdminUserFactory(username="owner", permissions=["audit.view_auditevent"])
        sign_in_unaudited(self.client, self.reader)

    def queries(self, query: str = "") -> int:
        self.client.get(REPORT + query)  # the first request's one-off look-ups
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(REPORT + query)
        assert response.status_code == 200
        return len(captured)

    def test_as_many_queries_for_120_events_as_for_3(self):
        people = UserFactory.create_batch(3)
        for person in people:
            AuditEventFactory(actor=person)
        few = self.queries(), self.queries("?action=view&p=1")
        AuditEventFactory.create_batch(120, actor=people[0])
        assert (self.queries(), self.queries("?action=view&p=2")) == few

    def test_lists_only_people_with_events_as_filter_choices(self):
        UserFactory(username="never.logged")
        AuditEventFactory(actor__username="rn.alvarez")
        page = self.client.get(REPORT).content.decode()
        assert "rn.alvarez" in page
        assert "never.logged" not in page

    def test_a_page_of_the_list_is_read_through_the_time_index(self):
        page = AuditEvent.objects.order_by("-occurred_at", "-pk")[50:100]
        sql, params = page.query.sql_with_params()
        if connection.vendor != "sqlite":  # PostgreSQL's planner scans a table this small
            return
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "audit_occurred_at_idx" in plan, plan
