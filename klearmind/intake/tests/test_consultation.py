"""The lead's path: from the thank-you page to the free phone consultation with the details
already typed, and a consultation booked with the questionnaire's e-mail moving it to
"consultation booked", shown on the triage screen and undone by staff."""

import datetime

import time_machine
from bs4 import BeautifulSoup
from django.test import Client, TestCase

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.audit.models import AuditEvent
from klearmind.booking.models import ServiceKind
from klearmind.booking.services import Patient, book_appointment, cancel_appointment
from klearmind.booking.tests.factories import make_clinic, make_provider, make_service
from klearmind.encryption.keys import email_lookup_hash
from klearmind.intake.models import Status, Submission

from .factories import CANDIDATE_EMAIL, CANDIDATE_NAME, csrf_token, step_answers, walk
from .factories import submission_with as submitted

NOW = datetime.datetime(2026, 12, 1, 16, tzinfo=datetime.UTC)  # Tuesday 8:00 in Sacramento
DAY = datetime.date(2026, 12, 3)


def consultation_clinic():
    clinic = make_clinic(slug="sacramento", kind=ServiceKind.CONSULTATION)
    clinic.service.slug = "phone-consultation"
    clinic.service.save(update_fields=["slug"])
    return clinic


def book(clinic, *, email=CANDIDATE_EMAIL, hour=10, service=None, by=None):
    return book_appointment(
        service=service or clinic.service,
        place=clinic.place,
        starts_at=clinic.at(DAY, hour),
        patient=Patient(CANDIDATE_NAME, email, "(916) 555-0187"),
        by=by,
    )


