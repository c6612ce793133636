import csv
import datetime
import io
from decimal import Decimal

import time_machine
from bs4 import BeautifulSoup
from django.test import Client, TestCase
from django.urls import reverse

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.audit.models import AuditEvent
from klearmind.booking.models import Appointment, AppointmentStatus
from klearmind.booking.tests.factories import make_location, make_service
from klearmind.clinic.exports import text_cell
from klearmind.payments import reports
from klearmind.payments.models import (
    CreditReason,
    EntryKind,
    Method,
    Package,
    PackageCredit,
    PackagePlan,
    Purpose,
)

from .ledger_factories import NOW, PAYER, clinic_with_visit, entry, paid

START, END = datetime.date(2026, 12, 1), datetime.date(2026, 12, 31)
# 23:30 in Sacramento on 2 December is already 3 December in UTC: it counts on the 2nd.
LATE_EVENING = datetime.datetime(2026, 12, 3, 7, 30, tzinfo=datetime.UTC)


def at(day: int, hour: int = 18) -> datetime.datetime:
    return datetime.datetime(2026, 12, day, hour, tzinfo=datetime.UTC)


@time_machine.travel(NOW, tick=False)
class ReportTestCase(TestCase):
    def setUp(self):
        self.clinic, self.visit = clinic_with_visit(price=450)
        uptown = make_location("uptown")
        self.spravato = make_service(uptown, slug="spravato", kind="spravato", price=350)
        # Money on the midtown drip visit: a deposit, the rest, and a refund of part of it.
        paid(10000, appointment=self.visit, purpose=Purpose.DEPOSIT, recorded_at=at(1))
        paid(35000, appointment=self.visit, recorded_at=LATE_EVENING, method=Method.CASH)
        entry(EntryKind.REFUND, 5000, appointment=self.visit, recorded_at=at(4))
        # A Spravato payment tied to a service and a location, but no visit.
        paid(35000, service=self.spravato, location=uptown, recorded_at=at(2))
        # A membership month: no service, no location.
        paid(12900, purpose=Purpose.MEMBERSHIP, recorded_at=at(4), payer="c" * 64)
        # What does not count: a charge, a credit, an adjustment, a payment outside the period.
        entry(EntryKind.CHARGE, 45000, appointment=self.visit, recorded_at=at(3))
        entry(EntryKind.CREDIT, -1000, recorded_at=at(3))
        entry(EntryKind.ADJUSTMENT, -700, recorded_at=at(3))
        paid(99900, recorded_at=datetime.datetime(2027, 1, 1, 9, tzinfo=datetime.UTC))


class PaymentReportTests(ReportTestCase):
    def test_revenue_by_day_counts_money_in_less_money_back_on_the_clinics_day(self):
        report = reports.payment_report(START, END)
        days = [(row.label, row.cents, row.entries) for row in report.section("day").rows]
        assert days == [
            ("1 December 2026", 10000, 1),
            ("2 December 2026", 70000, 2),
            ("4 December 2026", 7900, 2),
        ]
        assert report.section("day").total_cents == 87900

    def test_revenue_by_service_location_and_purpose(self):
        report = reports.payment_report(START, END)
        by = {
            key: {r.label: r.cents for r in report.section(key).rows}
            for key in ("service", "location", "purpose")
        }
        assert by["service"] == {
            "Midtown Drip": 40000,
            "Spravato": 35000,
            reports.NO_SERVICE: 12900,
        }
        assert by["location"] == {"Midtown": 40000, "Uptown": 35000, reports.NO_LOCATION: 12900}
        assert by["purpose"] == {"Deposit": 10000, "Visit": 65000, "Membership": 12900}
        # The no-service row comes last.
        assert report.section("service").rows[-1].label == reports.NO_SERVICE

    def test_refunds_and_deposits_held(self):
        report = reports.payment_report(START, END)
        assert [(r.label, r.cents, r.entries) for r in report.section("refunds").rows] == [
            ("Visit", 5000, 1)
        ]
        held = report.section("deposits")
        assert [(row.label, row.cents) for row in held.rows] == [("Midtown", 10000)]
        for status in (
            AppointmentStatus.COMPLETED,
            AppointmentStatus.CANCELLED,
            AppointmentStatus.NO_SHOW,
        ):
            Appointment.objects.filter(pk=self.visit.pk).update(status=status)
            assert reports.deposits_held().rows == [], status
        Appointment.objects.filter(pk=self.visit.pk).update(status=AppointmentStatus.ARRIVED)
        assert reports.deposits_held().total_cents == 10000

    def test_a_deposit_refunded_is_no_longer_held(self):
        entry(EntryKind.REFUND, 10000, appointment=self.visit, purpose=Purpose.DEPOSIT)
        assert reports.deposits_held().rows == []

    def test_unused_package_visits_at_what_a_cancellation_would_give_back(self):
        plan = PackagePlan.objects.create(
            name="Six drips", service=self.clinic.service, visits=6, price=Decimal("1000")
        )
        for number, (cancelled, used) in enumerate([(False, 2), (True, 0), (False, 6)]):
            package = Package.objects.create(
                plan=plan,
                payer_email_hash=PAYER,
                visits=6,
                price_cents=100000,
                method=Method.CASH,
                idempotency_key=f"sale-{number}",
                cancelled_at=NOW if cancelled else None,
            )
            PackageCredit.objects.create(
                package=package, change=6, reason=CreditReason.BOUGHT, idempotency_key=f"b-{number}"
            )
            for use in range(used):
                PackageCredit.objects.create(
                    package=package,
                    change=-1,
                    reason=CreditReason.USED,
                    idempotency_key=f"u-{number}-{use}",
                )
        rows = reports.unused_package_visits().rows
        # Four visits left of $1,000 for six: the last one carries the leftover cents.
        assert [(row.label, row.cents, row.entries) for row in rows] == [("Six drips", 66668, 4)]

    def test_an_extra_section_can_be_registered(self):
        def gift_cards(start, end):
            return reports.Section("gifts", "Gift cards sold", "Card", [reports.Row("Any", 100)])

        reports.register_section(gift_cards)
        try:
            assert reports.payment_report(START, END).section("gifts").total_cents == 100
        finally:
            reports._extra_sections.remove(gift_cards)


