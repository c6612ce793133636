"""PostgreSQL's plans for the reads that run on every booking, every month of free days and
every reminder sweep: none reads the whole appointment table (docs/decisions/036).

The table holds three years of a busy clinic (four visits a day, about 4,400 rows, written in
one insert) and PostgreSQL has been told its statistics (ANALYZE), so the planner chooses as it
would in production; sequential scans are not switched off. With a few rows PostgreSQL rightly
prefers to read the whole table, which would prove nothing."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test import TestCase

from klearmind.booking.availability import booked_between
from klearmind.booking.models import Appointment
from klearmind.booking.services import REMINDER_AHEAD

from .factories import book, make_clinic
from .test_bounded_reads import NOW, make_history

DAY = datetime.date(2026, 12, 3)
SEQUENTIAL_SCAN = "Seq Scan on booking_appointment"


@pytest.mark.postgres
@time_machine.travel(NOW, tick=False)
class AppointmentQueryPlanTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        if connection.vendor != "postgresql":
            return
        cls.clinic = make_clinic(chairs=3, providers=2)
        make_history(cls.clinic, days=3 * 365, per_day=4)
        book(cls.clinic, cls.clinic.at(DAY, 10))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE booking_appointment")

    def setUp(self):
        if connection.vendor != "postgresql":
            self.skipTest(
                "query plans are PostgreSQL's: SQLite has no planner statistics to test "
                "against (run with DATABASE_URL set to a PostgreSQL database)"
            )

    def assert_uses_an_index(self, queryset):
        plan = queryset.explain()
        assert SEQUENTIAL_SCAN not in plan, plan
        assert "Index" in plan, plan

    def overlap(self, days: int):
        start = self.clinic.at(DAY, 0)
        return booked_between(
            self.clinic.location,
            [p.pk for p in self.clinic.providers],
            start - datetime.timedelta(days=1),
            start + datetime.timedelta(days=days + 1),
        ).values_list("provider_id", "location_id", "chair", "occupied_from", "occupied_until")

    def test_a_bookings_overlap_check_reads_an_index(self):
        self.assert_uses_an_index(self.overlap(days=1))

    def test_a_months_free_days_read_an_index(self):
        self.assert_uses_an_index(self.overlap(days=31))

    def test_the_reminder_sweep_reads_an_index(self):
        due = Appointment.objects.due_reminders(now=NOW, ahead=REMINDER_AHEAD)
        self.assert_uses_an_index(due.values_list("pk", "starts_at"))

    def test_a_locations_day_calendar_reads_an_index(self):
        start = self.clinic.at(DAY, 0)
        day = (
            Appointment.objects.for_calendar()
            .at(self.clinic.location)
            .filter(starts_at__gte=start, starts_at__lt=start + datetime.timedelta(days=1))
        )
        self.assert_uses_an_index(day)
