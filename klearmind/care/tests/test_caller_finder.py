"""Care's finder for the desk's booking screen: a patient by the whole e-mail, the whole name or
the phone number, only for a role that may open the patient screens, and shown with name,
contact and kind only."""

from bs4 import BeautifulSoup
from django.test import Client, TestCase

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.booking.hooks import CallerSearch
from klearmind.care.apps import find_patients

from .factories import ALLERGY, PATIENT_EMAIL, PATIENT_NAME, make_patient


def find(user, typed: str) -> list:
    return find_patients(user, CallerSearch.read(typed))


def names(found) -> list[str]:
    return [caller.name for caller in found]


class PatientFinderTests(TestCase):
    def setUp(self):
        self.patient = make_patient()
        self.other = make_patient(full_name="Rowan Price", phone="+1 530 555 0120")

    def test_a_clinician_finds_the_patient_by_the_whole_e_mail(self):
        found = find(staff("Clinician"), PATIENT_EMAIL.upper())
        assert [(c.kind, c.name, c.email, c.phone) for c in found] == [
            ("Patient", PATIENT_NAME, PATIENT_EMAIL, "(916) 555-0143")
        ]
        assert found[0].link == f"/admin/care/patients/{self.patient.pk}/"
        assert find(staff("Clinician"), "rowan@example.org") == []

    def test_a_clinician_finds_the_patient_by_the_whole_name_in_any_case_and_spacing(self):
        clinician = staff("Clinician")
        for typed in ["Rowan Ellery", "  rowan   ELLERY ", "Ellery, Rowan", "ＲＯＷＡＮ Ellery"]:
            assert names(find(clinician, typed)) == [PATIENT_NAME], typed
        assert names(find(clinician, "rowan price")) == ["Rowan Price"]

    def test_part_of_a_name_finds_nobody(self):
        clinician = staff("Clinician")
        for typed in ["Rowan", "Ellery", "Row Ellery", "Rowan Eller", "Rowan Ellery Jr"]:
            assert find(clinician, typed) == [], typed

    def test_a_clinician_finds_the_patient_by_the_phone_written_any_way(self):
        clinician = staff("Clinician")
        for typed in ["(916) 555-0143", "+19165550143", "916.555.0143", "1 916 555 0143"]:
            assert names(find(clinician, typed)) == [PATIENT_NAME], typed
        assert names(find(clinician, "(530) 555-0120")) == ["Rowan Price"]
        assert find(clinician, "(916) 555-0144") == []
        assert find(clinician, "555-0143") == []  # without the area code it is not the number

    def test_the_front_desk_does_not_find_patients_by_any_kind(self):
        desk = staff("Front desk")
        for typed in [PATIENT_EMAIL, PATIENT_NAME, "(916) 555-0143"]:
            assert find(desk, typed) == [], typed

    def test_the_booking_screen_lists_the_patient_found_by_name_without_health_details(self):
        client = Client(enforce_csrf_checks=True)
        sign_in(client, staff("Clinician"))
        form = client.get("/admin/booking/book/")
        token = BeautifulSoup(form.content, "html.parser").find(
            "input", {"name": "csrfmiddlewaretoken"}
        )["value"]
        page = client.post(
            "/admin/booking/book/", {"csrfmiddlewaretoken": token, "find": "ellery, rowan"}
        )
        soup = BeautifulSoup(page.content, "html.parser")
        listed = " ".join(soup.select_one(".booking-admin__callers").get_text().split())
        assert listed == f"Patient: {PATIENT_NAME} · {PATIENT_EMAIL} · (916) 555-0143"
        assert ALLERGY not in page.content.decode()
        assert soup.find("input", {"name": "name"})["value"] == PATIENT_NAME

    def test_the_finder_refuses_a_post_without_the_csrf_token(self):
        client = Client(enforce_csrf_checks=True)
        sign_in(client, staff("Clinician"))
        page = client.post("/admin/booking/book/", {"find": PATIENT_NAME})
        assert page.status_code == 403
        assert PATIENT_EMAIL not in page.content.decode()

    def test_hashes_are_saved_with_the_record_and_follow_a_change(self):
        self.patient.full_name = "Rowan Ellery-Shaw"
        self.patient.phone = "(916) 555-0150"
        self.patient.save()
        clinician = staff("Clinician")
        assert find(clinician, PATIENT_NAME) == [] and find(clinician, "(916) 555-0143") == []
        assert names(find(clinician, "rowan ellery-shaw")) == ["Rowan Ellery-Shaw"]
        assert names(find(clinician, "9165550150")) == ["Rowan Ellery-Shaw"]


class FinderAcrossAppsTests(TestCase):
    """One name or phone number, held by a patient, a candidate and an earlier caller: each role
    sees only the kinds its screens allow."""

    def setUp(self):
        import datetime

        from klearmind.booking.services import Patient as Caller
        from klearmind.booking.tests.factories import book, make_clinic
        from klearmind.intake.tests.factories import submission_with

        make_patient(full_name="Avery Quinlan", email="avery.q@example.org", phone="9165550187")
        submission_with(notify=False)  # Avery Quinlan, (916) 555-0187
        clinic = make_clinic()
        day = datetime.date.today() + datetime.timedelta(days=9)
        caller = Caller("Avery Quinlan", "aq@example.org", "+1 916 555 0187", "")
        book(clinic, clinic.at(day, 10), patient=caller)

    def kinds(self, role: str, typed: str) -> list[str]:
        client = Client(enforce_csrf_checks=True)
        sign_in(client, staff(role))
        form = client.get("/admin/booking/book/")
        token = BeautifulSoup(form.content, "html.parser").find(
            "input", {"name": "csrfmiddlewaretoken"}
        )
        if token is None:
            return []
        page = client.post(
            "/admin/booking/book/", {"csrfmiddlewaretoken": token["value"], "find": typed}
        )
        soup = BeautifulSoup(page.content, "html.parser")
        return [" ".join(li.get_text().split()) for li in soup.select(".booking-admin__callers li")]

    def test_a_clinician_finds_all_three_by_name_and_by_phone(self):
        for typed in ["avery quinlan", "(916) 555-0187"]:
            # Patients and candidates in the order their apps registered, earlier callers last.
            assert sorted(self.kinds("Clinician", typed)[:2]) == [
                "Candidate: Avery Quinlan · avery.quinlan@example.org · (916) 555-0187",
                "Patient: Avery Quinlan · avery.q@example.org · 9165550187",
            ], typed
            assert self.kinds("Clinician", typed)[2:] == [
                "Earlier caller: Avery Quinlan · aq@example.org · +1 916 555 0187",
            ], typed

    def test_the_front_desk_finds_the_candidate_and_the_caller_but_not_the_patient(self):
        for typed in ["Quinlan, Avery", "+19165550187"]:
            assert self.kinds("Front desk", typed) == [
                "Candidate: Avery Quinlan · avery.quinlan@example.org · (916) 555-0187",
                "Earlier caller: Avery Quinlan · aq@example.org · +1 916 555 0187",
            ], typed

    def test_an_editor_finds_nobody(self):
        assert self.kinds("Editor", "Avery Quinlan") == []
