"""The front desk's day: a treatment visit whose patient has a consent still to sign says
"Consent to sign", with the documents' names, read in a fixed number of queries."""

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.booking import hooks
from klearmind.booking.models import Appointment, ServiceKind
from klearmind.booking.tests.factories import make_clinic, make_service
from klearmind.care.consents.standing import treatments_to_sign_for
from klearmind.encryption.keys import email_lookup_hash

from .factories import ALLERGY, make_patient
from .signature_factories import make_document, publish, sign
from .test_chart_views import visit

TITLE = "Informed consent for IV ketamine: not signed yet"


class DeskConsentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.clinic = make_clinic(slug="midtown", kind=ServiceKind.KETAMINE)
        cls.drip = make_service(cls.clinic.location, slug="drip-menu")
        cls.document = make_document("Informed consent for IV ketamine")
        cls.patient = make_patient()  # with an allergy on record, never shown to the desk
        cls.unsigned = visit(cls.clinic, cls.clinic.service, email=cls.patient.email, hour=9)
        cls.signed = visit(cls.clinic, cls.clinic.service, email="signed@example.org", hour=11)
        sign(email_lookup_hash("signed@example.org"), cls.document.current_version)
        cls.drip_visit = visit(cls.clinic, cls.drip, email="drip@example.org", hour=13)
        cls.desk = staff("Front desk")

    def loaded(self, *visits):
        return list(Appointment.objects.for_calendar().filter(pk__in=[v.pk for v in visits]))

    def test_flags_only_treatment_visits_whose_patient_has_a_document_to_sign(self):
        found = treatments_to_sign_for(self.loaded(self.unsigned, self.signed, self.drip_visit))
        assert found == {self.unsigned.pk: [TITLE]}
        publish(self.document, "A clearer wording.")
        found = treatments_to_sign_for(self.loaded(self.unsigned, self.signed))
        assert found[self.signed.pk] == ["Informed consent for IV ketamine: a new version to sign"]

    def test_three_queries_however_many_visits_and_people(self):
        visits = self.loaded(self.unsigned)
        with self.assertNumQueries(3):  # the documents, their versions, the signatures
            treatments_to_sign_for(visits)
        for hour in range(14, 19):
            visit(self.clinic, self.clinic.service, email=f"p{hour}@example.org", hour=hour)
        visits = list(Appointment.objects.for_calendar())
        with self.assertNumQueries(3):
            found = treatments_to_sign_for(visits)
        assert len(found) == 6

    def test_the_calendar_shows_consent_to_sign_with_the_documents_names(self):
        sign_in(self.client, self.desk)
        url = reverse("booking_admin:calendar")
        query = {"location": self.clinic.location.pk, "day": timezone.localdate().isoformat()}
        page = self.client.get(url, query).content.decode()
        assert page.count(">Consent to sign<") == 1
        assert f'title="{TITLE}."' in page
        assert ALLERGY not in page  # that a consent is missing, nothing from the record
        sheet = self.client.get(reverse("booking_admin:day_sheet"), query).content.decode()
        assert f"Consent to sign: {TITLE}." in sheet
        detail = reverse("booking_admin:appointment", args=[self.unsigned.pk])
        page = self.client.get(detail).content.decode()
        assert f"<li>{TITLE}</li>" in page
        signed = reverse("booking_admin:appointment", args=[self.signed.pk])
        assert "Consent to sign" not in self.client.get(signed).content.decode()

    def test_the_calendar_asks_as_many_queries_for_a_busy_day_as_for_a_quiet_one(self):
        sign_in(self.client, self.desk)
        url = reverse("booking_admin:calendar")
        query = {"location": self.clinic.location.pk, "day": timezone.localdate().isoformat()}
        self.client.get(url, query)  # sessions and caches warmed
        with CaptureQueriesContext(connection) as quiet:
            self.client.get(url, query)
        for hour in range(14, 19):
            visit(self.clinic, self.clinic.service, email=f"p{hour}@example.org", hour=hour)
        with CaptureQueriesContext(connection) as busy:
            page = self.client.get(url, query).content.decode()
        assert page.count(">Consent to sign<") == 6
        assert len(busy) == len(quiet)

    def test_without_any_check_registered_nothing_is_flagged(self):
        visits = self.loaded(self.unsigned)
        assert hooks.consents_to_sign(visits) == {self.unsigned.pk: [TITLE]}
        hooks._consent_checks.remove(treatments_to_sign_for)
        self.addCleanup(hooks.register_consent_check, treatments_to_sign_for)
        hooks.mark_consents_to_sign(visits)
        assert visits[0].consents_to_sign == []
