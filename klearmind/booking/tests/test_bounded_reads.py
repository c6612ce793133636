"""Years of visits cost a booking, a month of free days and the reminder sweep nothing: each
reads only the visits near the time it looks at (docs/decisions/036)."""

import datetime

import time_machine
from django.test import TestCase

from klearmind.booking import tasks
from klearmind.booking.availability import (
    booked_between,
    load_schedule,
    longest_occupancy,
)
from klearmind.booking.models import Appointment, AppointmentStatus

from .factories import book, make_clinic, make_service

NOW = datetime.datetime(2026, 12, 1, 16, tzinfo=datetime.UTC)
DAY = datetime.date(2026, 12, 3)
# The longest visit the services' and locations' fields allow: 480 minutes, 240 of buffer on
# each side, 240 of travel each way.
ALLOWED_LONGEST = datetime.timedelta(minutes=480 + 240 + 240 + 2 * 240)


def make_history(clinic, *, days: int, per_day: int = 4, end: datetime.datetime = NOW):
    """`per_day` one-hour visits on each of the `days` days before `end`, in one insert, kept as
    completed: the history of a busy clinic."""
    visits = []
    for back in range(1, days + 1):
        for n in range(per_day):
            starts_at = end - datetime.timedelta(days=back, hours=n)
            visits.append(
                Appointment(
                    service=clinic.service,
                    location=clinic.location,
                    provider=clinic.providers[n % len(clinic.providers)],
                    chair=n % clinic.location.chairs + 1,
                    starts_at=starts_at,
                    ends_at=starts_at + datetime.timedelta(hours=1),
                    occupied_from=starts_at,
                    occupied_until=starts_at + datetime.timedelta(hours=1),
                    status=AppointmentStatus.COMPLETED,
                    patient_name="Past Patient",
                    patient_email="past@example.org",
                    patient_phone="(916) 555-0100",
                )
            )
    return Appointment.objects.bulk_create(visits, batch_size=500)


def long_visit(clinic, service, *, starts_at, minutes: int) -> Appointment:
    """A visit written straight to the table, as an import or an old booking would be."""
    ends_at = starts_at + datetime.timedelta(minutes=minutes)
    return Appointment.objects.create(
        service=service,
        location=clinic.location,
        provider=clinic.providers[0],
        chair=1,
        starts_at=starts_at,
        ends_at=ends_at,
        occupied_from=starts_at,
        occupied_until=ends_at,
        patient_name="Long Visit",
        patient_email="long@example.org",
        patient_phone="(916) 555-0101",
    )


@time_machine.travel(NOW, tick=False)
class LongestOccupancyTests(TestCase):
    def test_is_what_the_fields_allow_when_every_service_is_within_it(self):
        make_clinic(duration_minutes=90, buffer_after_minutes=15)
        assert longest_occupancy() == ALLOWED_LONGEST

    def test_grows_with_a_service_written_past_what_the_fields_allow(self):
        clinic = make_clinic()
        make_service(clinic.location, slug="marathon", duration_minutes=2000)
        assert longest_occupancy() == datetime.timedelta(minutes=2000 + 2 * 240)

    def test_costs_one_query(self):
        make_clinic()
        with self.assertNumQueries(1):
            longest_occupancy()


@time_machine.travel(NOW, tick=False)
class OverlapReadTests(TestCase):
    def setUp(self):
        self.clinic = make_clinic(chairs=1, providers=1)
        self.start = self.clinic.at(DAY, 0)
        self.end = self.start + datetime.timedelta(days=1)

    def read(self):
        return set(
            booked_between(
                self.clinic.location,
                [p.pk for p in self.clinic.providers],
                self.start,
                self.end,
            ).values_list("pk", flat=True)
        )

    def test_leaves_out_visits_that_ended_long_before_the_window(self):
        old = make_history(self.clinic, days=30, end=self.start - datetime.timedelta(days=3))
        today = book(self.clinic, self.clinic.at(DAY, 10))
        assert self.read() == {today.pk}
        assert not {visit.pk for visit in old} & self.read()

    def test_finds_a_visit_that_began_the_day_before_and_runs_into_the_window(self):
        overnight = long_visit(
            self.clinic,
            self.clinic.service,
            starts_at=self.start - datetime.timedelta(hours=3),
            minutes=5 * 60,
        )
        assert self.read() == {overnight.pk}

    def test_finds_a_visit_longer_than_the_fields_allow_that_began_two_days_before(self):
        marathon = make_service(self.clinic.location, slug="marathon", duration_minutes=3000)
        visit = long_visit(
            self.clinic,
            marathon,
            starts_at=self.start - datetime.timedelta(hours=40),
            minutes=3000,
        )
        assert self.read() == {visit.pk}
        schedule = load_schedule(
            service=self.clinic.service, place=self.clinic.place, first=DAY, last=DAY
        )
        # The one chair is taken until ten in the morning, clinic time.
        assert schedule.slots_on(DAY)[0].starts_at == self.clinic.at(DAY, 10)

    def test_reads_the_same_number_of_rows_with_a_year_of_history_behind_it(self):
        book(self.clinic, self.clinic.at(DAY, 10))
        before = self.read()
        make_history(self.clinic, days=365, per_day=2, end=self.start)
        assert self.read() == before

    def test_a_month_of_free_days_reads_the_same_with_or_without_history(self):
        last = DAY + datetime.timedelta(days=27)
        book(self.clinic, self.clinic.at(DAY, 10))

        def month():
            schedule = load_schedule(
                service=self.clinic.service, place=self.clinic.place, first=DAY, last=last
            )
            return schedule.days(DAY, last)

        fresh = month()
        make_history(self.clinic, days=400, per_day=2, end=self.start)
        assert month() == fresh
        assert self.clinic.at(DAY, 10) not in {slot.starts_at for slot in fresh[DAY]}


@time_machine.travel(NOW, tick=False)
class ReminderSweepCostTests(TestCase):
    """The sweep costs what is due, not what exists: one query when nothing is due."""

    def setUp(self):
        self.clinic = make_clinic(providers=2)

    def sweep_queries_with_nothing_due(self) -> None:
        with self.captureOnCommitCallbacks(execute=True), self.assertNumQueries(1):
            assert tasks.send_due_reminders.call() == 0

    def test_one_query_with_a_little_history_and_with_a_lot(self):
        make_history(self.clinic, days=10)
        book(self.clinic, self.clinic.at(DAY + datetime.timedelta(days=5), 10))
        self.sweep_queries_with_nothing_due()
        make_history(self.clinic, days=600, end=NOW - datetime.timedelta(days=10))
        self.sweep_queries_with_nothing_due()

    def test_queues_only_what_is_due_however_much_history_there_is(self):
        make_history(self.clinic, days=300)
        due = book(self.clinic, self.clinic.at(datetime.date(2026, 12, 1), 14))
        later = book(self.clinic, self.clinic.at(DAY + datetime.timedelta(days=2), 10))
        with self.captureOnCommitCallbacks(execute=True):
            assert tasks.send_due_reminders.call() == 1
        due.refresh_from_db()
        later.refresh_from_db()
        assert due.reminder_sent_at == NOW
        assert later.reminder_sent_at is None
        assert not Appointment.objects.filter(reminder_sent_at__isnull=False).exclude(pk=due.pk)
