"""The induction series as one thing: the patient's link shows every visit and moves or cancels
one visit or all the remaining ones; moving all keeps the series' spacing and is all or none."""

import datetime
import threading
from unittest import mock

import icalendar
import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core import mail
from django.db import connection, connections
from django.test import Client, TestCase, TransactionTestCase
from django.utils import timezone

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.audit.models import AuditEvent
from klearmind.booking import services
from klearmind.booking.models import AppointmentStatus, Closure, Series, ServiceKind
from klearmind.booking.services import SlotUnavailable, plan_series

from .factories import PATIENT, make_clinic, make_provider, make_service, open_visit

NOW = datetime.datetime(2026, 12, 1, 16, tzinfo=datetime.UTC)  # Tuesday 8:00 in Sacramento
DAY = datetime.date(2026, 12, 3)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def csrf_token(response) -> str:
    return BeautifulSoup(response.content, "html.parser").find(
        "input", {"name": "csrfmiddlewaretoken"}
    )["value"]


def form_fields(response) -> dict[str, str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return {
        field["name"]: field.get("value", "") for field in soup.find_all("input", type="hidden")
    }


def text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())


class SeriesCase(TestCase):
    def setUp(self):
        self.clinic = make_clinic(chairs=1)
        self.starts = [self.clinic.at(DAY + days(2 * n), 10) for n in range(6)]
        with self.captureOnCommitCallbacks(execute=True):
            self.series = services.book_series(
                service=self.clinic.service,
                place=self.clinic.place,
                starts=self.starts,
                patient=PATIENT,
            )
        self.visits = list(self.series.appointments.order_by("starts_at"))
        mail.outbox.clear()

    def local_starts(self):
        return [visit.local_start for visit in self.series.appointments.order_by("starts_at", "pk")]

    def sequences(self):
        return list(
            self.series.appointments.order_by("starts_at").values_list("sequence", flat=True)
        )


@time_machine.travel(NOW, tick=False)
class MoveSeriesTests(SeriesCase):
    def test_moves_every_remaining_visit_two_days_apart_at_the_new_time(self):
        new_first = self.clinic.at(DAY + days(3), 14)
        with self.captureOnCommitCallbacks(execute=True):
            moved = services.move_series(series=self.series, starts_at=new_first)
        assert len(moved) == 6
        assert self.local_starts() == [self.clinic.at(DAY + days(3 + 2 * n), 14) for n in range(6)]
        assert self.sequences() == [1] * 6
        [message] = mail.outbox  # one e-mail for the whole move
        assert message.subject == "6 visits of your series have moved"
        assert "6 visits of your induction series have moved to new times." in message.body
        assert "- Sunday 6 December 2026, 2:00 PM (PST)" in message.body
        files = [icalendar.Calendar.from_ical(content) for _, content, _ in message.attachments]
        assert [str(calendar["method"]) for calendar in files] == ["REQUEST"] * 6
        uids = {str(calendar.walk("VEVENT")[0]["uid"]) for calendar in files}
        assert uids == {f"appointment-{visit.pk}@klearmind" for visit in self.visits}

    def test_all_or_none_when_a_later_visit_has_no_room(self):
        Closure.objects.create(
            location=self.clinic.location,
            starts_on=DAY + days(5),
            ends_on=DAY + days(40),
            reason="Renovation",
        )
        with pytest.raises(SlotUnavailable) as caught:
            services.move_series(series=self.series, starts_at=self.clinic.at(DAY + days(1), 14))
        assert caught.value.code == "series_incomplete"
        assert "nothing has changed" in caught.value.message
        assert self.local_starts() == self.starts
        assert self.sequences() == [0] * 6
        assert mail.outbox == []

    def test_a_page_open_in_two_tabs_moves_once(self):
        seen = plan_series(self.series).version
        services.move_series(
            series=self.series, starts_at=self.clinic.at(DAY + days(1), 14), version=seen
        )
        after_first = self.local_starts()
        with pytest.raises(SlotUnavailable) as caught:
            services.move_series(
                series=self.series, starts_at=self.clinic.at(DAY + days(2), 9), version=seen
            )
        assert caught.value.code == "series_changed"
        assert self.local_starts() == after_first

    def test_the_same_form_sent_twice_moves_once(self):
        first = self.clinic.at(DAY + days(1), 14)
        services.move_series(series=self.series, starts_at=first, token="tok-1")
        services.move_series(series=self.series, starts_at=first, token="tok-1")
        assert self.sequences() == [1] * 6

    def test_a_visit_done_stays_and_the_rest_keep_their_distance_from_it(self):
        desk = staff("Front desk")
        with time_machine.travel(self.visits[0].starts_at):
            services.change_status(appointment=self.visits[0], action="completed", by=desk)
        with pytest.raises(SlotUnavailable) as caught:
            services.move_series(
                series=self.series, starts_at=self.clinic.at(DAY + days(1), 14), by=desk
            )
        assert caught.value.code == "too_close"
        moved = services.move_series(
            series=self.series, starts_at=self.clinic.at(DAY + days(3), 9), by=desk
        )
        assert len(moved) == 5
        assert self.local_starts()[0] == self.starts[0]
        events = AuditEvent.objects.filter(detail="move series", actor=desk)
        assert events.count() == 5


