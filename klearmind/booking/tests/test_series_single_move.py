"""One visit of a series moved on its own keeps two to three days from the infusions before
and after it (CLINICAL.md: six infusions over two to three weeks), for the desk and the
patient, and the refusal says which days are possible."""

import datetime

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.test import Client

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.booking import services
from klearmind.booking.services import SlotUnavailable

from .factories import open_visit
from .test_series_links import DAY, NOW, SeriesCase, csrf_token, days, text


@time_machine.travel(NOW, tick=False)
class SingleVisitSpacingTests(SeriesCase):
    # The series: Thursday 3, Saturday 5, Monday 7, Wednesday 9, Friday 11, Sunday 13 December.

    def move(self, visit, day: datetime.date, hour: int = 14):
        return services.move_appointment(
            appointment=visit, starts_at=self.clinic.at(day, hour), by=staff("Front desk")
        )

    def test_a_middle_visit_stays_two_to_three_days_from_both_neighbours(self):
        third = self.visits[2]
        with pytest.raises(SlotUnavailable) as refused:
            self.move(third, DAY + days(5))  # Tuesday 8: one day before the fourth
        assert refused.value.code == "series_spacing"
        assert refused.value.message == (
            "Infusions of a series are 2 to 3 days apart, and this visit's neighbours in the "
            "series are on Saturday 5 December and Wednesday 9 December. It can move to "
            "another time on Monday 7 December. To move the rest of the series with it, move "
            "all remaining visits of the series instead."
        )
        third.refresh_from_db()
        assert third.local_start == self.clinic.at(DAY + days(4), 10)
        moved = self.move(third, DAY + days(4), 14)  # the same day, later: allowed
        assert moved.local_start == self.clinic.at(DAY + days(4), 14)

    def test_the_last_visit_may_move_up_to_three_days_after_the_one_before(self):
        last = self.visits[5]
        with pytest.raises(SlotUnavailable) as too_late:
            self.move(last, DAY + days(12))  # Tuesday 15: four days after Friday 11
        assert "a day from Sunday 13 December to Monday 14 December" in too_late.value.message
        with pytest.raises(SlotUnavailable):
            self.move(last, DAY + days(9))  # Saturday 12: one day after
        assert self.move(last, DAY + days(11)).local_start == self.clinic.at(DAY + days(11), 14)

    def test_a_visit_may_not_jump_past_its_neighbour(self):
        with pytest.raises(SlotUnavailable) as refused:
            self.move(self.visits[1], DAY + days(8))  # after the fourth infusion
        assert refused.value.code == "series_spacing"

    def test_a_cancelled_neighbour_does_not_count(self):
        self.visits[3].cancel(by=staff("Front desk"))  # Wednesday 9 is free now
        moved = self.move(self.visits[2], DAY + days(5))  # Tuesday 8
        assert moved.local_start == self.clinic.at(DAY + days(5), 14)

    def test_the_desks_move_form_explains_and_keeps_what_was_typed(self):
        client = Client(enforce_csrf_checks=True)
        sign_in(client, staff("Front desk"))
        third = self.visits[2]
        page = client.get(f"/admin/booking/appointments/{third.pk}/")
        data = {
            "csrfmiddlewaretoken": csrf_token(page),
            "location": self.clinic.location.pk,
            "day": "2026-12-08",
            "time": "14:00",
        }
        response = client.post(f"/admin/booking/appointments/{third.pk}/move/", data)
        assert response.status_code == 400
        assert "It can move to another time on Monday 7 December." in text(response)
        soup = BeautifulSoup(response.content, "html.parser")
        assert soup.find("input", {"name": "day"})["value"] == "2026-12-08"
        assert soup.find("input", {"name": "time"})["value"] == "14:00"
        third.refresh_from_db()
        assert third.local_start == self.clinic.at(DAY + days(4), 10)

    def test_the_patient_is_offered_only_the_days_the_spacing_allows(self):
        client = Client(enforce_csrf_checks=True)
        path = open_visit(client, self.visits[5])
        page = client.get(path + "reschedule/", {"month": "2026-12"})
        soup = BeautifulSoup(page.content, "html.parser")
        linked = [a.get_text() for a in soup.select("td a")]
        assert linked == ["13", "14"]
