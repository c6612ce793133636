import json

import time_machine
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from klearmind.audit.models import AuditEvent
from klearmind.audit.services import PATIENT_ITSELF
from klearmind.booking.models import AppointmentStatus, ServiceKind
from klearmind.care.check_ins.services import check_in_page_path
from klearmind.care.consents.models import ConsentDocument, ConsentSignature, ConsentVersion
from klearmind.care.tests.outcome_factories import days_ago, make_check_in, score

from .factories import OTHER_EMAIL, SeriesUnderWay, in_days, person, signed_in


class PortalHomeTests(TestCase):
    def setUp(self):
        self.people = SeriesUnderWay()
        service = self.people.treatment.service
        service.fasting_hours, service.driver_required = 6, True
        service.save()
        signed_in(self.client)

    def home(self):
        response = self.client.get(reverse("portal:home"))
        assert response.status_code == 200
        return response.content.decode()

    def test_shows_the_upcoming_visits_of_the_series_with_their_pages(self):
        page = self.home()
        first, second = self.people.visits
        assert "visit 1 of 2 of your series" in page and "visit 2 of 2 of your series" in page
        assert reverse("booking:appointment", args=[first.pk]) in page
        assert reverse("booking:appointment", args=[second.pk]) in page
        assert reverse("booking:appointment", args=[self.people.other_visit.pk]) not in page

    def test_shows_the_preparation_for_the_next_visit(self):
        page = self.home()
        assert "Before your next visit" in page
        assert "No solid food for 6 hours before your visit." in page
        assert "Bring a responsible adult who will drive you home" in page

    def test_leaves_out_past_and_cancelled_visits(self):
        self.people.visits[1].cancel(reason="test")
        self.people.treatment.visit(days_ago(2), status=AppointmentStatus.COMPLETED)
        page = self.home()
        assert "visit 2 of 2 of your series" in page  # the visit done counts, the cancelled not
        assert page.count("See, move or cancel") == 1

    def test_says_the_scores_in_plain_words(self):
        score(self.people.patient, phq9=18, taken_at=days_ago(20))
        score(self.people.patient, phq9=10, taken_at=days_ago(10))
        score(self.people.other, phq9=4, taken_at=days_ago(5))
        page = self.home()
        assert "Your PHQ-9 went from 18 on" in page and "to 10 on" in page
        assert " 4 on" not in page

    def test_lists_only_the_persons_own_open_check_ins(self):
        own = make_check_in(self.people.patient, key="own")
        make_check_in(self.people.patient, key="done", completed_at=timezone.now())
        theirs = make_check_in(self.people.other, key="theirs")
        page = self.home()
        assert reverse("portal:check_in", args=[own.pk]) in page
        assert reverse("portal:check_in", args=[theirs.pk]) not in page
        assert page.count("Fill your check-in questionnaire") == 1

    def test_lists_the_consents_the_visits_still_need(self):
        needed = ConsentDocument.objects.create(
            title="IV ketamine consent", slug="ketamine", service_kinds=[ServiceKind.KETAMINE]
        )
        ConsentVersion.objects.create(document=needed, number=1, title="IV ketamine", body="Text")
        other = ConsentDocument.objects.create(
            title="Drip consent", slug="drip", service_kinds=[ServiceKind.HYDRATION]
        )
        ConsentVersion.objects.create(document=other, number=1, title="Drips", body="Text")
        page = self.home()
        assert "IV ketamine" in page and "(not signed yet)" in page
        assert "Drips" not in page
        assert "Yours to choose" not in page

    def test_a_document_the_person_may_decline_is_offered_apart(self):
        privacy = ConsentDocument.objects.create(
            title="Privacy", slug="privacy", required_before_treatment=False
        )
        ConsentVersion.objects.create(
            document=privacy, number=1, title="Notice of Privacy Practices", body="Text"
        )
        page = self.home()
        assert "Nothing to sign before your visits." in page
        choice = page.split("<h3>Yours to choose</h3>")[1].split("</ul>")[0]
        assert "Notice of Privacy Practices" in choice

    def test_lists_the_signed_copies(self):
        document = ConsentDocument.objects.create(title="Privacy", slug="privacy")
        version = ConsentVersion.objects.create(
            document=document, number=1, title="Notice of Privacy Practices", body="Text"
        )
        signature = ConsentSignature.objects.create(
            version=version,
            person_hash=person(),
            signed_name="Rowan Ellery",
            electronic_consent=True,
            text_sha256=version.sha256,
        )
        page = self.home()
        copy = reverse("consents:copy", args=[signature.pk])
        assert "Signed copies" in page
        assert f'<a href="{copy}">Notice of Privacy Practices</a>, signed' in page

    def test_is_audited_as_the_patients_own_access_and_never_cached(self):
        response = self.client.get(reverse("portal:home"))
        event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
        assert (event.actor, event.actor_label) == (None, PATIENT_ITSELF)
        assert (event.target_type, event.target_id) == ("care.patient", str(self.people.patient.pk))
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]

    def test_a_person_with_bookings_only_is_audited_by_their_hash(self):
        self.people.treatment.visit(in_days(2), email="booked@example.org")
        client = Client()
        signed_in(client, "booked@example.org")
        assert "Upcoming visits" in client.get(reverse("portal:home")).content.decode()
        event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
        assert (event.target_type, event.target_id) == (
            "portal.person",
            person("booked@example.org"),
        )

    def test_needs_a_signed_in_person(self):
        for name in ("portal:home", "portal:scores", "portal:passkeys"):
            response = Client().get(reverse(name))
            assert response["Location"] == reverse("portal:sign_in")
        assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).exists()


