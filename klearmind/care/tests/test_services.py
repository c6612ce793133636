import datetime
from dataclasses import replace

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase
from django.utils import timezone

from klearmind.accounts.tests.factories import staff
from klearmind.audit.models import AuditEvent
from klearmind.booking.clearance import is_accepted
from klearmind.booking.tests.factories import (
    PATIENT,
    Clinic,
    book,
    make_location,
    make_provider,
    make_service,
)
from klearmind.care.models import Measurement, Patient, PatientStatus, PlanStatus
from klearmind.care.patients import services
from klearmind.care.patients.forms import PatientForm
from klearmind.care.plans import services as plan_services
from klearmind.intake.models import Status
from klearmind.intake.tests.factories import (
    CANDIDATE_EMAIL,
    CANDIDATE_NAME,
    MEDICATION,
    submission_with,
)

from .factories import make_patient, make_plan, make_protocol


def accepted(**kwargs):
    submission = submission_with(notify=False, **kwargs)
    submission.change_status(Status.REVIEWING, by=None)
    submission.change_status(Status.ACCEPTED, by=None)
    return submission


class OpenFromQuestionnaireTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.clinician = staff("Clinician")

    def test_carries_over_contact_details_history_medicines_and_baseline_scores(self):
        submission = accepted(
            conditions=("depression", "anxiety"),
            phq9=(3, 3, 2, 2, 2, 1, 1, 1, 0),
            gad7=(2, 2, 2, 1, 1, 1, 1),
            history={"hypertension": "yes", "prolonged_qt": "not_sure"},
        )
        patient = services.open_patient_from_submission(submission=submission, by=self.clinician)
        patient = Patient.objects.get(pk=patient.pk)
        assert (patient.full_name, patient.email) == (CANDIDATE_NAME, CANDIDATE_EMAIL)
        assert patient.date_of_birth == datetime.date(1980, 5, 17)
        assert patient.current_medications == MEDICATION
        assert patient.conditions == ["depression", "anxiety"]
        assert sorted(patient.history_flags()) == [
            ("Known prolonged QT", "not sure"),
            ("Treated hypertension", "yes"),
        ]
        assert "Sees a therapist" in patient.history_notes
        baseline = Measurement.objects.get(patient=patient)
        assert baseline.source == "intake"
        assert baseline.taken_at == submission.submitted_at
        assert baseline.scores["phq9"] == {
            "total": 15,
            "band": "moderately severe",
            "items": [3, 3, 2, 2, 2, 1, 1, 1, 0],
            "difficulty": 1,
        }
        assert baseline.total("gad7") == 10
        assert "pcl5" not in baseline.scores
        assert baseline.urgent is False
        event = AuditEvent.objects.get(target_id=str(patient.pk), action="create")
        assert event.detail == f"patient record opened from questionnaire {submission.pk}"

    def test_item_9_above_zero_makes_the_baseline_urgent(self):
        submission = accepted(phq9=(1, 1, 1, 1, 1, 1, 1, 1, 2))
        patient = services.open_patient_from_submission(submission=submission, by=None)
        assert patient.measurements.get().urgent is True

    def test_opening_twice_returns_the_first_record(self):
        submission = accepted()
        first = services.open_patient_from_submission(submission=submission, by=None)
        again = services.open_patient_from_submission(submission=submission, by=None)
        assert first == again
        assert Patient.objects.count() == 1
        assert Measurement.objects.count() == 1

    def test_refuses_when_a_record_already_has_the_candidates_address(self):
        make_patient(email=CANDIDATE_EMAIL.upper())
        with pytest.raises(ValidationError) as error:
            services.open_patient_from_submission(submission=accepted(), by=None)
        assert error.value.code == "email_in_use"
        assert Patient.objects.count() == 1

    def test_refuses_a_questionnaire_not_accepted(self):
        submission = submission_with(notify=False)
        with pytest.raises(ValidationError) as error:
            services.open_patient_from_submission(submission=submission, by=None)
        assert error.value.code == "not_accepted"
        assert "this questionnaire is new" in error.value.messages[0]
        assert not Patient.objects.exists()


class CreatePatientTests(TestCase):
    def test_two_records_sent_at_once_with_one_address_store_one(self):
        data = {
            "full_name": "Dana Whitcombe",
            "date_of_birth": "1988-11-02",
            "email": "dana.w@example.org",
            "phone": "(916) 555-0110",
            "status": "active",
        }
        first, second = PatientForm(data), PatientForm(data)
        assert first.is_valid() and second.is_valid()  # both checked before either saved
        services.create_patient(form=first, by=None)
        with pytest.raises(ValidationError) as error:
            services.create_patient(form=second, by=None)
        assert error.value.code == "email_in_use"
        assert Patient.objects.count() == 1


