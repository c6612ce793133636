import copy
import json

import pytest
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.audit.models import AuditEvent
from klearmind.booking.demo import ensure_demo_booking
from klearmind.booking.models import AppointmentStatus
from klearmind.care.access import patient_fhir_bundle, patient_record
from klearmind.care.access.fhir import validate
from klearmind.care.demo import load_care_demo
from klearmind.care.models import (
    ChartEvent,
    ConsentDecline,
    ConsentDocument,
    ConsentSignature,
    ConsentVersion,
    Measurement,
    Patient,
    PatientNote,
)
from klearmind.intake.demo import load_intake_demo
from klearmind.intake.tests.factories import submission_with
from klearmind.pages.tests.test_pages import load_demo

from .chart_factories import complete, make_chart
from .factories import ALLERGY, PATIENT_EMAIL, PATIENT_NAME, make_patient
from .outcome_factories import Treatment, days_ago, make_check_in, score

OTHER_EMAIL = "r.ellery.work@example.org"
DRAWN = "data:image/png;base64,iVBORw0KGgoDRAWNSIGNATURE"
PDF = "JVBERi0xLjcKSIGNEDCOPY"
NOTE = "Prefers morning sessions; anxious about needles."


def sign_consent(person_hash: str, *, slug="ketamine") -> ConsentSignature:
    document, _ = ConsentDocument.objects.get_or_create(
        slug=slug, defaults={"title": "Informed consent for IV ketamine", "kind": "ketamine"}
    )
    version = document.current_version or ConsentVersion.objects.create(
        document=document,
        number=1,
        title="Informed consent for IV ketamine",
        body="Ketamine is used off-label for depression.\n\nYou may stop at any time.",
    )
    return ConsentSignature.objects.create(
        version=version,
        person_hash=person_hash,
        signed_name=PATIENT_NAME,
        drawn_signature=DRAWN,
        electronic_consent=True,
        text_sha256=version.sha256,
        pdf=PDF,
    )


def full_history(clinician) -> dict:
    """A patient with everything the clinic keeps, and a second person of the same name with
    records of their own, and a booking of the first name under another address."""
    submission = submission_with(notify=False, email=PATIENT_EMAIL)
    patient = make_patient(submission=submission, address="1412 Capitol Ave\nSacramento CA")
    treatment = Treatment()
    done = treatment.visit(days_ago(10), status=AppointmentStatus.COMPLETED)
    cancelled = treatment.visit(days_ago(5), status=AppointmentStatus.CANCELLED)
    cancelled.cancel_reason = "Unwell that day"
    cancelled.save(update_fields=["cancel_reason"])
    elsewhere = treatment.visit(days_ago(3), email=OTHER_EMAIL)
    sitting = score(patient, phq9=16, gad7=[2, 2, 1, 1, 1, 1, 1], taken_at=days_ago(20))
    pain = Measurement.objects.create(
        patient=patient, source="clinic", scores={"pain": {"total": 6}}, taken_at=days_ago(8)
    )
    check_in = make_check_in(patient)
    iv = complete(make_chart(patient=patient, by=clinician), by=clinician, register=False)
    ChartEvent.objects.create(chart=iv, kind="nausea", detail="Mild, settled with rest")
    spravato = complete(
        make_chart(spravato=True, patient=patient, by=clinician), by=clinician, register=False
    )
    signature = sign_consent(patient.email_hash)
    PatientNote.objects.create(patient=patient, author=clinician, text=NOTE)

    namesake = make_patient()  # the same name, an address of their own
    score(namesake, phq9=4)
    namesake_chart = make_chart(patient=namesake)
    namesake_signature = sign_consent(namesake.email_hash)
    return locals()


class HistoryTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.clinician = staff("Clinician", first_name="Ines", last_name="Park")
        cls.h = full_history(cls.clinician)
        cls.patient = cls.h["patient"]

    def record(self):
        return patient_record(person_hash=self.patient.email_hash, patient=self.patient)


