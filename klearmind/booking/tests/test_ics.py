"""A visit's calendar file follows it: one UID, SEQUENCE one more on every change, REQUEST
while it stands and CANCEL once cancelled, attached to each e-mail; and a phone consultation
names the number we call, never an address."""

import datetime

import icalendar
import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client, TestCase

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.booking import services
from klearmind.booking.emails import calendar_file
from klearmind.booking.models import Appointment, EmailKind, ServiceKind
from klearmind.outbox.channels import render_email
from klearmind.outbox.models import OutgoingMessage
from klearmind.outbox.registry import kind as outbox_kind
from klearmind.outbox.tasks import deliver

from .factories import PATIENT, book, make_clinic, open_visit

NOW = datetime.datetime(2026, 12, 1, 16, tzinfo=datetime.UTC)  # Tuesday 8:00 in Sacramento
DAY = datetime.date(2026, 12, 3)


def calendars(message) -> list[tuple[icalendar.Calendar, str]]:
    """Each attached calendar file of an e-mail, parsed, with its MIME type."""
    return [
        (icalendar.Calendar.from_ical(content), mimetype)
        for _, content, mimetype in message.attachments
        if mimetype.startswith("text/calendar")
    ]


def the_event(message) -> tuple[icalendar.Calendar, icalendar.Event]:
    [(calendar, _)] = calendars(message)
    [event] = calendar.walk("VEVENT")
    return calendar, event


@time_machine.travel(NOW, tick=False)
class CalendarFollowsChangesTests(TestCase):
    def setUp(self):
        self.clinic = make_clinic(chairs=1)
        self.desk = staff("Front desk")

    def book_online(self, hour=10) -> Appointment:
        with self.captureOnCommitCallbacks(execute=True):
            return services.book_appointment(
                service=self.clinic.service,
                place=self.clinic.place,
                starts_at=self.clinic.at(DAY, hour),
                patient=PATIENT,
            )

    def test_booked_moved_cancelled_keep_one_uid_and_raise_the_sequence(self):
        visit = self.book_online()
        with self.captureOnCommitCallbacks(execute=True):
            services.move_appointment(appointment=visit, starts_at=self.clinic.at(DAY, 14))
        with self.captureOnCommitCallbacks(execute=True):
            services.cancel_appointment(appointment=visit)
        booked, moved, cancelled = mail.outbox
        assert "is booked" in booked.subject
        assert "has moved" in moved.subject
        assert "is cancelled" in cancelled.subject

        calendar, event = the_event(booked)
        uid = str(event["uid"])
        assert str(calendar["method"]) == "REQUEST"
        assert (event["sequence"], str(event["status"])) == (0, "CONFIRMED")
        assert event.decoded("dtstart") == self.clinic.at(DAY, 10)

        calendar, event = the_event(moved)
        assert str(calendar["method"]) == "REQUEST"
        assert str(event["uid"]) == uid
        assert event["sequence"] == 1
        assert event.decoded("dtstart") == self.clinic.at(DAY, 14)

        calendar, event = the_event(cancelled)
        assert str(calendar["method"]) == "CANCEL"
        assert str(event["uid"]) == uid
        assert (event["sequence"], str(event["status"])) == (2, "CANCELLED")

    def test_each_file_names_the_clinic_as_organizer_and_the_patient_as_attendee(self):
        _, event = the_event(self.book_online() and mail.outbox[0])
        assert str(event["organizer"]).startswith("mailto:")
        assert str(event["attendee"]) == "mailto:dana@example.org"

    def test_the_mime_part_carries_the_method_for_calendar_apps(self):
        visit = self.book_online()
        message = OutgoingMessage.objects.about("booking.appointment", visit.pk).get()
        built = outbox_kind(message.kind).build(message)
        rendered = render_email(template=message.template, built=built, recipient="d@example.org")
        text = rendered.message().as_string()
        assert 'Content-Type: text/calendar; method="REQUEST"' in text

    def test_every_change_of_status_raises_the_sequence(self):
        visit = book(self.clinic, self.clinic.at(DAY, 10))
        assert visit.sequence == 0
        with time_machine.travel(visit.starts_at):
            services.change_status(appointment=visit, action="arrived", by=self.desk)
            services.change_status(appointment=visit, action="completed", by=self.desk)
        visit.refresh_from_db()
        assert visit.sequence == 2
        [event] = icalendar.Calendar.from_ical(calendar_file(visit)).walk("VEVENT")
        assert event["sequence"] == 2

    def test_a_refused_move_changes_no_sequence(self):
        visit = book(self.clinic, self.clinic.at(DAY, 10))
        book(self.clinic, self.clinic.at(DAY, 14), patient=PATIENT)
        with pytest.raises(services.SlotUnavailable):
            services.move_appointment(appointment=visit, starts_at=self.clinic.at(DAY, 14))
        visit.refresh_from_db()
        assert visit.sequence == 0

    def test_the_file_is_built_when_the_e_mail_is_sent_from_the_visit_as_it_stands(self):
        visit = book(self.clinic, self.clinic.at(DAY, 10))
        confirmation = services.queue_email(visit, kind=EmailKind.CONFIRMATION)
        services.move_appointment(
            appointment=visit, starts_at=self.clinic.at(DAY, 15), by=self.desk
        )
        mail.outbox.clear()
        assert deliver.call(message_id=confirmation.pk) == "sent"
        _, event = the_event(mail.outbox[0])
        assert event.decoded("dtstart") == self.clinic.at(DAY, 15)
        assert event["sequence"] == 1
        confirmation.refresh_from_db()
        assert confirmation.params == {}  # nothing of the file is stored

    def test_the_downloaded_file_is_the_visit_as_it_stands(self):
        visit = book(self.clinic, self.clinic.at(DAY, 10))
        client = Client()
        path = open_visit(client, visit)
        services.cancel_appointment(appointment=visit, by=self.desk)
        response = client.get(path + "calendar.ics")
        calendar = icalendar.Calendar.from_ical(response.content)
        assert str(calendar["method"]) == "CANCEL"
        [event] = calendar.walk("VEVENT")
        assert (event["sequence"], str(event["status"])) == (1, "CANCELLED")