class ReportViewTests(ReportTestCase):
    def setUp(self):
        super().setUp()
        self.owner = staff("Owner")
        self.client = sign_in(Client(), self.owner)

    def test_the_owner_sees_the_tables_and_the_view_is_audited(self):
        response = self.client.get(reverse("payments_admin:report"), {"start": START, "end": END})
        assert response.status_code == 200 and "no-store" in response["Cache-Control"]
        page = BeautifulSoup(response.content, "html.parser")
        day = page.select_one("#report-day")
        assert day.select_one("tfoot td").get_text() == "$879.00"
        assert [th.get_text() for th in page.select("#report-service tbody th")] == [
            "Midtown Drip",
            "Spravato",
            reports.NO_SERVICE,
        ]
        assert page.select_one("#report-packages tbody td").get_text() == "None."
        event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
        assert event.detail == "payment report 2026-12-01 to 2026-12-31"

    def test_the_csv_holds_every_table_and_is_audited(self):
        response = self.client.get(
            reverse("payments_admin:report_csv"), {"start": START, "end": END}
        )
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert "no-store" in response["Cache-Control"]
        assert (
            response["Content-Disposition"]
            == 'attachment; filename="payments-2026-12-01-to-2026-12-31.csv"'
        )
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0] == reports.CSV_HEADER
        assert ["Revenue by day", "2 December 2026", "700.00", "2"] in rows
        assert ["Revenue by day", "Total", "879.00", ""] in rows
        assert ["Refunds", "Visit", "50.00", "1"] in rows
        assert ["Deposits held now", "Midtown", "100.00", "1"] in rows
        event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
        assert event.detail == "payment report CSV 2026-12-01 to 2026-12-31"

    def test_a_service_named_like_a_formula_is_defused_in_the_csv(self):
        self.spravato.name = "=HYPERLINK(1)"
        self.spravato.save()
        rows = reports.csv_rows(reports.payment_report(START, END), text_cell)
        assert ["Revenue by service", "'=HYPERLINK(1)", "350.00", 1] in rows

    def test_a_wrong_period_is_explained_and_gives_no_csv(self):
        response = self.client.get(
            reverse("payments_admin:report"), {"start": "2027-01-31", "end": "2026-12-01"}
        )
        assert response.status_code == 400
        assert "must be on or after" in response.content.decode()
        csv_response = self.client.get(reverse("payments_admin:report_csv"), {"start": "x<script>"})
        assert csv_response.status_code == 302
        assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()

    def test_only_the_owner_sees_the_reports(self):
        for role in ("Front desk", "Clinician", "Editor"):
            client = sign_in(Client(raise_request_exception=False), staff(role))
            assert client.get(reverse("payments_admin:report")).status_code == 403, role
            assert client.get(reverse("payments_admin:report_csv")).status_code == 403, role

    def test_without_a_period_the_last_thirty_days_are_shown(self):
        response = self.client.get(reverse("payments_admin:report"))
        page = BeautifulSoup(response.content, "html.parser")
        assert page.select_one("#id_start")["value"] == "2026-11-02"
        assert page.select_one("#id_end")["value"] == "2026-12-01"