@time_machine.travel(NOW, tick=False)
class CancelSeriesTests(SeriesCase):
    def test_cancels_every_remaining_visit_with_one_e_mail(self):
        with self.captureOnCommitCallbacks(execute=True):
            cancelled = services.cancel_series(series=self.series)
        assert len(cancelled) == 6
        statuses = set(self.series.appointments.values_list("status", flat=True))
        assert statuses == {AppointmentStatus.CANCELLED}
        [message] = mail.outbox
        assert message.subject == "6 visits of your series are cancelled"
        files = [icalendar.Calendar.from_ical(content) for _, content, _ in message.attachments]
        assert [str(calendar["method"]) for calendar in files] == ["CANCEL"] * 6

    def test_a_visit_inside_the_notice_window_stays_booked_for_the_patient(self):
        with time_machine.travel(self.starts[0] - datetime.timedelta(hours=3)):
            plan = plan_series(self.series)
            assert plan.kept == [self.visits[0]]
            cancelled = services.cancel_series(series=self.series)
        assert [visit.pk for visit in cancelled] == [visit.pk for visit in self.visits[1:]]
        self.visits[0].refresh_from_db()
        assert self.visits[0].status == AppointmentStatus.BOOKED


@time_machine.travel(NOW, tick=False)
class PatientLinkTests(SeriesCase):
    def setUp(self):
        super().setUp()
        self.client = Client(enforce_csrf_checks=True)
        self.path = open_visit(self.client, self.visits[0])

    def test_the_link_shows_every_visit_and_opens_each_of_them(self):
        page = self.client.get(self.path + "?booked=1")
        assert "Your induction series" in text(page)
        for visit in self.visits:
            assert f"{visit.local_start:%A %-d %B %Y}, 10:00 AM" in text(page)
        later = self.client.get(f"/book/my-visit/{self.visits[3].pk}/")
        assert later.status_code == 200
        assert "Wednesday 9 December 2026, 10:00 AM" in text(later)
        assert Client().get(f"/book/my-visit/{self.visits[3].pk}/").status_code == 404

    def test_cancelling_one_visit_leaves_the_others_booked_and_reachable(self):
        target = f"/book/my-visit/{self.visits[2].pk}/cancel/"
        page = self.client.get(target)
        self.client.post(target, {"csrfmiddlewaretoken": csrf_token(page)})
        statuses = list(
            self.series.appointments.order_by("starts_at").values_list("status", flat=True)
        )
        assert statuses.count(AppointmentStatus.CANCELLED) == 1
        assert statuses[2] == AppointmentStatus.CANCELLED
        overview = text(self.client.get(self.path))
        assert "Move all remaining visits" in overview
        assert "Cancel all remaining visits" in overview

    def test_cancel_all_remaining_from_the_link(self):
        page = self.client.get(self.path + "series/cancel/")
        assert "Yes, cancel these 6 visits" in text(page)
        fields = form_fields(page)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.path + "series/cancel/", fields)
        assert response["Location"] == self.path + "?series_cancelled=1"
        statuses = set(self.series.appointments.values_list("status", flat=True))
        assert statuses == {AppointmentStatus.CANCELLED}
        assert len(mail.outbox) == 1
        again = self.client.post(self.path + "series/cancel/", fields)  # a double click
        assert again["Location"] == self.path + "?series_cancelled=1"
        assert len(mail.outbox) == 1

    def test_move_all_remaining_from_the_link(self):
        page = self.client.get(
            self.path + "series/reschedule/", {"month": "2026-12", "day": "2026-12-04"}
        )
        assert "Free times on Friday 4 December" in text(page)
        fields = form_fields(page)
        fields["start"] = self.clinic.at(DAY + days(1), 15).isoformat()
        response = self.client.post(self.path + "series/reschedule/", fields)
        assert response["Location"] == self.path + "?series_moved=1"
        assert self.local_starts() == [self.clinic.at(DAY + days(1 + 2 * n), 15) for n in range(6)]
        done = self.client.get(response["Location"])
        assert "Your series has moved" in text(done)

    def test_a_move_that_cannot_place_every_visit_says_so_and_changes_nothing(self):
        page = self.client.get(
            self.path + "series/reschedule/", {"month": "2026-12", "day": "2026-12-04"}
        )
        Closure.objects.create(
            location=self.clinic.location,
            starts_on=DAY + days(5),
            ends_on=DAY + days(40),
            reason="Renovation",
        )
        fields = form_fields(page)
        fields["start"] = self.clinic.at(DAY + days(1), 15).isoformat()
        response = self.client.post(self.path + "series/reschedule/", fields)
        assert response.status_code == 409
        assert "so nothing has changed" in text(response)
        assert self.local_starts() == self.starts

    def test_a_second_tab_is_told_the_series_changed(self):
        first_tab = form_fields(self.client.get(self.path + "series/cancel/"))
        second = self.client.get(
            self.path + "series/reschedule/", {"month": "2026-12", "day": "2026-12-04"}
        )
        self.client.post(self.path + "series/cancel/", first_tab)
        fields = form_fields(second)
        fields["start"] = self.clinic.at(DAY + days(1), 15).isoformat()
        response = self.client.post(self.path + "series/reschedule/", fields)
        assert response.status_code == 409
        assert "changed in another window" in text(response)
        statuses = set(self.series.appointments.values_list("status", flat=True))
        assert statuses == {AppointmentStatus.CANCELLED}


