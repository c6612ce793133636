import datetime

import time_machine
from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client, TestCase
from django.utils.http import urlencode

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.audit.models import AuditEvent
from klearmind.booking.models import Appointment, AppointmentStatus, Invitation, ServiceKind

from .factories import PATIENT, book, make_clinic, make_service

NOW = datetime.datetime(2026, 12, 1, 16, tzinfo=datetime.UTC)  # Tuesday 8:00 in Sacramento
DAY = datetime.date(2026, 12, 3)


def text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())


def csrf(client, url) -> str:
    page = client.get(url)
    return BeautifulSoup(page.content, "html.parser").find(
        "input", {"name": "csrfmiddlewaretoken"}
    )["value"]


@time_machine.travel(NOW, tick=False)
class FrontDeskTests(TestCase):
    def setUp(self):
        self.clinic = make_clinic(chairs=2, providers=2, slug="midtown", at_home=True)
        self.visit = book(self.clinic, self.clinic.at(DAY, 10))
        self.desk = staff("Front desk")
        self.client = Client(enforce_csrf_checks=True)
        sign_in(self.client, self.desk)

    def test_the_day_calendar_shows_chairs_as_columns_and_the_visit_with_its_patient(self):
        response = self.client.get(
            "/admin/booking/", {"location": self.clinic.location.pk, "day": DAY.isoformat()}
        )
        soup = BeautifulSoup(response.content, "html.parser")
        headers = [th.get_text() for th in soup.select(".booking-admin__grid thead th")]
        assert headers == ["Time", "Chair 1", "Chair 2", "Phone / no chair", "At home"]
        ten = next(
            row for row in soup.select(".booking-admin__grid tbody tr") if row.th.text == "10 AM"
        )
        assert "Dana Reyes" in ten.find_all("td")[0].get_text()
        assert "10:00–11:00 AM" in ten.find_all("td")[0].get_text()
        assert "no-store" in response["Cache-Control"]
        event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
        assert event.target_type == "booking.appointment" and event.actor == self.desk
        assert event.detail == (
            f"day calendar {DAY} at {self.clinic.location}: appointments {self.visit.pk}"
        )

    def test_the_week_calendar_and_the_provider_filter(self):
        week = self.client.get(
            "/admin/booking/",
            {"location": self.clinic.location.pk, "day": DAY.isoformat(), "view": "week"},
        )
        assert "Thu 3 Dec" in text(week) and "Dana Reyes" in text(week)
        other = staff("Clinician")
        from .factories import make_provider

        nobody = make_provider("Someone else", [], location=self.clinic.location)
        filtered = self.client.get(
            "/admin/booking/",
            {"location": self.clinic.location.pk, "day": DAY.isoformat(), "provider": nobody.pk},
        )
        assert "Dana Reyes" not in text(filtered)
        assert other  # a second role does not change what the desk sees

    def test_opening_an_appointment_shows_the_contact_and_is_audited(self):
        response = self.client.get(f"/admin/booking/appointments/{self.visit.pk}/")
        assert "dana@example.org" in text(response)
        assert "(916) 555-0199" in text(response)
        event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
        assert (event.target_type, event.target_id) == ("booking.appointment", str(self.visit.pk))

    def test_marking_arrived_and_completed_and_a_refused_change(self):
        url = f"/admin/booking/appointments/{self.visit.pk}/status/"
        with time_machine.travel(self.visit.starts_at, tick=False):
            sign_in(self.client, self.desk)  # two days on: a new session
            token = csrf(self.client, f"/admin/booking/appointments/{self.visit.pk}/")
            self.client.post(url, {"csrfmiddlewaretoken": token, "action": "arrived"})
            self.client.post(url, {"csrfmiddlewaretoken": token, "action": "completed"})
            page = self.client.post(
                url, {"csrfmiddlewaretoken": token, "action": "no_show"}, follow=True
            )
        self.visit.refresh_from_db()
        assert self.visit.status == AppointmentStatus.COMPLETED
        assert "it cannot be marked no-show" in page.content.decode()

    def test_moving_to_a_free_time_and_refusing_a_closed_one(self):
        url = f"/admin/booking/appointments/{self.visit.pk}/move/"
        token = csrf(self.client, f"/admin/booking/appointments/{self.visit.pk}/")
        data = {"csrfmiddlewaretoken": token, "location": self.clinic.location.pk}
        refused = self.client.post(url, {**data, "day": "2026-12-04", "time": "21:00"})
        assert refused.status_code == 400
        assert "We are not open for this service at that time" in text(refused)
        with self.captureOnCommitCallbacks(execute=True):
            moved = self.client.post(url, {**data, "day": "2026-12-04", "time": "14:00"})
        assert moved.status_code == 302
        self.visit.refresh_from_db()
        assert self.visit.local_start == self.clinic.at(DAY + datetime.timedelta(days=1), 14)
        assert "has moved" in mail.outbox[0].subject

    def test_booking_for_a_caller_uses_the_same_checks(self):
        book(self.clinic, self.clinic.at(DAY, 10), patient=PATIENT)  # both chairs now taken
        token = csrf(self.client, "/admin/booking/book/")
        data = {
            "csrfmiddlewaretoken": token,
            "token": "desk-1",
            "service": self.clinic.service.pk,
            "location": self.clinic.location.pk,
            "day": DAY.isoformat(),
            "time": "10:00",
            "name": "Caller",
            "email": "caller@example.org",
            "phone": "916 555 0123",
        }
        taken = self.client.post("/admin/booking/book/", data)
        assert "that time was just taken" in text(taken)
        booked = self.client.post("/admin/booking/book/", {**data, "time": "12:00"})
        assert booked.status_code == 302
        visit = Appointment.objects.get(patient_email_hash__isnull=False, booked_by=self.desk)
        assert visit.local_start.hour == 12

    def test_a_treatment_for_a_caller_nobody_accepted_is_refused_on_the_form(self):
        # CLINICAL.md: treatment only for someone a clinician has accepted.
        infusion = make_service(self.clinic.location, slug="infusion", kind=ServiceKind.KETAMINE)
        self.clinic.providers[0].services.add(infusion)
        token = csrf(self.client, "/admin/booking/book/")
        data = {
            "csrfmiddlewaretoken": token,
            "token": "desk-2",
            "service": infusion.pk,
            "location": self.clinic.location.pk,
            "day": DAY.isoformat(),
            "time": "12:00",
            "name": "Caller",
            "email": "caller@example.org",
            "phone": "916 555 0123",
        }
        refused = self.client.post("/admin/booking/book/", data)
        assert refused.status_code == 400
        assert (
            "Infusion can be booked only for someone a clinician has accepted for treatment"
            in text(refused)
        )
        assert 'value="caller@example.org"' in refused.content.decode()
        assert not Appointment.objects.filter(service=infusion).exists()

    def test_the_day_sheet_lists_the_days_visits_for_printing(self):
        response = self.client.get(
            "/admin/booking/day-sheet/",
            {"location": self.clinic.location.pk, "day": DAY.isoformat()},
        )
        assert "Midtown · Thursday 3 December 2026" in text(response)
        assert "Dana Reyes" in text(response)
        assert "booking/day_sheet.css" in response.content.decode()
        event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
        assert event.detail == (
            f"day sheet {DAY} at {self.clinic.location}: appointments {self.visit.pk}"
        )


