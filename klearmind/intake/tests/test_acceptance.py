"""Intake tells booking who a clinician has accepted: the front desk books a treatment for a
candidate only while their questionnaire is accepted (CLINICAL.md; booking's clearance)."""

import datetime

import pytest
import time_machine
from django.test import TestCase

from klearmind.accounts.tests.factories import staff
from klearmind.booking import services as booking
from klearmind.booking.models import ServiceKind
from klearmind.booking.services import Patient, SlotUnavailable
from klearmind.booking.tests.factories import make_clinic
from klearmind.intake.acceptance import has_accepted_questionnaire
from klearmind.intake.models import Status, Submission

from .factories import CANDIDATE_EMAIL, submission_with

NOW = datetime.datetime(2026, 12, 1, 16, tzinfo=datetime.UTC)
DAY = datetime.date(2026, 12, 3)


@time_machine.travel(NOW, tick=False)
class FrontDeskBookingTests(TestCase):
    def setUp(self):
        self.submission = submission_with(notify=False)
        self.clinic = make_clinic(chairs=1, kind=ServiceKind.SPRAVATO)
        self.desk = staff("Front desk")

    def book(self):
        return booking.book_appointment(
            service=self.clinic.service,
            place=self.clinic.place,
            starts_at=self.clinic.at(DAY, 10),
            patient=Patient("Avery Quinlan", CANDIDATE_EMAIL.upper(), "(916) 555-0187"),
            by=self.desk,
        )

    def move_to(self, status):
        Submission.objects.filter(pk=self.submission.pk).update(status=status)

    def test_a_candidate_still_under_review_cannot_be_booked_for_treatment(self):
        self.move_to(Status.REVIEWING)
        with pytest.raises(SlotUnavailable) as caught:
            self.book()
        assert caught.value.code == "not_accepted"

    def test_an_accepted_candidate_is_booked_by_the_address_however_it_is_typed(self):
        self.move_to(Status.ACCEPTED)
        assert has_accepted_questionnaire(CANDIDATE_EMAIL)
        assert self.book().patient_email == CANDIDATE_EMAIL.upper()

    def test_a_decision_reopened_for_review_withdraws_the_acceptance(self):
        self.move_to(Status.ACCEPTED)
        self.move_to(Status.REVIEWING)
        assert not has_accepted_questionnaire(CANDIDATE_EMAIL)