class PatientRecordTests(HistoryTestCase):
    def test_holds_the_record_fields_decrypted(self):
        about = self.record()["patient"]
        assert about["full_name"] == PATIENT_NAME
        assert about["email"] == PATIENT_EMAIL
        assert about["date_of_birth"] == "1979-03-14"
        assert about["allergies"] == ALLERGY
        assert about["address"] == "1412 Capitol Ave\nSacramento CA"
        assert about["conditions"] == ["depression", "anxiety"]
        assert about["escort_name"] == "Jordan Ellery"
        assert about["rems_patient_id"] == "PT-4471902"

    def test_holds_the_visits_booked_under_the_persons_address_only(self):
        visits = {v["id"]: v for v in self.record()["appointments"]}
        assert set(visits) == {self.h["done"].pk, self.h["cancelled"].pk}
        assert visits[self.h["done"].pk]["status"] == "completed"
        assert visits[self.h["cancelled"].pk]["cancel_reason"] == "Unwell that day"

    def test_holds_the_questionnaire_with_its_answers_and_results(self):
        (questionnaire,) = self.record()["questionnaires"]
        assert questionnaire["id"] == self.h["submission"].pk
        assert questionnaire["answers"]["phq9"]
        assert questionnaire["results"]["phq9"]["total"] == 12

    def test_holds_scores_with_bands_and_item_answers(self):
        sittings = {m["id"]: m for m in self.record()["measurements"]}
        assert set(sittings) == {self.h["sitting"].pk, self.h["pain"].pk}
        phq9 = sittings[self.h["sitting"].pk]["scores"]["phq9"]
        assert (phq9["total"], phq9["band"]) == (16, "moderately severe")
        assert phq9["items"] == [2, 2, 2, 2, 2, 2, 2, 2, 0]
        assert sittings[self.h["sitting"].pk]["scores"]["gad7"]["total"] == 9
        assert sittings[self.h["pain"].pk]["scores"]["pain"] == {"total": 6}

    def test_holds_check_ins_and_plans(self):
        data = self.record()
        assert [c["id"] for c in data["check_ins"]] == [self.h["check_in"].pk]
        plans = {p["medicine"]: p for p in data["treatment_plans"]}
        assert set(plans) == {"ketamine_iv", "spravato"}
        assert plans["ketamine_iv"]["indication"] == "Depression"

    def test_holds_each_infusion_with_dose_vitals_events_and_discharge(self):
        charts = {c["id"]: c for c in self.record()["infusion_charts"]}
        assert set(charts) == {self.h["iv"].pk, self.h["spravato"].pk}
        iv = charts[self.h["iv"].pk]
        assert iv["dose"]["weight_kg"] == 72.5
        assert iv["dose"]["mg_per_kg"] == 0.5
        assert iv["dose"]["dose_mg"] == 36.25
        assert len(iv["vitals"]) == 6
        assert iv["vitals"][0] == {
            "taken_at": iv["vitals"][0]["taken_at"],
            "phase": "baseline",
            "systolic": 122,
            "diastolic": 78,
            "heart_rate": 74,
            "spo2": 98,
            "respiratory_rate": 14,
        }
        assert iv["events"][0]["kind"] == "nausea"
        assert iv["events"][0]["detail"] == "Mild, settled with rest"
        assert iv["discharge"]["escort_present"] is True
        assert iv["discharge"]["discharged_at"]
        assert charts[self.h["spravato"].pk]["dose"]["dose_mg"] == 56

    def test_holds_the_spravato_rems_form(self):
        (rems,) = self.record()["spravato_rems_records"]
        assert rems["chart_id"] == self.h["spravato"].pk
        assert rems["device_lot_number"] == "LOT-23K117"
        assert rems["dissociation"] == "yes"

    def test_holds_consent_signatures_without_the_drawn_image_or_pdf(self):
        data = self.record()
        signed_at = self.h["signature"].signed_at.isoformat()
        # Every signature of the person (the charts' checklists signed the others), none of
        # the namesake's.
        assert len(data["consent_signatures"]) == (
            ConsentSignature.objects.filter(person_hash=self.patient.email_hash).count()
        )
        (signature,) = [s for s in data["consent_signatures"] if s["signed_at"] == signed_at]
        version = self.h["signature"].version
        assert signature["document"] == "Informed consent for IV ketamine"
        assert signature["version"] == 1
        assert signature["text_sha256"] == version.sha256
        assert signature["signed_at"] == self.h["signature"].signed_at.isoformat()
        text = json.dumps(data)
        assert DRAWN not in text
        assert PDF not in text

    def test_holds_the_care_teams_notes(self):
        (note,) = self.record()["notes"]
        assert (note["text"], note["author"]) == (NOTE, "Ines Park")

    def test_holds_nothing_of_the_namesake_or_of_another_address(self):
        data = self.record()
        text = json.dumps(data)
        namesake = self.h["namesake"]
        assert namesake.email not in text
        assert OTHER_EMAIL not in text
        assert self.h["namesake_chart"].pk not in [c["id"] for c in data["infusion_charts"]]
        assert self.h["namesake_signature"].pk not in [s["id"] for s in data["consent_signatures"]]
        assert all(m["id"] != namesake.measurements.get().pk for m in data["measurements"])

    def test_is_plain_json(self):
        data = self.record()
        assert json.loads(json.dumps(data)) == data

    def test_finds_the_record_from_the_hash_alone(self):
        assert (
            patient_record(person_hash=self.patient.email_hash)["patient"]["id"] == self.patient.pk
        )

    def test_a_person_without_a_record_gets_their_bookings(self):
        visit = self.h["elsewhere"]
        data = patient_record(person_hash=visit.patient_email_hash)
        assert data["patient"] is None
        assert [v["id"] for v in data["appointments"]] == [visit.pk]
        assert data["measurements"] == data["infusion_charts"] == []

    def test_refuses_a_record_of_another_person(self):
        with pytest.raises(ValueError, match="another person"):
            patient_record(person_hash=self.h["namesake"].email_hash, patient=self.patient)
        with pytest.raises(ValueError):
            patient_record(person_hash="")

    def test_reads_in_the_same_number_of_queries_however_long_the_history(self):
        patient = Patient.objects.get(pk=self.patient.pk)
        with CaptureQueriesContext(connection) as first:
            self.record()
        patient.plans.update(status="completed")  # a second course of the same protocol
        complete(make_chart(patient=patient, by=self.clinician), by=self.clinician, register=False)
        score(patient, phq9=10)
        make_check_in(patient, key="test-2")
        self.h["treatment"].visit(days_ago(1))
        sign_consent(patient.email_hash, slug="escort")
        with CaptureQueriesContext(connection) as second:
            data = self.record()
        assert len(data["infusion_charts"]) == 3
        # One query per kind of row; the charts' vitals, events, alerts and addenda prefetched.
        assert len(first) == len(second) == 14


def resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def loinc(resource: dict) -> str:
    return resource["code"]["coding"][0]["code"]


class FhirBundleTests(HistoryTestCase):
    def bundle(self):
        return patient_fhir_bundle(person_hash=self.patient.email_hash, patient=self.patient)

    def test_is_a_valid_r4_collection(self):
        bundle = self.bundle()
        assert bundle["type"] == "collection"
        parsed = Bundle.model_validate(bundle)
        assert parsed.entry[0].resource.get_resource_type() == "Patient"

    def test_the_patient_resource(self):
        (patient,) = resources(self.bundle(), "Patient")
        assert patient["name"] == [{"text": PATIENT_NAME}]
        assert patient["birthDate"] == "1979-03-14"
        assert {"system": "email", "value": PATIENT_EMAIL} in patient["telecom"]

    def test_appointment_statuses_are_mapped(self):
        statuses = sorted(a["status"] for a in resources(self.bundle(), "Appointment"))
        assert statuses == ["cancelled", "fulfilled"]

    def test_scores_are_loinc_observations(self):
        bundle = self.bundle()
        scores = {
            loinc(o): o
            for o in resources(bundle, "Observation")
            if o["category"][0]["coding"][0]["code"] == "survey"
        }
        assert set(scores) == {"44261-6", "70274-6", "72514-3"}
        assert scores["44261-6"]["valueQuantity"]["value"] == 16
        assert scores["44261-6"]["interpretation"] == [{"text": "moderately severe"}]
        assert scores["72514-3"]["valueQuantity"]["value"] == 6

    def test_a_pcl5_total_has_its_loinc_code(self):
        score(self.patient, pcl5=[2] * 20)
        scores = [loinc(o) for o in resources(self.bundle(), "Observation")]
        assert "101698-9" in scores

    def test_vital_signs_with_ucum_units_and_blood_pressure_as_one_observation(self):
        vitals = [
            o
            for o in resources(self.bundle(), "Observation")
            if o["category"][0]["coding"][0]["code"] == "vital-signs"
        ]
        pressures = [o for o in vitals if loinc(o) == "85354-9"]
        assert len(pressures) == 6 + 3  # the IV chart's readings and the Spravato chart's
        systolic, diastolic = pressures[0]["component"]
        assert (loinc(systolic), systolic["valueQuantity"]["value"]) == ("8480-6", 122)
        assert (loinc(diastolic), diastolic["valueQuantity"]["value"]) == ("8462-4", 78)
        assert systolic["valueQuantity"]["code"] == "mm[Hg]"
        assert systolic["valueQuantity"]["system"] == "http://unitsofmeasure.org"
        rates = [o for o in vitals if loinc(o) == "8867-4"]
        assert rates[0]["valueQuantity"] | {} == {
            "value": 74,
            "unit": "/min",
            "system": "http://unitsofmeasure.org",
            "code": "/min",
        }
        assert {loinc(o) for o in vitals} == {"85354-9", "8867-4", "59408-5", "9279-1", "29463-7"}

    def test_each_infusion_is_a_procedure_with_its_dose(self):
        procedures = resources(self.bundle(), "Procedure")
        notes = sorted(p["note"][0]["text"] for p in procedures)
        assert notes == ["Dose: 56 mg (Spravato).", "Dose: 72.5 kg × 0.50 mg/kg = 36.25 mg."]
        assert all(p["status"] == "completed" for p in procedures)
        complications = [c["text"] for p in procedures for c in p.get("complication", [])]
        assert complications == ["Nausea: Mild, settled with rest"]

    def test_each_signature_is_a_consent(self):
        consents = resources(self.bundle(), "Consent")
        assert len(consents) == (
            ConsentSignature.objects.filter(person_hash=self.patient.email_hash).count()
        )
        signed_at = self.h["signature"].signed_at.isoformat()
        (consent,) = [c for c in consents if c["dateTime"] == signed_at]
        assert consent["identifier"][0]["value"] == self.h["signature"].version.sha256
        assert consent["sourceAttachment"]["title"] == "Informed consent for IV ketamine, version 1"
        assert consent["scope"]["coding"][0]["code"] == "treatment"

    def test_a_declined_document_is_a_rejected_consent_with_its_reason(self):
        document = ConsentDocument.objects.create(
            title="Privacy notice", slug="privacy", kind="privacy", required_before_treatment=False
        )
        version = ConsentVersion.objects.create(
            document=document, number=1, title="Privacy notice", body="We keep it private."
        )
        ConsentDecline.objects.create(
            version=version,
            person_hash=self.patient.email_hash,
            reason="Took the paper copy",
            recorded_by=self.clinician,
        )
        bundle = self.bundle()
        Bundle.model_validate(bundle)
        (rejected,) = [c for c in resources(bundle, "Consent") if c["status"] == "rejected"]
        assert rejected["scope"]["coding"][0]["code"] == "patient-privacy"
        assert rejected["provision"] == {"type": "deny"}
        assert rejected["extension"][0]["valueString"] == "Took the paper copy"
        assert rejected["policyRule"]["text"] == "Privacy notice, version 1"

    def test_every_reference_points_into_the_bundle(self):
        bundle = self.bundle()
        urls = {entry["fullUrl"] for entry in bundle["entry"]}
        text = json.dumps(bundle)
        references = {part.split('"')[0] for part in text.split('"reference": "')[1:]}
        assert references and references <= urls
        assert len(urls) == len(bundle["entry"])

    def test_holds_nothing_of_the_namesake(self):
        text = json.dumps(self.bundle())
        assert self.h["namesake"].email not in text
        assert OTHER_EMAIL not in text

    def test_validation_rejects_a_broken_bundle(self):
        bundle = self.bundle()
        broken = copy.deepcopy(bundle)
        del resources(broken, "Procedure")[0]["status"]
        with pytest.raises(ValidationError):
            validate(broken)
        wrong_type = copy.deepcopy(bundle)
        resources(wrong_type, "Observation")[0]["valueQuantity"]["value"] = "high"
        with pytest.raises(ValidationError):
            validate(wrong_type)


