import datetime

from django.test import Client, TestCase
from django.utils import timezone

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.audit.models import AuditEvent
from klearmind.booking.models import Series
from klearmind.booking.tests.factories import book, make_clinic
from klearmind.care.attention.services import open_flags
from klearmind.care.charts.services import open_chart
from klearmind.care.models import Measurement, Patient, PatientNote, TreatmentPlan
from klearmind.care.patients.forms import PAPER_ENTRY_LATE_DAYS
from klearmind.intake.tests.factories import CANDIDATE_NAME, csrf_token, submission_with

from .factories import ALLERGY, PATIENT_EMAIL, PATIENT_NAME, make_patient, make_plan, make_protocol
from .test_services import accepted

NEW_PATIENT = {
    "full_name": "Dana Whitcombe",
    "date_of_birth": "1988-11-02",
    "email": "dana.w@example.org",
    "phone": "(916) 555-0110",
    "conditions": ["ptsd"],
    "allergies": "Latex",
    "status": "active",
}


def days_ahead_at_ten(clinic, days: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=clinic.location.zone)


class PatientRecordTests(TestCase):
    def setUp(self):
        self.clinician = staff("Clinician", first_name="Ines", last_name="Park")
        self.client = Client(enforce_csrf_checks=True)
        sign_in(self.client, self.clinician)

    def post(self, url, data, *, form_url=None):
        page = self.client.get(form_url or url)
        return self.client.post(url, {**data, "csrfmiddlewaretoken": csrf_token(page)})

    def test_an_accepted_candidate_is_listed_and_opens_a_record(self):
        submission = accepted()
        listing = self.client.get("/admin/care/").content.decode()
        assert "Accepted candidates without a record" in listing
        assert CANDIDATE_NAME in listing
        event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
        assert event.detail.endswith(f"; questionnaires awaiting a record: {submission.pk}")
        response = self.post(
            f"/admin/care/patients/from-questionnaire/{submission.pk}/",
            {},
            form_url="/admin/care/",
        )
        patient = Patient.objects.get(submission=submission)
        assert response["Location"] == f"/admin/care/patients/{patient.pk}/"
        assert "Accepted candidates" not in self.client.get("/admin/care/").content.decode()

    def test_the_record_shows_allergies_contacts_plans_and_a_timeline_and_is_audited(self):
        patient = make_patient()
        clinic = make_clinic(kind="ketamine")
        visit = book(clinic, days_ahead_at_ten(clinic, 2))
        visit.patient_email = PATIENT_EMAIL
        visit.save()
        make_plan(patient, indication="Treatment-resistant depression")
        chart = open_chart(appointment=visit, by=self.clinician)
        PatientNote.objects.create(patient=patient, text="Prefers morning visits.")
        response = self.client.get(f"/admin/care/patients/{patient.pk}/")
        text = response.content.decode()
        assert f"<strong>Allergies:</strong> {ALLERGY}" in text
        assert "Jordan Ellery (Spouse), (916) 555-0199" in text
        assert "IV ketamine induction: in treatment" in text
        assert "For Treatment-resistant depression; 6 sessions planned" in text
        assert "Plan started: IV ketamine induction" in text
        assert "Prefers morning visits." in text
        assert f"{clinic.service.name}: booked" in text
        chart_link = f'<a href="/admin/care/charts/{chart.pk}/">'
        assert f"{chart_link}IV ketamine chart opened, not yet signed</a>" in text
        assert f"{chart_link}Open chart</a>" in text
        assert "private" in response["Cache-Control"]
        event = AuditEvent.objects.get(target_id=str(patient.pk), action="view")
        assert (event.actor, event.detail) == (self.clinician, "patient record")

    def test_a_clinician_opens_a_record_by_hand(self):
        response = self.post("/admin/care/patients/new/", NEW_PATIENT)
        patient = Patient.objects.get()
        assert response["Location"] == f"/admin/care/patients/{patient.pk}/"
        assert (patient.full_name, patient.conditions) == ("Dana Whitcombe", ["ptsd"])
        assert patient.created_by == self.clinician

    def test_an_address_that_already_has_a_record_is_refused_on_its_field(self):
        make_patient(email=NEW_PATIENT["email"])
        text = self.post("/admin/care/patients/new/", NEW_PATIENT).content.decode()
        assert "A patient record with this e-mail address exists already" in text
        assert 'id="id_email_error"' in text
        assert Patient.objects.count() == 1

    def test_bad_input_is_named_on_its_field_keeps_what_was_typed_and_saves_nothing(self):
        data = {
            **NEW_PATIENT,
            "full_name": "<script>alert(1)</script> مريم 😀",
            "date_of_birth": (timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
            "phone": "call me",
            "allergies": "nuts\x00",
        }
        text = self.post("/admin/care/patients/new/", data).content.decode()
        assert "The date of birth must be in the past." in text
        assert "Please enter a phone number with its area code" in text
        assert 'id="id_phone_error"' in text
        assert 'aria-describedby="id_phone_error"' in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt; مريم 😀" in text
        assert "<script>alert(1)" not in text
        assert not Patient.objects.exists()

    def test_an_edit_is_saved_and_audited_with_the_fields_changed(self):
        patient = make_patient()
        url = f"/admin/care/patients/{patient.pk}/edit/"
        data = {**NEW_PATIENT, "full_name": PATIENT_NAME, "email": PATIENT_EMAIL}
        self.post(url, {**data, "allergies": "Latex; sulfa drugs"})
        patient.refresh_from_db()
        assert patient.allergies == "Latex; sulfa drugs"
        change = AuditEvent.objects.get(action="change", target_id=str(patient.pk))
        assert "allergies" in change.detail
        assert "sulfa" not in change.detail

    def test_a_plan_is_started_on_the_patients_booked_series(self):
        patient = make_patient()
        protocol = make_protocol()
        clinic = make_clinic(kind="ketamine")
        visit = book(clinic, days_ahead_at_ten(clinic, 3))
        series = Series.objects.create(service=clinic.service)
        visit.series, visit.patient_email = series, PATIENT_EMAIL
        visit.save()
        url = f"/admin/care/patients/{patient.pk}/plans/new/"
        form = self.client.get(url).content.decode()
        event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
        assert (event.target_id, event.detail) == (str(patient.pk), "plan form")
        assert f"{clinic.service.name} from" in form
        self.post(
            url,
            {
                "protocol": protocol.pk,
                "indication": "Depression",
                "series": series.pk,
                "started_on": timezone.localdate().isoformat(),
            },
        )
        plan = TreatmentPlan.objects.get(patient=patient)
        assert (plan.series, plan.planned_sessions, plan.created_by) == (
            series,
            6,
            self.clinician,
        )
        assert list(plan.sessions()) == [visit]

    def test_a_plan_is_ended_from_the_record_once(self):
        plan = make_plan()
        record_url = f"/admin/care/patients/{plan.patient.pk}/"
        url = f"{record_url}plans/{plan.pk}/end/"
        self.post(url, {"status": "stopped"}, form_url=record_url)
        plan.refresh_from_db()
        assert (plan.status, plan.ended_on) == ("stopped", timezone.localdate())
        again = self.post(url, {"status": "completed"}, form_url=record_url)
        page = self.client.get(again["Location"]).content.decode()
        assert "This plan has ended already." in page
        assert "IV ketamine induction: stopped early" in page
        self.post(url, {"status": "active"}, form_url=record_url)
        assert (
            "Choose whether the plan was completed or stopped early."
            in self.client.get(record_url).content.decode()
        )

    def test_a_questionnaire_not_yet_accepted_does_not_open_a_record(self):
        submission = submission_with(notify=False)
        response = self.post(
            f"/admin/care/patients/from-questionnaire/{submission.pk}/",
            {},
            form_url="/admin/care/patients/new/",
        )
        page = self.client.get(response["Location"]).content.decode()
        assert "Only an accepted candidate becomes a patient" in page
        assert not Patient.objects.exists()

    def test_an_empty_note_is_refused_on_the_record_page(self):
        patient = make_patient()
        url = f"/admin/care/patients/{patient.pk}/note/"
        text = self.post(url, {"text": ""}, form_url=f"/admin/care/patients/{patient.pk}/")
        assert "This field is required." in text.content.decode()
        assert not PatientNote.objects.exists()
        self.post(url, {"text": "Escort confirmed by phone."}, form_url=url.replace("note/", ""))
        assert PatientNote.objects.get().author == self.clinician


class PatientAccessTests(TestCase):
    def test_front_desk_cannot_open_a_record_and_the_refusal_is_audited(self):
        patient = make_patient()
        desk = staff("Front desk")
        sign_in(self.client, desk)
        response = self.client.get(f"/admin/care/patients/{patient.pk}/")
        assert response.status_code == 403
        assert ALLERGY.encode() not in response.content
        event = AuditEvent.objects.get(action="permission_denied")
        assert (event.actor, event.detail) == (desk, "needs accounts.view_health_record")


class PaperScoresTests(TestCase):
    def setUp(self):
        self.clinician = staff("Clinician")
        self.client = Client(enforce_csrf_checks=True)
        sign_in(self.client, self.clinician)
        self.patient = make_patient(conditions=["depression", "ptsd"])
        self.url = f"/admin/care/patients/{self.patient.pk}/scores/new/"

    def answers(self, phq9, *, pcl5=(1,) * 20, day=None):
        token = csrf_token(self.client.get(self.url))
        data = {f"phq9_{n}": v for n, v in enumerate(phq9, start=1)}
        data |= {f"pcl5_{n}": v for n, v in enumerate(pcl5, start=1)}
        day = day or timezone.localdate()
        return {
            **data,
            "phq9_difficulty": 1,
            "taken_on": day.isoformat(),
            "csrfmiddlewaretoken": token,
        }

    def test_the_form_asks_the_measures_of_the_patients_conditions_in_their_wording(self):
        page = self.client.get(self.url).content.decode()
        assert "Thoughts that you would be better off dead or of hurting yourself" in page
        assert "PCL-5" in page and "GAD-7" not in page

    def test_paper_scores_are_kept_audited_and_a_positive_item_9_is_never_reviewed_by_itself(
        self,
    ):
        response = self.client.post(self.url, self.answers((2, 2, 1, 1, 1, 1, 1, 0, 1)))
        assert response["Location"] == f"/admin/care/patients/{self.patient.pk}/progress/"
        measurement = Measurement.objects.get(patient=self.patient)
        assert (measurement.source, measurement.total("phq9"), measurement.total("pcl5")) == (
            "clinic",
            10,
            20,
        )
        # CLINICAL.md, suicide risk: entering it is not reviewing it.
        assert measurement.urgent and measurement.reviewed_at is None
        assert [flag.source for flag in open_flags()] == ["paper"]
        assert measurement.entered_by == self.clinician
        assert AuditEvent.objects.filter(action="create", target_id=str(measurement.pk)).exists()
        progress = self.client.get(response["Location"]).content.decode()
        assert "follow the clinic&#x27;s safety plan" in progress
        assert "It stays on Needs attention until a clinician reviews it" in progress

    def days_back(self, days: int, **extra):
        data = self.answers((1,) * 9, day=timezone.localdate() - datetime.timedelta(days=days))
        return self.client.post(self.url, {**data, **extra})

    def test_a_date_31_days_back_without_a_reason_is_refused_on_its_field(self):
        response = self.days_back(PAPER_ENTRY_LATE_DAYS + 1, late_reason="  ")
        text = response.content.decode()
        assert response.status_code == 400
        assert "filled in more than 30 days ago: say why its scores are entered only now" in text
        assert 'id="id_late_reason_error"' in text
        taken_on = timezone.localdate() - datetime.timedelta(days=31)
        assert f'value="{taken_on.isoformat()}"' in text  # what was typed is kept
        assert not Measurement.objects.exists()

    def test_a_date_31_days_back_with_a_reason_is_kept_with_it(self):
        reason = "Found in the chart room after the move."
        response = self.days_back(PAPER_ENTRY_LATE_DAYS + 1, late_reason=reason)
        assert response.status_code == 302
        assert Measurement.objects.get().late_reason == reason

    def test_a_date_30_days_back_needs_no_reason(self):
        assert self.days_back(PAPER_ENTRY_LATE_DAYS).status_code == 302
        assert Measurement.objects.get().late_reason == ""

    def test_a_missing_answer_and_a_future_day_are_named_and_nothing_is_kept(self):
        data = self.answers((1,) * 9, day=timezone.localdate() + datetime.timedelta(days=1))
        del data["phq9_4"]
        response = self.client.post(self.url, data)
        text = response.content.decode()
        assert response.status_code == 400
        assert "Please answer PHQ-9 question 4" in text
        assert "That day is still to come." in text
        assert 'id="id_taken_on_error"' in text
        assert not Measurement.objects.exists()