class InvitationScreenTests(TestCase):
    def test_a_clinician_invites_a_candidate_and_the_front_desk_cannot(self):
        clinician, desk = staff("Clinician"), staff("Front desk")
        client = Client()
        sign_in(client, desk)
        refused = client.get("/admin/booking/invitations/")
        assert refused.status_code != 200
        assert AuditEvent.objects.get(action=AuditEvent.Action.PERMISSION_DENIED).actor == desk
        sign_in(client, clinician)
        with self.captureOnCommitCallbacks(execute=True):
            response = client.post(
                "/admin/booking/invitations/", {"name": "Alex", "email": "alex@example.org"}
            )
        invitation = Invitation.objects.get()
        assert invitation.get_url() in response.content.decode()
        assert mail.outbox[0].to == ["alex@example.org"]
        assert invitation.issued_by == clinician

    def test_an_invitation_for_a_service_id_too_large_for_the_database_is_refused(self):
        client = sign_in(Client(), staff("Clinician"))
        response = client.post(
            "/admin/booking/invitations/",
            {"name": "Alex", "email": "alex@example.org", "services": "9" * 30},
        )
        assert response.status_code == 200
        assert "is not a valid value" in response.content.decode()
        assert not Invitation.objects.exists()


class SetupScreenTests(TestCase):
    def test_the_owner_can_open_every_setup_form_and_add_a_closure(self):
        clinic = make_clinic()
        client = Client()
        sign_in(client, staff("Owner"))
        for model in ("service", "location", "closure", "provider", "timeoff"):
            assert client.get(f"/admin/snippets/booking/{model}/add/").status_code == 200, model
        edit = client.get(f"/admin/snippets/booking/service/edit/{clinic.service.pk}/")
        assert "Preparation" in text(edit)
        response = client.post(
            "/admin/snippets/booking/closure/add/",
            {
                "location": clinic.location.pk,
                "starts_on": "2026-12-24",
                "ends_on": "2026-12-23",
                "reason": "Holiday",
            },
        )
        assert "The last day cannot be before the first." in response.content.decode()
        assert not clinic.location.closures.exists()


