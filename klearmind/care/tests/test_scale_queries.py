"""Years of data: each care screen, export and sweep reads a fixed number of queries, whatever
the number of patients, plans, visits and charts; the long lists come a page at a time; and
the dashboard read in bulk gives each patient the outcomes their own progress page gives."""

import csv
import datetime
import io
from unittest import mock

import pytest
from django.db import connection
from django.test import SimpleTestCase, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.booking.models import Appointment, AppointmentStatus, Series, ServiceKind
from klearmind.booking.tests.factories import make_clinic
from klearmind.care.charts.services import open_chart
from klearmind.care.check_ins.services import create_due_check_ins
from klearmind.care.models import CheckIn, CheckInReason, Patient, RemsRecord
from klearmind.care.outcomes.progress import outcomes_of_many, patient_progress
from klearmind.clinic.exports import csv_stream, text_cell
from klearmind.intake.models import Status, Submission
from klearmind.intake.tests.factories import submission_with

from .chart_factories import make_chart
from .factories import make_patient, make_plan, make_protocol
from .outcome_factories import days_ago, score

pytestmark = pytest.mark.clock  # visits today, scores and sessions dated back from now


class Clinic:
    """One location with a ketamine service, where every grown patient is treated."""

    def __init__(self):
        self.clinic = make_clinic(slug="midtown", kind=ServiceKind.KETAMINE)
        self.count = 0

    def visit(self, patient, starts_at, *, status=AppointmentStatus.BOOKED, series=None):
        span = datetime.timedelta(minutes=self.clinic.service.duration_minutes)
        return Appointment.objects.create(
            service=self.clinic.service,
            location=self.clinic.location,
            provider=self.clinic.providers[0],
            starts_at=starts_at,
            ends_at=starts_at + span,
            occupied_from=starts_at,
            occupied_until=starts_at + span,
            status=status,
            patient_name=patient.full_name,
            patient_email=patient.email,
            patient_phone="(916) 555-0143",
            series=series,
        )

    def grow(self, n: int, *, by, spravato: bool = True) -> None:
        """`n` more patients, each as a busy clinic has them: a ketamine plan (booked as a
        series for one in two, matched by e-mail for the others) with past sessions, a
        baseline and a later score, a charted visit today, a Spravato chart with its REMS form
        due (unless `spravato` is false), and an accepted questionnaire of someone else still
        without a record."""
        for _ in range(n):
            self.count += 1
            number = self.count
            patient = make_patient(
                email=f"scale{number}@example.org",
                full_name=f"Scale Patient {number}",
                location=self.clinic.location if number % 3 else None,
                conditions=["depression", "anxiety"] if number % 2 else ["ptsd", "depression"],
            )
            series = Series.objects.create(service=self.clinic.service) if number % 2 else None
            make_plan(
                patient,
                started_on=timezone.localdate() - datetime.timedelta(days=40),
                series=series,
            )
            for days in (20, 13, 6):
                self.visit(
                    patient, days_ago(days), status=AppointmentStatus.COMPLETED, series=series
                )
            score(patient, phq9=18, gad7=[2] * 7, taken_at=days_ago(25), source="intake")
            score(patient, phq9=4 if number % 2 else 10, taken_at=days_ago(3))
            today = self.clinic.at(timezone.localdate(), 8 + number % 9)
            open_chart(appointment=self.visit(patient, today), by=by)
            if spravato:
                make_chart(spravato=True, patient=patient)
            submission = submission_with(notify=False, email=f"waiting{number}@example.org")
            Submission.objects.filter(pk=submission.pk).update(status=Status.ACCEPTED)