@time_machine.travel(NOW, tick=False)
class StaffSeriesTests(SeriesCase):
    def setUp(self):
        super().setUp()
        self.desk = staff("Front desk")
        self.client = Client(enforce_csrf_checks=True)
        sign_in(self.client, self.desk)
        self.url = f"/admin/booking/series/{self.series.pk}/"

    def test_the_series_page_lists_every_visit_and_is_audited(self):
        page = self.client.get(self.url)
        for visit in self.visits:
            assert f"{visit.local_start:%A %-d %B %Y}, 10:00 AM" in text(page)
        assert "Dana Reyes" in text(page)
        event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, target_type="booking.series")
        assert event.actor == self.desk and str(self.visits[5].pk) in event.detail
        visit_page = self.client.get(f"/admin/booking/appointments/{self.visits[2].pk}/")
        assert self.url in visit_page.content.decode()

    def test_the_front_desk_moves_the_whole_series_for_a_caller(self):
        fields = form_fields(self.client.get(self.url))
        fields.update(
            {
                "location": self.clinic.location.pk,
                "day": (DAY + days(1)).isoformat(),
                "time": "13:00",
            }
        )
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url + "move/", fields)
        assert response["Location"] == self.url
        assert self.local_starts() == [self.clinic.at(DAY + days(1 + 2 * n), 13) for n in range(6)]
        assert AuditEvent.objects.filter(detail="move series", actor=self.desk).count() == 6
        assert len(mail.outbox) == 1

    def test_a_move_without_room_for_every_visit_is_refused_with_the_reason(self):
        Closure.objects.create(
            location=self.clinic.location,
            starts_on=DAY + days(5),
            ends_on=DAY + days(40),
            reason="Renovation",
        )
        fields = form_fields(self.client.get(self.url))
        fields.update(
            {
                "location": self.clinic.location.pk,
                "day": (DAY + days(1)).isoformat(),
                "time": "13:00",
            }
        )
        response = self.client.post(self.url + "move/", fields)
        assert response.status_code == 400
        assert "so nothing has changed" in text(response)
        assert self.local_starts() == self.starts

    def test_the_front_desk_cancels_the_remaining_visits(self):
        fields = form_fields(self.client.get(self.url))
        self.client.post(self.url + "cancel/", fields)
        statuses = set(self.series.appointments.values_list("status", flat=True))
        assert statuses == {AppointmentStatus.CANCELLED}
        assert AuditEvent.objects.filter(detail="cancel series", actor=self.desk).count() == 6
        assert "No visit of this series is left" in text(self.client.get(self.url))

    def test_the_front_desk_books_a_whole_series_for_a_caller(self):
        ketamine = make_service(self.clinic.location, slug="ketamine", kind=ServiceKind.KETAMINE)
        make_provider("Nurse", [ketamine], location=self.clinic.location)
        url = "/admin/booking/series/book/"
        fields = form_fields(self.client.get(url))
        fields.update(
            {
                "service": ketamine.pk,
                "location": self.clinic.location.pk,
                "day": (DAY + days(1)).isoformat(),
                "time": "09:00",
                "name": "Sam Ortiz",
                "email": "sam@example.org",
                "phone": "(916) 555-0100",
            }
        )
        with mock.patch("klearmind.booking.clearance.is_accepted", return_value=True):
            proposed = self.client.post(url, fields)
            assert "Friday 4 December 2026, 9:00 AM" in text(proposed)
            soup = BeautifulSoup(proposed.content, "html.parser")
            starts = [field["value"] for field in soup.find_all("input", {"name": "series_start"})]
            assert len(starts) == 6
            confirm = {**fields, "series_start": starts, "confirm": "1"}
            with self.captureOnCommitCallbacks(execute=True):
                response = self.client.post(url, confirm)
            self.client.post(url, confirm)  # a double click books nothing more
        booked = Series.objects.exclude(pk=self.series.pk).get()
        assert response["Location"] == f"/admin/booking/series/{booked.pk}/"
        assert booked.appointments.count() == 6
        assert set(booked.appointments.values_list("booked_by", flat=True)) == {self.desk.pk}
        assert len(mail.outbox) == 1