def field_values(response) -> dict[str, str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return {
        name: soup.find("input", {"name": name}).get("value", "")
        for name in ("name", "email", "phone")
    }


@time_machine.travel(NOW, tick=False)
class ThankYouTests(TestCase):
    def setUp(self):
        self.clinic = consultation_clinic()
        self.client = Client(enforce_csrf_checks=True)

    def test_the_thank_you_page_books_the_consultation_with_the_details_typed(self):
        walk(self.client, step_answers(location="sacramento"))
        thanks = self.client.get("/candidacy/thank-you/")
        soup = BeautifulSoup(thanks.content, "html.parser")
        link = soup.find("a", string="Book the free phone consultation")
        assert link["href"] == "/book/phone-consultation/sacramento/"  # the calendar step
        calendar = self.client.get(link["href"])
        assert "booking/month.html" in [t.name for t in calendar.templates]
        details_url = "/book/phone-consultation/sacramento/details/"
        start = self.clinic.at(DAY, 10).isoformat()
        details = self.client.get(details_url, {"start": start})
        assert field_values(details) == {
            "name": CANDIDATE_NAME,
            "email": CANDIDATE_EMAIL,
            "phone": "(916) 555-0187",
        }
        # Nothing personal travels in an address: the details come from this browser's session.
        assert CANDIDATE_EMAIL not in link["href"] and "avery" not in details.wsgi_request.path

    def test_a_candidate_wanting_a_home_visit_chooses_the_place(self):
        walk(self.client, step_answers(location="home"))
        soup = BeautifulSoup(self.client.get("/candidacy/thank-you/").content, "html.parser")
        link = soup.find("a", string="Book the free phone consultation")
        assert link["href"] == "/book/phone-consultation/"

    def test_another_browser_gets_an_empty_form(self):
        walk(self.client, step_answers())
        other = Client()
        start = self.clinic.at(DAY, 10).isoformat()
        details = other.get("/book/phone-consultation/sacramento/details/", {"start": start})
        assert field_values(details) == {"name": "", "email": "", "phone": ""}

    def test_without_an_online_consultation_there_is_no_button(self):
        self.clinic.service.active = False
        self.clinic.service.save(update_fields=["active"])
        walk(self.client, step_answers())
        thanks = self.client.get("/candidacy/thank-you/")
        assert "Book the free phone consultation" not in thanks.content.decode()
        assert "We contact you within" in thanks.content.decode()


@time_machine.travel(NOW, tick=False)
class MatchTests(TestCase):
    def setUp(self):
        self.clinic = consultation_clinic()
        make_provider("Second", [self.clinic.service], location=self.clinic.location)

    def test_a_consultation_booked_with_the_email_moves_the_questionnaire(self):
        older = submitted(notify=False)
        newest = submitted(notify=False)
        visit = book(self.clinic, email=CANDIDATE_EMAIL.upper())
        newest.refresh_from_db()
        assert (newest.status, newest.consultation) == (Status.CONSULTATION_BOOKED, visit)
        assert newest.consultation_moved_from == Status.NEW
        change = newest.status_changes.last()
        assert (change.from_status, change.to_status, change.changed_by) == (
            Status.NEW,
            Status.CONSULTATION_BOOKED,
            None,
        )
        older.refresh_from_db()
        assert older.status == Status.NEW and older.consultation is None
        assert AuditEvent.objects.filter(
            target_id=str(newest.pk), detail__startswith=f"consultation {visit.pk} matched"
        ).exists()

    def test_another_email_or_another_service_moves_nothing(self):
        submission = submitted(notify=False)
        book(self.clinic, email="someone.else@example.org")
        drip = make_service(self.clinic.location, slug="drip-two")
        make_provider("Nurse", [drip], location=self.clinic.location)
        book(self.clinic, service=drip, hour=11)
        submission.refresh_from_db()
        assert (submission.status, submission.consultation) == (Status.NEW, None)

    def test_a_call_booked_first_is_matched_when_the_questionnaire_arrives(self):
        visit = book(self.clinic, email=CANDIDATE_EMAIL.upper())
        submission = submitted(notify=False)
        assert (submission.status, submission.consultation) == (Status.CONSULTATION_BOOKED, visit)
        assert submission.consultation_moved_from == Status.NEW
        assert [c.to_status for c in submission.status_changes.order_by("pk")] == [
            Status.NEW,
            Status.CONSULTATION_BOOKED,
        ]
        assert AuditEvent.objects.filter(
            target_id=str(submission.pk), detail__startswith=f"consultation {visit.pk} matched"
        ).exists()

    def test_a_cancelled_past_or_claimed_call_is_not_matched_later(self):
        cancelled = book(self.clinic, hour=9)
        cancel_appointment(appointment=cancelled)
        claimed = book(self.clinic, hour=11)
        first = submitted(notify=False)
        assert first.consultation == claimed
        second = submitted(notify=False)
        assert (second.status, second.consultation) == (Status.NEW, None)
        with time_machine.travel(NOW + datetime.timedelta(days=5), tick=False):
            Submission.objects.filter(pk=first.pk).update(consultation=None)
            third = submitted(notify=False)
        assert (third.status, third.consultation) == (Status.NEW, None)

    def test_a_decided_questionnaire_is_not_moved(self):
        submission = submitted(notify=False)
        Submission.objects.filter(pk=submission.pk).update(status=Status.ACCEPTED)
        book(self.clinic)
        submission.refresh_from_db()
        assert (submission.status, submission.consultation) == (Status.ACCEPTED, None)

    def test_an_urgent_questionnaire_nobody_picked_up_stays_new_at_the_top(self):
        urgent = submitted(notify=False, phq9=(0,) * 8 + (1,))
        visit = book(self.clinic)
        urgent.refresh_from_db()
        assert urgent.urgent
        assert (urgent.status, urgent.consultation) == (Status.NEW, visit)
        assert Submission.objects.queue().first() == urgent

    def test_the_triage_screen_shows_the_match_and_staff_undo_it(self):
        submission = submitted(notify=False)
        submission.change_status(Status.REVIEWING, by=None)
        book(self.clinic)
        client = Client(enforce_csrf_checks=True)
        clinician = staff("Clinician")
        sign_in(client, clinician)
        page = client.get(f"/admin/intake/{submission.pk}/")
        text = " ".join(BeautifulSoup(page.content, "html.parser").get_text().split())
        assert "Consultation booked with this questionnaire's e-mail:" in text
        assert "from “Reviewing” to “Consultation booked”" in text
        response = client.post(
            f"/admin/intake/{submission.pk}/consultation/undo/",
            {"csrfmiddlewaretoken": csrf_token(page)},
        )
        assert response.status_code == 302
        submission.refresh_from_db()
        assert (submission.status, submission.consultation) == (Status.REVIEWING, None)
        last = submission.status_changes.last()
        assert (last.to_status, last.changed_by) == (Status.REVIEWING, clinician)
        assert AuditEvent.objects.filter(
            actor=clinician, target_id=str(submission.pk), detail__contains="match undone"
        ).exists()
        again = client.get(f"/admin/intake/{submission.pk}/")
        assert "Consultation booked with this questionnaire" not in again.content.decode()


class DemoLeadTests(TestCase):
    def test_the_demo_lead_booked_online_and_her_questionnaire_moved_by_itself(self):
        from io import StringIO

        from django.core.management import call_command

        output = StringIO()
        call_command("load_demo", stdout=output)
        assert "Demo lead: Grace Whitmore booked a consultation online." in output.getvalue()
        grace = Submission.objects.get(email_hash=email_lookup_hash("grace.whitmore@example.org"))
        assert grace.status == Status.CONSULTATION_BOOKED
        assert grace.consultation.service.kind == ServiceKind.CONSULTATION
        assert grace.consultation_moved_from == Status.REVIEWING
        again = StringIO()
        call_command("load_demo", stdout=again)
        assert "Demo lead" not in again.getvalue()