class ScoresPageTests(TestCase):
    def setUp(self):
        self.people = SeriesUnderWay()
        signed_in(self.client)

    def test_draws_the_chart_with_its_table_and_audits(self):
        score(self.people.patient, phq9=18, taken_at=days_ago(20))
        score(self.people.patient, phq9=6, taken_at=days_ago(1))
        response = self.client.get(reverse("portal:scores"))
        page = response.content.decode()
        assert '<svg xmlns="http://www.w3.org/2000/svg"' in page
        assert "<caption>PHQ-9 scores</caption>" in page
        assert "Your PHQ-9 went from 18 on" in page
        assert "no-store" in response["Cache-Control"]
        event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
        assert (event.detail, event.actor_label) == ("patient portal: scores", PATIENT_ITSELF)


class OwnRecordsOnlyTests(TestCase):
    """No id changed by hand reaches another person's visit or check-in."""

    def setUp(self):
        self.people = SeriesUnderWay()
        signed_in(self.client)

    def test_the_persons_own_visit_opens_with_move_and_cancel(self):
        visit = self.people.visits[0]
        response = self.client.get(reverse("booking:appointment", args=[visit.pk]))
        assert response.status_code == 200
        assert reverse("booking:reschedule", args=[visit.pk]) in response.content.decode()

    def test_another_persons_visit_is_refused_on_every_page(self):
        pk = self.people.other_visit.pk
        for name in ("appointment", "calendar", "cancel", "reschedule", "series_cancel"):
            response = self.client.get(reverse(f"booking:{name}", args=[pk]))
            assert response.status_code == 404, name
        response = self.client.post(reverse("booking:cancel", args=[pk]))
        assert response.status_code == 404
        self.people.other_visit.refresh_from_db()
        assert self.people.other_visit.status == AppointmentStatus.BOOKED

    def test_visits_close_again_on_sign_out(self):
        visit = self.people.visits[0]
        self.client.post(reverse("portal:sign_out"))
        response = self.client.get(reverse("booking:appointment", args=[visit.pk]))
        assert response.status_code == 404

    def test_visits_close_after_thirty_idle_minutes(self):
        visit = self.people.visits[0]
        with time_machine.travel(timezone.now() + timezone.timedelta(minutes=31)):
            response = self.client.get(reverse("booking:appointment", args=[visit.pk]))
        assert response.status_code == 404

    def test_the_persons_own_check_in_opens_its_form(self):
        own = make_check_in(self.people.patient, key="own")
        response = self.client.get(reverse("portal:check_in", args=[own.pk]))
        assert response["Location"] == check_in_page_path(own)
        assert "PHQ-9" in self.client.get(response["Location"]).content.decode()

    def test_another_persons_check_in_is_not_found(self):
        theirs = make_check_in(self.people.other, key="theirs")
        response = self.client.get(reverse("portal:check_in", args=[theirs.pk]))
        assert response.status_code == 404
        assert self.client.get(check_in_page_path(theirs)).status_code == 404

    def test_a_done_check_in_is_not_opened_again(self):
        done = make_check_in(self.people.patient, key="done", completed_at=timezone.now())
        assert self.client.get(reverse("portal:check_in", args=[done.pk])).status_code == 404

    def test_the_other_person_sees_only_their_own(self):
        client = Client()
        signed_in(client, OTHER_EMAIL)
        page = client.get(reverse("portal:home")).content.decode()
        assert reverse("booking:appointment", args=[self.people.other_visit.pk]) in page
        assert reverse("booking:appointment", args=[self.people.visits[0].pk]) not in page

    def test_posts_need_the_csrf_token(self):
        client = Client(enforce_csrf_checks=True)
        signed_in(client)
        assert client.post(reverse("portal:sign_out")).status_code == 403
        visit = self.people.visits[0]
        assert client.post(reverse("booking:cancel", args=[visit.pk])).status_code == 403
        visit.refresh_from_db()
        assert visit.status == AppointmentStatus.BOOKED


class OwnRecordDownloadTests(TestCase):
    """The right of access: the person downloads their own record, never another's."""

    def setUp(self):
        self.people = SeriesUnderWay()
        score(self.people.patient, phq9=18, taken_at=days_ago(20))
        score(self.people.other, phq9=4, taken_at=days_ago(5))
        signed_in(self.client)

    def test_the_json_copy_is_the_persons_own_and_audited_as_an_export(self):
        response = self.client.get(reverse("portal:record_json"))
        assert response["Content-Disposition"].startswith("attachment;")
        assert "no-store" in response["Cache-Control"]
        data = json.loads(response.content)
        assert data["patient"]["full_name"] == self.people.patient.full_name
        assert self.people.other.full_name not in response.content.decode()
        event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
        assert (event.actor_label, event.target_id) == (
            PATIENT_ITSELF,
            str(self.people.patient.pk),
        )

    def test_the_fhir_copy_is_a_bundle_of_the_persons_own_record(self):
        bundle = json.loads(self.client.get(reverse("portal:record_fhir")).content)
        assert bundle["resourceType"] == "Bundle"
        kinds = {entry["resource"]["resourceType"] for entry in bundle["entry"]}
        assert {"Patient", "Observation", "Appointment"} <= kinds
        assert self.people.other.full_name not in json.dumps(bundle)

    def test_the_printable_summary_names_the_person_and_links_home(self):
        page = self.client.get(reverse("portal:record_summary")).content.decode()
        assert self.people.patient.full_name in page
        assert reverse("portal:home") in page

    def test_without_signing_in_nothing_is_downloaded(self):
        self.client.logout()
        self.client.session.flush()
        anonymous = Client()
        for name in ("portal:record_json", "portal:record_fhir", "portal:record_summary"):
            response = anonymous.get(reverse(name))
            assert response.status_code in (302, 303)
            assert "attachment" not in response.get("Content-Disposition", "")
        assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
