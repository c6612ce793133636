"""Care's finder for the desk's booking screen: a patient by the whole e-mail, only for a role
that may open the patient screens, and shown with name, contact and kind only."""

from bs4 import BeautifulSoup
from django.test import Client, TestCase

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.care.apps import find_patients

from .factories import ALLERGY, PATIENT_EMAIL, PATIENT_NAME, make_patient


class PatientFinderTests(TestCase):
    def setUp(self):
        self.patient = make_patient()

    def test_a_clinician_finds_the_patient_by_the_whole_e_mail(self):
        found = find_patients(staff("Clinician"), PATIENT_EMAIL.upper())
        assert [(c.kind, c.name, c.email, c.phone) for c in found] == [
            ("Patient", PATIENT_NAME, PATIENT_EMAIL, "(916) 555-0143")
        ]
        assert found[0].link == f"/admin/care/patients/{self.patient.pk}/"
        assert find_patients(staff("Clinician"), "rowan@example.org") == []

    def test_the_front_desk_does_not_find_patients(self):
        assert find_patients(staff("Front desk"), PATIENT_EMAIL) == []

    def test_the_booking_screen_lists_the_patient_without_health_details(self):
        client = Client()
        sign_in(client, staff("Clinician"))
        page = client.post("/admin/booking/book/", {"find": PATIENT_EMAIL})
        soup = BeautifulSoup(page.content, "html.parser")
        listed = " ".join(soup.select_one(".booking-admin__callers").get_text().split())
        assert listed == f"Patient: {PATIENT_NAME} · {PATIENT_EMAIL} · (916) 555-0143"
        assert ALLERGY not in page.content.decode()
        assert soup.find("input", {"name": "name"})["value"] == PATIENT_NAME
