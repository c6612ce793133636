"""The good-faith exam before IV hydration: booked first by whoever needs one, and shown to
staff as "exam due" on a drip with no exam before it (CLINICAL.md, IV hydration)."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.template import Context, Template
from django.test import Client, TestCase

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.booking.models import (
    Appointment,
    AppointmentStatus,
    BookingSettings,
    ServiceKind,
    ServiceVariant,
)
from klearmind.booking.models.setup import ExamBy
from klearmind.booking.services import Patient
from klearmind.encryption.keys import email_lookup_hash
from klearmind.pages.tests.test_pages import load_demo

from .factories import Clinic, book, make_clinic, make_provider, make_service
from .test_variants import summary
from .test_views import text

NOW = datetime.datetime(2026, 12, 1, 16, tzinfo=datetime.UTC)  # Tuesday 8:00 in Sacramento
DAY = datetime.date(2026, 12, 3)
OTHER = Patient("Sam Ortiz", "sam@example.org", "(916) 555-0123", "")


def add_exam(clinic: Clinic, **fields) -> Clinic:
    exam = make_service(
        clinic.location,
        slug="good-faith-exam",
        kind=ServiceKind.GOOD_FAITH_EXAM,
        duration_minutes=15,
        price=0,
        needs_chair=False,
        **fields,
    )
    make_provider("Dr. Exam", [exam], location=clinic.location)
    return Clinic(clinic.location, exam, clinic.providers)


def exam_due(visit: Appointment) -> bool:
    return Appointment.objects.for_calendar().get(pk=visit.pk).exam_due


@time_machine.travel(NOW, tick=False)
class ExamDueTests(TestCase):
    def setUp(self):
        self.clinic = make_clinic(chairs=2, slug="midtown")  # its service is a hydration drip
        self.exam = add_exam(self.clinic)
        self.drip = book(self.clinic, self.clinic.at(DAY, 11))

    def test_a_drip_with_no_exam_is_due_one(self):
        assert exam_due(self.drip)
        assert self.drip.exam_due  # read without the annotation too

    def test_an_exam_booked_before_the_drip_clears_it(self):
        book(self.exam, self.clinic.at(DAY, 9))
        assert not exam_due(self.drip)
        assert not Appointment.objects.get(pk=self.drip.pk).exam_due

    def test_an_exam_after_the_drip_or_for_someone_else_does_not(self):
        book(self.exam, self.clinic.at(DAY, 13))
        book(self.exam, self.clinic.at(DAY, 9), patient=OTHER)
        assert exam_due(self.drip)

    def test_a_cancelled_or_missed_exam_does_not(self):
        exam = book(self.exam, self.clinic.at(DAY, 9))
        for status in (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW):
            Appointment.objects.filter(pk=exam.pk).update(status=status)
            assert exam_due(self.drip), status

    def test_an_exam_more_than_a_year_old_does_not(self):
        exam = book(self.exam, self.clinic.at(DAY, 9))
        year_ago = self.drip.starts_at - datetime.timedelta(days=365)
        Appointment.objects.filter(pk=exam.pk).update(
            starts_at=year_ago,
            ends_at=year_ago + datetime.timedelta(minutes=15),
            occupied_from=year_ago,
            occupied_until=year_ago + datetime.timedelta(minutes=15),
            status=AppointmentStatus.COMPLETED,
        )
        assert exam_due(self.drip)
        Appointment.objects.filter(pk=exam.pk).update(
            starts_at=year_ago + datetime.timedelta(days=1),
            ends_at=year_ago + datetime.timedelta(days=1, minutes=15),
            occupied_from=year_ago + datetime.timedelta(days=1),
            occupied_until=year_ago + datetime.timedelta(days=1, minutes=15),
        )
        assert not exam_due(self.drip)

    def test_only_drips_need_one(self):
        exam = book(self.exam, self.clinic.at(DAY, 9), patient=OTHER)
        assert not exam_due(exam)

    def test_the_badge_says_exam_due_only_when_it_is(self):
        badge = Template("{% load booking_tags %}[{% exam_due_badge visit %}]")
        shown = badge.render(Context({"visit": self.drip}))
        assert ">Exam due</span>" in shown
        book(self.exam, self.clinic.at(DAY, 9))
        cleared = Appointment.objects.for_calendar().get(pk=self.drip.pk)
        assert "Exam due" not in badge.render(Context({"visit": cleared}))

    def test_staff_see_exam_due_on_the_appointment(self):
        client = Client()
        sign_in(client, staff("Front desk"))
        response = client.get(f"/admin/booking/appointments/{self.drip.pk}/")
        page = BeautifulSoup(response.content, "html.parser")
        assert page.select_one(".booking-exam-due").get_text() == "Exam due"
        book(self.exam, self.clinic.at(DAY, 9))
        response = client.get(f"/admin/booking/appointments/{self.drip.pk}/")
        assert "Exam due" not in response.content.decode()


@time_machine.travel(NOW, tick=False)
class ExamFirstStepTests(TestCase):
    def setUp(self):
        self.clinic = make_clinic(chairs=2, slug="midtown")
        ServiceVariant.objects.create(
            service=self.clinic.service, name="Hydration", minutes=45, price=149
        )
        self.drip = ServiceVariant.objects.get()
        self.client = Client(enforce_csrf_checks=True)

    def test_without_an_exam_service_the_question_is_not_asked(self):
        assert "good-faith exam" not in text(self.client.get("/book/drip/")).lower()

    def test_someone_who_needs_the_exam_is_led_to_book_it_first(self):
        add_exam(self.clinic)
        response = self.client.get("/book/drip/", {"exam": "due", "drip": self.drip.pk})
        assert response["Location"] == "/book/good-faith-exam/?before=drip"
        page = text(self.client.get(response["Location"]))
        assert "Before your first drip, California asks for a short good-faith exam" in page
        assert "By secure video: we send you the link" in page

    def test_the_exam_is_held_the_way_the_clinic_set(self):
        add_exam(self.clinic)
        settings = BookingSettings.load()
        settings.good_faith_exam_by = ExamBy.PHONE
        settings.save()
        page = self.client.get("/book/good-faith-exam/midtown/", {"month": "2026-12"})
        shown = summary(page)["How"]
        assert shown == "By phone: a clinician calls you on the number you give us."

    def test_someone_with_a_valid_exam_goes_on_to_the_calendar(self):
        add_exam(self.clinic)
        query = {"exam": "held", "drip": self.drip.pk, "place": "midtown"}
        response = self.client.get("/book/drip/", query)
        assert response["Location"] == f"/book/drip/midtown/?drip={self.drip.pk}"

    def test_the_question_must_be_answered(self):
        add_exam(self.clinic)
        response = self.client.get("/book/drip/", {"drip": self.drip.pk, "place": "midtown"})
        assert response.status_code == 400
        assert "Please tell us whether you need a good-faith exam first." in text(response)
        page = BeautifulSoup(response.content, "html.parser")
        fieldset = page.find("input", {"name": "exam"}).find_parent("fieldset")
        assert "id_exam_error" in fieldset["aria-describedby"]
        assert page.find("input", {"name": "drip", "value": str(self.drip.pk)}).has_attr("checked")


@pytest.mark.clock
class DemoDripTests(TestCase):
    """The demo's drips: Morgan had the exam first, Avery (at home) has not."""

    @classmethod
    def setUpTestData(cls):
        load_demo()

    def visit(self, email: str) -> Appointment:
        return (
            Appointment.objects.for_calendar()
            .filter(patient_email_hash=email_lookup_hash(email), service__kind="hydration")
            .get()
        )

    def test_the_demo_drips_carry_their_choice_price_and_exam(self):
        morgan = self.visit("morgan.lee@example.com")
        assert (morgan.variant.name, morgan.total, morgan.exam_due) == (
            "Myers' cocktail",
            Decimal("199.00"),
            False,
        )
        avery = self.visit("avery.patel@example.com")
        assert [a.name for a in avery.add_ons.all()] == ["Anti-nausea medicine"]
        assert (avery.variant.name, avery.dispatch_fee, avery.total) == (
            "NAD+",
            Decimal("50.00"),
            Decimal("483.50"),
        )
        assert avery.exam_due
        assert avery.ends_at - avery.starts_at == datetime.timedelta(minutes=120)