class ScreensAtTwoSizesTests(TestCase):
    """Each screen is read at 2 patients and again at 12: the same number of queries."""

    @classmethod
    def setUpTestData(cls):
        cls.owner = staff("Owner")
        make_protocol()
        cls.clinic = Clinic()
        cls.clinic.grow(2, by=cls.owner)

    def setUp(self):
        sign_in(self.client, self.owner)

    def screens(self) -> dict[str, tuple[str, dict]]:
        period = {
            "start": (timezone.localdate() - datetime.timedelta(days=365)).isoformat(),
            "end": timezone.localdate().isoformat(),
        }
        return {
            "dashboard, default period": (reverse("care_admin:dashboard"), {}),
            "dashboard, a year": (reverse("care_admin:dashboard"), period),
            "dashboard CSV": (reverse("care_admin:dashboard_csv"), period),
            "register CSV": (reverse("care_admin:register_csv"), {}),
            "today's treatments": (reverse("care_admin:today"), {}),
            "REMS forms due": (reverse("care_admin:rems_due"), {}),
            "patient list": (reverse("care_admin:patients"), {}),
        }

    def read(self, url: str, params: dict) -> str:
        response = self.client.get(url, params)
        assert response.status_code == 200, url
        if response.streaming:
            return b"".join(response.streaming_content).decode()
        return response.content.decode()

    def count(self, url: str, params: dict) -> int:
        with CaptureQueriesContext(connection) as queries:
            self.read(url, params)
        return len(queries)

    def test_every_screen_reads_as_many_queries_at_12_patients_as_at_2(self):
        self.read(reverse("care_admin:patients"), {})  # the first request warms the caches
        small = {name: self.count(*where) for name, where in self.screens().items()}
        self.clinic.grow(10, by=self.owner)
        for name, (url, params) in self.screens().items():
            with self.subTest(name), self.assertNumQueries(small[name]):
                self.read(url, params)

    def test_at_12_patients_the_screens_still_show_every_one(self):
        self.clinic.grow(10, by=self.owner)
        dashboard = self.read(reverse("care_admin:dashboard"), {})
        assert "<dt>Patients in treatment</dt><dd>12</dd>" in dashboard
        rows = list(csv.reader(io.StringIO(self.read(*self.screens()["dashboard CSV"]))))
        assert ["Patients in treatment", "12"] in rows
        today = self.read(reverse("care_admin:today"), {})
        assert today.count("Continue chart") == 12
        assert "Scale Patient 12" in today
        rems = self.read(reverse("care_admin:rems_due"), {})
        assert rems.count('name="reference"') == 0  # none signed yet
        assert rems.count("Sign the chart first.") == 12
        patients = self.read(reverse("care_admin:patients"), {})
        assert "Scale Patient 12" in patients and "Scale Patient 1<" in patients
        assert patients.count("Open the patient record") == 12


class LongListsTests(TestCase):
    """REMS forms due and the candidates awaiting a record come a page at a time, with links
    to the other pages that keep the rest of the address."""

    @classmethod
    def setUpTestData(cls):
        cls.owner = staff("Owner")
        make_protocol()
        cls.clinic = Clinic()
        cls.clinic.grow(7, by=cls.owner)

    def setUp(self):
        sign_in(self.client, self.owner)

    def test_rems_forms_due_are_shown_a_page_at_a_time_earliest_first(self):
        due = list(RemsRecord.objects.not_submitted().order_by("due_on", "pk"))
        with mock.patch("klearmind.care.charts.views.REMS_PAGE_SIZE", 5):
            first = self.client.get(reverse("care_admin:rems_due")).content.decode()
            second = self.client.get(reverse("care_admin:rems_due"), {"p": 2}).content.decode()
        assert first.count("Sign the chart first.") == 5
        assert second.count("Sign the chart first.") == 2
        assert '<nav aria-label="Pages of REMS forms due">' in first
        assert 'href="?p=2"' in first and "Page 1 of 2" in first
        assert 'href="?p=1"' in second and "Page 2 of 2" in second
        assert "Forms not yet submitted: 7, 1 to 5 shown" in first
        last = due[-1]
        assert "#rems" in second and reverse("care_admin:chart", args=[last.chart_id]) in second
        assert reverse("care_admin:chart", args=[last.chart_id]) not in first

    def test_candidates_without_a_record_have_their_own_pages(self):
        with mock.patch("klearmind.care.patients.views.LIST_PAGE_SIZE", 4):
            first = self.client.get(reverse("care_admin:patients")).content.decode()
            second = self.client.get(reverse("care_admin:patients"), {"w": 2}).content.decode()
        assert first.count("Open the patient record") == 4
        assert second.count("Open the patient record") == 3
        assert '<nav aria-label="Pages of accepted candidates without a record">' in first
        assert 'href="?w=2"' in first and "Page 1 of 2 (7 candidates)" in first
        # The patients' own pages turn with "p", apart from the candidates' "w".
        assert "Page 1 of 2" in first and 'href="?p=2"' in first