class PlanTests(TestCase):
    def test_a_plan_takes_the_protocols_sessions_and_sends_the_first_check_in(self):
        patient = make_patient()
        protocol = make_protocol(sessions=6)
        with self.captureOnCommitCallbacks(execute=True):
            plan = plan_services.start_plan(
                patient=patient, protocol=protocol, by=None, indication="Depression"
            )
        assert plan.planned_sessions == 6
        assert patient.check_ins.get().reason == "weekly"
        assert mail.outbox[0].to == [patient.email]
        booster = make_protocol("Booster", sessions=1)
        other = plan_services.start_plan(
            patient=patient, protocol=booster, by=None, indication="PTSD", planned_sessions=4
        )
        assert other.planned_sessions == 4

    def test_a_second_active_plan_under_the_same_protocol_is_refused(self):
        plan = make_plan()
        with pytest.raises(ValidationError) as error:
            plan_services.start_plan(
                patient=plan.patient, protocol=plan.protocol, by=None, indication="Again"
            )
        assert error.value.code == "plan_exists"
        plan.end(status=PlanStatus.COMPLETED)
        again = plan_services.start_plan(
            patient=plan.patient, protocol=plan.protocol, by=None, indication="Booster course"
        )
        assert again.status == "active"

    def test_the_database_holds_one_active_plan_per_protocol_even_past_the_check(self):
        plan = make_plan()
        with pytest.raises(IntegrityError), transaction.atomic():
            make_plan(plan.patient, plan.protocol)

    def test_an_inactive_protocol_cannot_start_a_plan(self):
        protocol = make_protocol(active=False)
        with pytest.raises(ValidationError) as error:
            plan_services.start_plan(
                patient=make_patient(), protocol=protocol, by=None, indication="Depression"
            )
        assert error.value.code == "inactive_protocol"

    def test_without_a_series_a_ketamine_plan_counts_infusions_and_boosters_since_it_began(self):
        patient = make_patient()
        plan = make_plan(patient)
        day = timezone.localdate() + datetime.timedelta(days=2)
        visits = []
        location = make_location()
        for hour, kind in ((10, "booster"), (12, "ketamine"), (14, "hydration")):
            service = make_service(location, slug=kind, kind=kind)
            staff = [make_provider(f"{kind} nurse", [service], location=location)]
            at = datetime.datetime.combine(day, datetime.time(hour), tzinfo=location.zone)
            clinic = Clinic(location, service, staff)
            visits.append(book(clinic, at, patient=replace(PATIENT, email=patient.email)))
        assert set(plan.sessions()) == set(visits[:2])

    def test_a_plan_ends_once(self):
        plan = make_plan()
        plan_services.end_plan(plan=plan, status=PlanStatus.COMPLETED, by=None)
        assert plan.status == "completed"
        assert plan.ended_on is not None
        with pytest.raises(ValidationError) as error:
            plan_services.end_plan(plan=plan, status=PlanStatus.STOPPED, by=None)
        assert error.value.code == "plan_ended"

    def test_a_plan_ends_only_completed_or_stopped(self):
        with pytest.raises(ValidationError) as error:
            make_plan().end(status="active")
        assert error.value.code == "invalid_status"


class ProtocolTests(TestCase):
    def test_the_default_protocol_is_the_published_induction(self):
        protocol = make_protocol()
        # 0.5 mg/kg over 40 minutes, 6 infusions 2-3 days apart (Sanacora et al. 2017).
        assert (str(protocol.dose_mg_per_kg), protocol.infusion_minutes) == ("0.5", 40)
        assert (protocol.sessions, protocol.min_days_apart, protocol.max_days_apart) == (6, 2, 3)
        assert (protocol.do_not_start_systolic_above, protocol.do_not_start_diastolic_above) == (
            140,
            90,
        )
        assert protocol.alert_spo2_below == 92

    def test_a_usual_dose_outside_the_allowed_range_is_refused(self):
        protocol = make_protocol()
        protocol.dose_mg_per_kg = protocol.max_mg_per_kg + 1
        with pytest.raises(ValidationError) as error:
            protocol.full_clean()
        assert "dose_mg_per_kg" in error.value.message_dict
        protocol.dose_mg_per_kg, protocol.min_mg_per_kg = 1, 2
        with pytest.raises(ValidationError) as error:
            protocol.clean()
        assert "max_mg_per_kg" in error.value.message_dict
        protocol.min_mg_per_kg, protocol.max_mg_per_kg, protocol.min_days_apart = 0, 2, 5
        with pytest.raises(ValidationError) as error:
            protocol.clean()
        assert "max_days_apart" in error.value.message_dict


class PatientRecordClearsTreatmentBookingTests(TestCase):
    """CLINICAL.md: the front desk books treatment only for someone a clinician accepted; an
    active patient record counts, a discharged one does not."""

    def test_an_active_record_clears_and_a_discharged_one_does_not(self):
        patient = Patient.objects.create(
            full_name="Jordan Blake",
            date_of_birth=datetime.date(1985, 4, 2),
            email="jordan.blake@example.org",
            phone="(916) 555-0100",
        )
        assert is_accepted("Jordan.Blake@example.org")
        Patient.objects.filter(pk=patient.pk).update(status=PatientStatus.DISCHARGED)
        assert not is_accepted("jordan.blake@example.org")
