"""A treatment booked with a clinician's invitation stays the patient's to move: the invitation
was checked (and used) when it was booked, so moving a visit or the rest of a series from the
patient's link asks for none again, while booking a new one still does."""

import datetime
from unittest import mock

import pytest
import time_machine
from django.test import TestCase

from klearmind.accounts.tests.factories import staff
from klearmind.booking import services
from klearmind.booking.models import AppointmentStatus, ServiceKind
from klearmind.booking.services import SlotUnavailable

from .factories import PATIENT, make_clinic

NOW = datetime.datetime(2026, 12, 1, 16, tzinfo=datetime.UTC)  # Tuesday 8:00 in Sacramento
DAY = datetime.date(2026, 12, 3)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@time_machine.travel(NOW, tick=False)
class PatientMovesATreatmentTests(TestCase):
    def setUp(self):
        self.clinic = make_clinic(chairs=1, kind=ServiceKind.KETAMINE)
        assert self.clinic.service.needs_invitation
        starts = [self.clinic.at(DAY + days(2 * n), 10) for n in range(6)]
        # Booked for an accepted patient (as an invitation would allow); the patient moves it.
        with mock.patch("klearmind.booking.clearance.is_accepted", return_value=True):
            self.series = services.book_series(
                service=self.clinic.service,
                place=self.clinic.place,
                starts=starts,
                patient=PATIENT,
                by=staff("Front desk"),
            )

    def test_the_patient_moves_every_remaining_infusion(self):
        moved = services.move_series(
            series=self.series, starts_at=self.clinic.at(DAY + days(3), 14)
        )
        assert len(moved) == 6
        starts = [v.local_start for v in self.series.appointments.order_by("starts_at")]
        assert starts == [self.clinic.at(DAY + days(3 + 2 * n), 14) for n in range(6)]

    def test_the_patient_moves_one_infusion(self):
        last = self.series.appointments.order_by("starts_at").last()
        new = self.clinic.at(DAY + days(11), 15)
        moved = services.move_appointment(appointment=last, starts_at=new)
        assert moved.local_start == new
        assert moved.status == AppointmentStatus.BOOKED

    def test_booking_a_new_infusion_online_still_needs_an_invitation(self):
        with pytest.raises(SlotUnavailable) as caught:
            services.check_offered(service=self.clinic.service, staff=False)
        assert caught.value.code == "needs_invitation"