class CheckInSweepTests(TestCase):
    """The sweep costs what is due, not what exists. It runs three days ahead, once today's
    visits are past."""

    @classmethod
    def setUpTestData(cls):
        cls.owner = staff("Owner")
        make_protocol()
        cls.clinic = Clinic()
        cls.clinic.grow(2, by=cls.owner)

    def sweep_queries(self, now) -> tuple[int, list[CheckIn]]:
        with CaptureQueriesContext(connection) as queries:
            made = create_due_check_ins(now=now)
        return len(queries), made

    def test_with_nothing_due_it_reads_as_much_at_12_plans_as_at_2(self):
        now = timezone.now() + datetime.timedelta(days=3)
        assert len(create_due_check_ins(now=now)) == 2  # each patient's weekly one
        small, made = self.sweep_queries(now)
        assert made == []
        self.clinic.grow(10, by=self.owner)
        create_due_check_ins(now=now)
        with self.assertNumQueries(small):
            assert create_due_check_ins(now=now) == []

    def test_one_visit_due_among_many_plans_costs_the_same_at_both_sizes(self):
        now = timezone.now() + datetime.timedelta(days=3)
        create_due_check_ins(now=now)
        patient = Patient.objects.with_email("scale1@example.org").get()
        self.clinic.visit(
            patient,
            now + datetime.timedelta(hours=30),
            series=patient.plans.get(series__isnull=False).series,
        )
        small, made = self.sweep_queries(now)
        assert [(c.reason, c.patient) for c in made] == [(CheckInReason.VISIT, patient)]
        self.clinic.grow(10, by=self.owner)
        create_due_check_ins(now=now)
        other = Patient.objects.with_email("scale2@example.org").get()
        self.clinic.visit(other, now + datetime.timedelta(hours=30))
        with CaptureQueriesContext(connection) as queries:
            made = create_due_check_ins(now=now)
        assert [(c.reason, c.patient) for c in made] == [(CheckInReason.VISIT, other)]
        assert len(queries) == small


class BulkOutcomesTests(TestCase):
    """The dashboard's bulk read gives each patient the outcomes of their own progress."""

    @classmethod
    def setUpTestData(cls):
        cls.owner = staff("Owner")
        make_protocol()
        cls.clinic = Clinic()
        cls.clinic.grow(6, by=cls.owner, spravato=False)
        cls.clinic.grow(1, by=cls.owner)  # whose latest plan, Spravato, has no session yet
        # A patient whose baseline is too old to count, and one never treated.
        late = make_patient(email="late@example.org")
        make_plan(late, started_on=timezone.localdate() - datetime.timedelta(days=10))
        cls.clinic.visit(late, days_ago(5), status=AppointmentStatus.COMPLETED)
        score(late, phq9=18, taken_at=days_ago(90))
        score(late, phq9=4, taken_at=days_ago(1))
        untreated = make_patient(email="untreated@example.org")
        make_plan(untreated)
        score(untreated, phq9=16, taken_at=days_ago(4))

    def test_each_patient_gets_what_their_own_progress_page_shows(self):
        until = timezone.now() + datetime.timedelta(hours=1)
        patients = Patient.objects.all()
        with self.assertNumQueries(2):
            bulk = outcomes_of_many(patients, until=until, pcl5_cutoff=33)
        assert len(bulk) == patients.count()
        for patient in patients:
            own = patient_progress(patient, until=until, pcl5_cutoff=33).outcomes
            assert bulk.get(patient.pk, []) == own, patient
        assert {outcome.counted for outcomes in bulk.values() for outcome in outcomes} == {
            True,
            False,
        }

    def test_scores_after_the_period_are_left_out_as_on_the_progress_page(self):
        until = days_ago(10)
        bulk = outcomes_of_many(Patient.objects.all(), until=until, pcl5_cutoff=33)
        for patient in Patient.objects.all():
            own = patient_progress(patient, until=until, pcl5_cutoff=33).outcomes
            assert bulk.get(patient.pk, []) == own


class StreamedCsvTests(SimpleTestCase):
    def test_rows_are_read_only_as_the_file_is_sent_and_typed_cells_stay_defused(self):
        read = []

        def rows():
            for name in ("Midtown", "=HYPERLINK(1)"):
                read.append(name)
                yield [text_cell(name), 3]

        response = csv_stream("figures.csv", rows(), header=["Group", "Patients"])
        assert response.streaming and read == []
        assert response["Content-Disposition"] == 'attachment; filename="figures.csv"'
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        text = b"".join(response.streaming_content).decode()
        assert read == ["Midtown", "=HYPERLINK(1)"]
        assert list(csv.reader(io.StringIO(text))) == [
            ["Group", "Patients"],
            ["Midtown", "3"],
            ["'=HYPERLINK(1)", "3"],
        ]


class OpenUrgentScoresIndexTests(TestCase):
    """Needs attention, counted on every back-office page, reads the urgent sittings not yet
    reviewed from their partial index, not years of scores."""

    def test_the_urgent_check_ins_and_paper_entries_search_the_partial_index(self):
        from klearmind.care.attention.sources import urgent_measurements
        from klearmind.care.models import MeasurementSource

        if connection.vendor != "sqlite":
            self.skipTest("SQLite's plan; PostgreSQL's depends on its statistics")
        for source in (MeasurementSource.CHECK_IN, MeasurementSource.CLINIC):
            plan = urgent_measurements(None, source=source).explain()
            assert "care_score_open_urgent_idx" in plan