class StaffCopyTests(HistoryTestCase):
    URLS = ("record.json", "record.fhir.json", "record/summary/")

    def url(self, suffix: str) -> str:
        return f"/admin/care/patients/{self.patient.pk}/{suffix}"

    def signed_in(self, *roles) -> Client:
        client = Client()
        sign_in(client, staff(*roles) if roles else self.clinician)
        return client

    def exports(self):
        return AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT)

    def assert_private_attachment(self, response):
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith('attachment; filename="health-record-')
        assert "no-store" in response["Cache-Control"]
        assert PATIENT_NAME not in response["Content-Disposition"]

    def test_the_record_page_links_the_three_copies(self):
        page = self.signed_in().get(f"/admin/care/patients/{self.patient.pk}/").content.decode()
        for suffix in self.URLS:
            assert f'href="{self.url(suffix)}"' in page
        assert "Download record (JSON)" in page
        assert "Download record (FHIR R4)" in page

    def test_the_json_download_is_the_whole_record_and_audited(self):
        response = self.signed_in().get(self.url("record.json"))
        self.assert_private_attachment(response)
        assert response["Content-Type"] == "application/json; charset=utf-8"
        data = json.loads(response.content)
        assert data["patient"]["full_name"] == PATIENT_NAME
        assert len(data["infusion_charts"]) == 2
        (event,) = self.exports()
        assert (event.target_type, event.target_id) == ("care.patient", str(self.patient.pk))
        assert event.actor == self.clinician
        assert "JSON" in event.detail

    def test_the_fhir_download_validates_and_is_audited(self):
        response = self.signed_in().get(self.url("record.fhir.json"))
        self.assert_private_attachment(response)
        assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
        Bundle.model_validate(json.loads(response.content))
        assert "FHIR" in self.exports().get(target_id=str(self.patient.pk)).detail

    def test_the_printable_summary_says_it_in_plain_words(self):
        response = self.signed_in().get(self.url("record/summary/"))
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        page = response.content.decode()
        assert f"Health record of {PATIENT_NAME}" in page
        assert "PHQ-9: 16 of 27 (moderately severe)" in page
        assert "Pain (0–10): 6 of 10" in page
        assert "122/78" in page
        assert "<dt>Dose</dt><dd>72.5 kg × 0.50 mg/kg = 36.25 mg</dd>" in page
        assert "56 mg; sedation no, dissociation yes" in page
        assert self.h["signature"].version.sha256 in page
        assert "Unwell that day" in page
        assert "LOT-23K117" not in page  # the REMS form in words, its lot number in the files
        assert NOTE in page
        assert self.h["namesake"].email not in page and OTHER_EMAIL not in page
        assert f'href="/admin/care/patients/{self.patient.pk}/"' in page
        assert "printable summary" in self.exports().get().detail

    def test_the_summary_escapes_what_was_typed(self):
        self.patient.full_name = "Rowan <script>alert(1)</script> Ellery"
        self.patient.save(update_fields=["full_name"])
        page = self.signed_in().get(self.url("record/summary/")).content.decode()
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;" in page

    def test_front_desk_and_editor_are_refused_and_the_refusal_audited(self):
        for role in ("Front desk", "Editor"):
            client = self.signed_in(role)
            for suffix in self.URLS:
                response = client.get(self.url(suffix))
                assert response.status_code == 403, (role, suffix)
                assert PATIENT_NAME.encode() not in response.content
        assert not self.exports().exists()
        refusals = AuditEvent.objects.filter(action=AuditEvent.Action.PERMISSION_DENIED)
        assert refusals.count() == 6
        assert all(
            event.detail.startswith("needs accounts.export_health_record") for event in refusals
        )

    def test_an_unknown_patient_is_not_found(self):
        response = self.signed_in().get("/admin/care/patients/999999/record.json")
        assert response.status_code == 404
        assert not self.exports().exists()