@pytest.mark.clock  # the series starts a week from today
@pytest.mark.postgres
class TwoTabsRaceTests(TransactionTestCase):
    """Two tabs open on the same series send "move all" at the same moment: one moves it,
    the other is told the series changed, and every visit moved once."""

    serialized_rollback = True  # keep Wagtail's root page and default site for other tests

    def test_on_postgresql_one_of_two_tabs_moves_the_series(self):
        if connection.vendor != "postgresql":
            self.skipTest("runs on PostgreSQL")
        clinic = make_clinic(chairs=2)
        first_day = timezone.localdate() + days(7)
        starts = [clinic.at(first_day + days(2 * n), 10) for n in range(6)]
        series = services.book_series(
            service=clinic.service, place=clinic.place, starts=starts, patient=PATIENT
        )
        seen = plan_series(series).version
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def tab(hour: int) -> None:
            try:
                barrier.wait()
                services.move_series(
                    series=series, starts_at=clinic.at(first_day + days(1), hour), version=seen
                )
                outcomes.append("moved")
            except SlotUnavailable as refusal:
                outcomes.append(refusal.code)
            finally:
                connections["default"].close()

        threads = [threading.Thread(target=tab, args=(hour,)) for hour in (13, 15)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["moved", "series_changed"]
        visits = series.appointments.all()
        assert set(visits.values_list("sequence", flat=True)) == {1}
        assert len({visit.local_start.hour for visit in visits}) == 1
