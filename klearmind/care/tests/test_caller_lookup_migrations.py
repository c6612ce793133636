"""The caller finder's name and phone hashes are filled for the patients, questionnaires and
appointments saved before the columns existed, from their decrypted name and phone number."""

import datetime

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

from klearmind.booking.hooks import CallerSearch
from klearmind.booking.models import Appointment
from klearmind.booking.tests.factories import book, make_clinic
from klearmind.care.models import Patient
from klearmind.intake.models import Submission
from klearmind.intake.tests.factories import CANDIDATE_NAME, submission_with

from .factories import PATIENT_NAME, make_patient

BEFORE = [
    ("booking", "0010_appointment_calendar_sequence"),
    ("care", "0007_infusion_chart_given_by"),
    ("intake", "0006_consultation_match"),
]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, table)}


class FillCallerLookupHashesTests(TransactionTestCase):
    serialized_rollback = True  # keep Wagtail's root page and default site for other tests

    def tearDown(self):
        migrate(leaves())

    def test_existing_rows_are_found_by_name_and_phone_after_the_migration(self):
        patient = make_patient()
        submission = submission_with(notify=False)
        clinic = make_clinic()
        visit = book(clinic, clinic.at(datetime.date.today() + datetime.timedelta(days=9), 10))
        migrate(BEFORE)
        assert "name_hash" not in columns("care_patient")
        assert "patient_phone_hash" not in columns("booking_appointment")
        migrate(leaves())

        def found(model, typed, prefix=""):
            search = CallerSearch.read(typed)
            return list(model.objects.filter(search.lookup(prefix)).values_list("pk", flat=True))

        assert found(Patient, PATIENT_NAME.upper()) == [patient.pk]
        assert found(Patient, "+19165550143") == [patient.pk]
        assert found(Submission, CANDIDATE_NAME) == [submission.pk]
        assert found(Submission, "916-555-0187") == [submission.pk]
        assert found(Appointment, "reyes, dana", "patient_") == [visit.pk]
        assert found(Appointment, "(916) 555 0199", "patient_") == [visit.pk]
        assert found(Patient, "Rowan") == []
