"""Fifty people press "Confirm" for the last free chair at the same moment: one gets it.

Each thread has its own database connection. On PostgreSQL they share the test database; on
SQLite the test database lives in memory, so it is copied to a file first (a real file, WAL,
IMMEDIATE transactions, as the site runs) and the threads book against that file.
"""

import datetime
import sqlite3
import tempfile
import threading
from pathlib import Path

import pytest
from django.db import connection, connections
from django.test import TransactionTestCase
from django.utils import timezone

from klearmind.booking import services
from klearmind.booking.services import Patient, SlotUnavailable

from .factories import book, make_clinic

THREADS = 50


class LastChairRaceTests(TransactionTestCase):
    serialized_rollback = True  # keep Wagtail's root page and default site for other tests

    def setUp(self):
        self.clinic = make_clinic(chairs=2, providers=2)
        self.day = timezone.localdate() + datetime.timedelta(days=7)
        self.starts_at = self.clinic.at(self.day, 10)
        book(self.clinic, self.starts_at)  # one of the two chairs is taken already

    def race(self, open_connection) -> list[str]:
        barrier = threading.Barrier(THREADS)
        outcomes: list[str] = []

        def attempt(number: int) -> None:
            open_connection()
            try:
                barrier.wait()
                services.book_appointment(
                    service=self.clinic.service,
                    place=self.clinic.place,
                    starts_at=self.starts_at,
                    patient=Patient(
                        f"Caller {number}", f"caller{number}@example.org", "9165550100"
                    ),
                )
                outcomes.append("booked")
            except SlotUnavailable as refusal:
                outcomes.append(refusal.code)
            finally:
                connections["default"].close()

        threads = [threading.Thread(target=attempt, args=(n,)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return outcomes

    @pytest.mark.postgres
    def test_on_postgresql_exactly_one_of_fifty_gets_the_last_chair(self):
        if connection.vendor != "postgresql":
            self.skipTest("runs on PostgreSQL")
        outcomes = self.race(lambda: None)
        assert outcomes.count("booked") == 1
        assert outcomes.count("taken") == THREADS - 1
        active = self.clinic.location.appointments.active().filter(starts_at=self.starts_at)
        assert sorted(active.values_list("chair", flat=True)) == [1, 2]

    def test_on_sqlite_exactly_one_of_fifty_gets_the_last_chair(self):
        if connection.vendor != "sqlite":
            self.skipTest("runs on SQLite")
        path = self.copy_to_file()
        settings = {**connection.settings_dict, "NAME": str(path)}
        wrapper = type(connections["default"])

        def open_file_connection():
            connections["default"] = wrapper(settings, "default")

        outcomes = self.race(open_file_connection)
        assert outcomes.count("booked") == 1
        assert outcomes.count("taken") == THREADS - 1
        with sqlite3.connect(path) as copy:
            chairs = copy.execute(
                "SELECT chair FROM booking_appointment WHERE status = 'booked' ORDER BY chair"
            ).fetchall()
        assert chairs == [(1,), (2,)]

    def copy_to_file(self) -> Path:
        directory = tempfile.TemporaryDirectory(prefix="booking-race-")
        self.addCleanup(directory.cleanup)
        path = Path(directory.name) / "race.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        return path