class PersonWithoutRecordTests(HistoryTestCase):
    def test_their_bundle_names_them_from_their_latest_booking(self):
        visit = self.h["elsewhere"]
        bundle = patient_fhir_bundle(person_hash=visit.patient_email_hash)
        (patient,) = resources(bundle, "Patient")
        assert patient["name"] == [{"text": PATIENT_NAME}]
        assert {"system": "email", "value": OTHER_EMAIL} in patient["telecom"]
        assert [a["status"] for a in resources(bundle, "Appointment")] == ["booked"]
        assert resources(bundle, "Observation") == resources(bundle, "Procedure") == []
        Bundle.model_validate(bundle)


class DemoRecordTests(TestCase):
    """Every demo patient's record, with its signed charts, acknowledged alerts, Spravato forms
    and urgent scores, makes plain JSON and a bundle that validates."""

    @classmethod
    def setUpTestData(cls):
        staff("Clinician", username="daniel.okafor")
        load_demo()
        ensure_demo_booking()
        load_intake_demo()
        load_care_demo()

    def test_every_demo_patient_exports(self):
        patients = list(Patient.objects.all())
        assert len(patients) >= 3
        for patient in patients:
            data = patient_record(person_hash=patient.email_hash, patient=patient)
            assert json.loads(json.dumps(data)) == data
            bundle = patient_fhir_bundle(person_hash=patient.email_hash, patient=patient)
            assert resources(bundle, "Patient")[0]["name"] == [{"text": patient.full_name}]
        assert any(
            resources(bundle, "Procedure")
            for bundle in [patient_fhir_bundle(person_hash=p.email_hash) for p in patients]
        )
