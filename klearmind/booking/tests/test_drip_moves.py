"""A drip keeps its own length when it moves: a 120-minute NAD+ drip is moved as 120 minutes,
by the front desk and by the patient, not as the service's own 60."""

import datetime

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.test import Client, TestCase

from klearmind.accounts.tests.factories import staff
from klearmind.booking import menu
from klearmind.booking.services import SlotUnavailable, book_appointment, move_appointment

from .factories import PATIENT, make_clinic, open_visit
from .test_variants import add_menu

NOW = datetime.datetime(2026, 12, 1, 16, tzinfo=datetime.UTC)  # Tuesday 8:00 in Sacramento
DAY = datetime.date(2026, 12, 10)


@time_machine.travel(NOW, tick=False)
class DripMoveTests(TestCase):
    def setUp(self):
        self.clinic = make_clinic(chairs=1, slug="midtown")  # open 8:00 to 18:00, 60 minutes
        self.menu = add_menu(self.clinic.service)
        choice = menu.read_choice(self.clinic.service, str(self.menu["NAD+"].pk), [], at_home=False)
        self.visit = book_appointment(
            service=self.clinic.service.lasting(choice.minutes),
            place=self.clinic.place,
            starts_at=self.clinic.at(DAY, 9),
            patient=PATIENT,
            choice=choice,
        )

    def length(self) -> datetime.timedelta:
        self.visit.refresh_from_db()
        return self.visit.ends_at - self.visit.starts_at

    def test_the_desk_moves_a_drip_with_its_own_minutes(self):
        moved = move_appointment(
            appointment=self.visit, starts_at=self.clinic.at(DAY, 13), by=staff("Front desk")
        )
        assert moved.variant == self.menu["NAD+"]
        assert self.length() == datetime.timedelta(minutes=120)
        assert self.visit.occupied_until - self.visit.starts_at >= datetime.timedelta(minutes=120)

    def test_a_drip_that_would_run_past_closing_is_refused(self):
        # 16:30 fits a 60-minute visit before 18:00, not a 120-minute drip.
        with pytest.raises(SlotUnavailable) as refused:
            move_appointment(
                appointment=self.visit,
                starts_at=self.clinic.at(DAY, 16, 30),
                by=staff("Front desk"),
            )
        assert refused.value.code == "outside_hours"
        assert self.visit.starts_at == self.clinic.at(DAY, 9)

    def test_the_patients_reschedule_offers_only_times_the_drip_fits_and_keeps_its_length(self):
        client = Client(enforce_csrf_checks=True)
        path = open_visit(client, self.visit)
        day = DAY + datetime.timedelta(days=1)
        page = client.get(path + "reschedule/", {"month": "2026-12", "day": day.isoformat()})
        labels = [
            label.get_text()
            for label in BeautifulSoup(page.content, "html.parser").select("label[for^=start-]")
        ]
        assert labels[-1] == "4:00 PM"  # 120 minutes before 18:00, not 5:00 PM
        html = BeautifulSoup(page.content, "html.parser")
        token = html.find("input", {"name": "csrfmiddlewaretoken"})["value"]
        response = client.post(
            path + "reschedule/",
            {"csrfmiddlewaretoken": token, "start": self.clinic.at(day, 16).isoformat()},
        )
        assert response.status_code == 302, response.content.decode()
        assert self.length() == datetime.timedelta(minutes=120)
        assert self.visit.local_start == self.clinic.at(day, 16)
        assert self.visit.local_end.time() == datetime.time(18)