@time_machine.travel(NOW, tick=False)
class BookForACallerTests(TestCase):
    def setUp(self):
        self.clinic = make_clinic(chairs=1, providers=1, slug="midtown")
        self.visit = book(self.clinic, self.clinic.at(DAY, 10))  # chair 1 taken 10–11
        self.desk = staff("Front desk")
        self.client = Client(enforce_csrf_checks=True)
        sign_in(self.client, self.desk)
        self.chosen = {"service": self.clinic.service.pk, "location": self.clinic.location.pk}

    def test_the_month_links_the_days_with_free_times(self):
        page = self.client.get("/admin/booking/book/", self.chosen)
        soup = BeautifulSoup(page.content, "html.parser")
        linked = [a.get_text() for a in soup.select(".booking-admin__month td a")]
        assert linked == [str(day) for day in range(1, 32)]  # open every day, from today on
        assert "day=2026-12-03" in soup.select(".booking-admin__month td a")[2]["href"]

    def test_a_day_lists_its_free_times_with_chair_and_provider_and_books_one(self):
        url = "/admin/booking/book/?" + urlencode({**self.chosen, "day": DAY.isoformat()})
        page = self.client.get(url)
        soup = BeautifulSoup(page.content, "html.parser")
        times = [
            " ".join(label.get_text().split())
            for label in soup.select(".booking-admin__times label")
        ]
        assert "9:00 AM · chair 1 · Provider 0" in times
        assert not any(label.startswith(("10:00 AM", "10:30 AM")) for label in times)  # taken
        assert soup.find("input", {"name": "day", "type": "hidden"})["value"] == "2026-12-03"
        data = {
            "csrfmiddlewaretoken": soup.find("input", {"name": "csrfmiddlewaretoken"})["value"],
            "token": "desk-3",
            **{
                name: soup.find("input", {"name": name})["value"]
                for name in ("service", "location", "day")
            },
            "time": "14:00",
            "name": "Caller",
            "email": "caller@example.org",
            "phone": "916 555 0123",
        }
        booked = self.client.post(url, data)
        assert booked.status_code == 302, text(booked)
        visit = Appointment.objects.get(booked_by=self.desk)
        assert (visit.local_start.hour, visit.chair) == (14, 1)

    def test_staff_only_services_are_offered_and_labels_speak_to_staff(self):
        make_service(self.clinic.location, slug="desk-only", online_booking="staff")
        page = self.client.get("/admin/booking/book/")
        assert "Desk Only (staff only)" in text(page)
        assert "Patient's full name" in text(page) and "Your name" not in text(page)

    def test_a_caller_who_booked_before_is_found_by_e_mail_and_audited(self):
        url = "/admin/booking/book/?" + urlencode(self.chosen)
        token = BeautifulSoup(self.client.get(url).content, "html.parser").find(
            "input", {"name": "csrfmiddlewaretoken"}
        )["value"]
        page = self.client.post(url, {"csrfmiddlewaretoken": token, "find": "DANA@example.org"})
        assert page.status_code == 200 and "example.org" not in page.request["QUERY_STRING"]
        soup = BeautifulSoup(page.content, "html.parser")
        assert "Found: Dana Reyes" in text(page)
        assert soup.find("input", {"name": "phone"})["value"] == "(916) 555-0199"
        event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
        assert (event.target_id, event.actor) == (str(self.visit.pk), self.desk)
        nobody = self.client.post(url, {"csrfmiddlewaretoken": token, "find": "who@example.org"})
        assert "Nobody was found with this whole e-mail" in text(nobody)

    def test_a_role_that_may_not_see_patients_cannot_find_them(self):
        from django.contrib.auth.models import Permission

        booker = staff()
        booker.user_permissions.add(
            *Permission.objects.filter(codename__in=["manage_appointments", "access_admin"])
        )
        sign_in(self.client, booker)
        page = self.client.get("/admin/booking/book/")
        token = BeautifulSoup(page.content, "html.parser").find(
            "input", {"name": "csrfmiddlewaretoken"}
        )["value"]
        page = self.client.post(
            "/admin/booking/book/", {"csrfmiddlewaretoken": token, "find": "dana@example.org"}
        )
        assert page.status_code == 200
        assert "Dana Reyes" not in text(page)
        assert 'name="find"' not in page.content.decode()  # no finder offered
        assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).exists()