@time_machine.travel(NOW, tick=False)
class PhoneConsultationTests(TestCase):
    def setUp(self):
        self.clinic = make_clinic(
            slug="midtown", kind=ServiceKind.CONSULTATION, needs_chair=False, duration_minutes=20
        )
        with self.captureOnCommitCallbacks(execute=True):
            self.visit = services.book_appointment(
                service=self.clinic.service,
                place=self.clinic.place,
                starts_at=self.clinic.at(DAY, 10),
                patient=PATIENT,
            )

    def test_the_e_mail_says_we_call_the_number_given_not_the_street_address(self):
        [message] = mail.outbox
        assert "Where: Phone call — we will call you on (916) 555-0199" in message.body
        assert "1 Test Street" not in message.body

    def test_the_calendar_file_says_the_same(self):
        _, event = the_event(mail.outbox[0])
        assert str(event["location"]) == "Phone call — we will call you on (916) 555-0199"

    def test_the_confirmation_page_says_the_same(self):
        client = Client()
        path = open_visit(client, self.visit)
        page = BeautifulSoup(client.get(path + "?booked=1").content, "html.parser")
        where = page.find("main").get_text()  # the footer lists the clinics, as on every page
        assert "Phone call — we will call you on (916) 555-0199" in where
        assert "1 Test Street" not in where

    def test_the_booking_steps_say_we_call_before_the_number_is_given(self):
        start = self.clinic.at(DAY, 11).isoformat()
        page = Client().get("/book/drip/midtown/details/", {"start": start})
        where = BeautifulSoup(page.content, "html.parser").find("main").get_text()
        assert "Phone call — we will call you on the phone number you give us" in where
        assert "1 Test Street" not in where

    def test_the_staff_appointment_page_says_it_is_a_phone_call_with_the_number(self):
        client = Client()
        sign_in(client, staff("Front desk"))
        page = BeautifulSoup(
            client.get(f"/admin/booking/appointments/{self.visit.pk}/").content, "html.parser"
        )
        facts = dict(
            zip(
                [dt.get_text() for dt in page.select(".booking-admin__facts dt")],
                [" ".join(dd.get_text().split()) for dd in page.select(".booking-admin__facts dd")],
                strict=True,
            )
        )
        assert facts["Where"] == (
            "Phone call — we call the patient on (916) 555-0199 (calendar of Midtown)"
        )
