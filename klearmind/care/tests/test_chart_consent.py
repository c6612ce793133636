"""Consent before treatment: the chart works it out from the patient's signatures of the
documents its visit needs, and Start waits for every one of them."""

import datetime
from decimal import Decimal

import time_machine
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import timezone

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.booking.models import ServiceKind
from klearmind.booking.tests.factories import make_clinic
from klearmind.care.charts.models.charts import CHECKLIST
from klearmind.care.charts.services import open_chart, start_chart
from klearmind.care.consents.models import ConsentKind, Renewal
from klearmind.care.consents.standing import missing_consents, treatments_to_sign_for
from klearmind.care.models import Phase

from .chart_factories import complete, enrol, make_chart, vital
from .factories import make_patient, make_protocol
from .signature_factories import make_document, publish, sign
from .test_chart_views import chart_url, visit


def prepared(chart, *, by):
    """Everything Start needs but consent: the checklist, a calm baseline, the dose."""
    chart.record_checklist(**dict.fromkeys(CHECKLIST, True))
    vital(chart, timezone.now() - datetime.timedelta(minutes=10), phase=Phase.BASELINE)
    if chart.is_spravato:
        enrol(chart.patient, by=by)
        chart.confirm_fixed_dose(by=by, dose_mg=56)
    else:
        chart.confirm_dose(by=by, weight_kg=Decimal("72.5"), mg_per_kg=Decimal("0.5"))
    return chart


def next_chart(chart):
    """The same patient's next session under the same plan."""
    return start_chart(
        patient=chart.patient,
        plan=chart.plan,
        protocol=chart.protocol,
        day=timezone.localdate(),
        by=None,
    )


def refusal_of(chart, by) -> ValidationError:
    try:
        chart.start(by=by)
    except ValidationError as refused:
        return refused
    raise AssertionError("Start was allowed")


class StartNeedsConsentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.clinician = staff("Clinician")
        cls.ketamine = make_document("Informed consent for IV ketamine")
        cls.escort = make_document(
            "Escort and no-driving agreement", kinds=(), kind=ConsentKind.ESCORT
        )
        cls.escort.sort_order = 1  # after the informed consent, whatever the titles
        cls.escort.save()

    def test_refused_naming_each_document_then_allowed_once_signed(self):
        chart = prepared(make_chart(), by=self.clinician)
        refused = refusal_of(chart, self.clinician)
        assert refused.code == "consent_missing"
        assert refused.messages == [
            "Consent is needed before the start. Informed consent for IV ketamine: not signed "
            "yet. Escort and no-driving agreement: not signed yet."
        ]
        assert chart.started_at is None
        sign(chart.patient.email_hash, self.ketamine.current_version)
        assert refusal_of(chart, self.clinician).messages == [
            "Consent is needed before the start. Escort and no-driving agreement: not signed yet."
        ]
        sign(chart.patient.email_hash, self.escort.current_version)
        chart.start(by=self.clinician)
        chart.refresh_from_db()
        assert chart.started_at is not None
        assert chart.consent_on_file is True  # recorded as it stood at the start

    def test_a_new_version_asks_for_a_new_signature_before_the_next_start(self):
        patient = make_patient()
        sign(patient.email_hash, self.ketamine.current_version)
        sign(patient.email_hash, self.escort.current_version)
        first = prepared(make_chart(patient=patient), by=self.clinician)
        first.start(by=self.clinician)
        publish(self.ketamine, "Now with what we learnt about blood pressure.")
        second = prepared(next_chart(first), by=self.clinician)
        assert refusal_of(second, self.clinician).messages == [
            "Consent is needed before the start. Informed consent for IV ketamine: a new "
            "version to sign."
        ]
        sign(patient.email_hash, self.ketamine.current_version)
        second.start(by=self.clinician)
        assert second.started_at is not None

    def test_a_signature_of_another_person_does_not_count(self):
        chart = prepared(make_chart(), by=self.clinician)
        other = make_patient()
        for document in (self.ketamine, self.escort):
            sign(other.email_hash, document.current_version)
        assert refusal_of(chart, self.clinician).code == "consent_missing"

    def test_spravato_needs_its_own_consent_not_the_ketamine_one(self):
        spravato = make_document(
            "Informed consent for Spravato", kinds=("spravato",), kind=ConsentKind.SPRAVATO
        )
        chart = prepared(make_chart(spravato=True), by=self.clinician)
        for document in (self.ketamine, self.escort):
            sign(chart.patient.email_hash, document.current_version)
        assert chart.visit_kind == ServiceKind.SPRAVATO
        assert refusal_of(chart, self.clinician).messages == [
            "Consent is needed before the start. Informed consent for Spravato: not signed yet."
        ]
        sign(chart.patient.email_hash, spravato.current_version)
        chart.start(by=self.clinician)


class YearlyRenewalTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.clinician = staff("Clinician")
        cls.document = make_document("Informed consent for IV ketamine", renewal=Renewal.YEARLY)

    def test_a_yearly_consent_signed_over_a_year_before_the_session_is_signed_again(self):
        patient = make_patient()
        signed_at = timezone.make_aware(datetime.datetime(2026, 1, 5, 10))
        with time_machine.travel(signed_at, tick=False):
            sign(patient.email_hash, self.document.current_version)
        # 365 days later the signature still covers the session: the rule is "over a year".
        with time_machine.travel(signed_at + datetime.timedelta(days=365, hours=1), tick=True):
            first = prepared(make_chart(patient=patient), by=self.clinician)
            first.start(by=self.clinician)
        with time_machine.travel(signed_at + datetime.timedelta(days=366, hours=1), tick=True):
            chart = prepared(next_chart(first), by=self.clinician)
            assert refusal_of(chart, self.clinician).messages == [
                "Consent is needed before the start. Informed consent for IV ketamine: signed "
                "over a year ago."
            ]
            sign(patient.email_hash, self.document.current_version)
            chart.start(by=self.clinician)


class NothingToSignTests(TestCase):
    def test_a_visit_no_document_covers_may_not_start(self):
        clinician = staff("Clinician")
        make_document("Informed consent for Spravato", kinds=("spravato",))
        chart = prepared(make_chart(), by=clinician)
        assert refusal_of(chart, clinician).messages == [
            "Consent is needed before the start. No consent document for this kind of visit is "
            "published yet."
        ]


class VisitKindTests(TestCase):
    def test_a_booked_visit_takes_its_service_kind(self):
        clinic = make_clinic(slug="midtown", kind=ServiceKind.BOOSTER)
        patient = make_patient()
        make_protocol()
        clinician = staff("Clinician")
        booster = visit(clinic, clinic.service, email=patient.email)
        chart = open_chart(appointment=booster, by=clinician)
        assert chart.visit_kind == ServiceKind.BOOSTER
        only_infusions = make_document("Infusion consent", kinds=("ketamine",))
        assert chart.consent_refusals() == [
            "No consent document for this kind of visit is published yet"
        ]
        assert only_infusions.applies_to("ketamine")
        boosters = make_document("Booster consent", kinds=("booster",))
        assert chart.consent_refusals() == ["Booster consent: not signed yet"]
        sign(patient.email_hash, boosters.current_version)
        assert chart.consent_refusals() == []


class ChartPageConsentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.clinician = staff("Clinician")
        cls.document = make_document("Informed consent for IV ketamine")

    def setUp(self):
        sign_in(self.client, self.clinician)

    def test_the_page_shows_each_documents_standing_and_start_is_refused_in_words(self):
        chart = prepared(make_chart(), by=self.clinician)
        page = self.client.get(chart_url(chart)).content.decode()
        assert (
            "Informed consent for IV ketamine (version 1): <strong>not signed yet</strong>" in page
        )
        assert "Do not start:</strong> Informed consent for IV ketamine: not signed yet." in page
        assert 'name="consent_on_file"' not in page  # no tick box any more
        now = timezone.localtime().strftime("%H:%M")
        refused = self.client.post(chart_url(chart, "start"), {"time": now})
        assert refused.status_code == 400
        assert "Informed consent for IV ketamine: not signed yet." in refused.content.decode()
        sign(chart.patient.email_hash, self.document.current_version)
        page = self.client.get(chart_url(chart)).content.decode()
        assert "Informed consent for IV ketamine (version 1): signed; last signed" in page
        assert "Do not start:</strong> Informed consent" not in page
        assert self.client.post(chart_url(chart, "start"), {"time": now}).status_code == 302

    def test_a_signed_chart_keeps_what_it_recorded_whatever_is_published_since(self):
        chart = complete(make_chart(), by=self.clinician)
        chart.sign(by=self.clinician)
        publish(self.document, "A later wording.")
        page = self.client.get(chart_url(chart)).content.decode()
        assert "Consent on file at the start: yes." in page
        assert "a new version to sign" not in page


class DocumentsThePatientMayDeclineTests(TestCase):
    """The privacy notice's acknowledgement and consent to messages are asked for, never a
    condition of treatment: unsigned, they hold up neither Start nor the front desk."""

    @classmethod
    def setUpTestData(cls):
        cls.clinician = staff("Clinician")
        cls.ketamine = make_document("Informed consent for IV ketamine")
        cls.privacy = make_document(
            "Acknowledgement of the Notice of Privacy Practices", kinds=(), kind=ConsentKind.PRIVACY
        )
        cls.privacy.required_before_treatment = False
        cls.privacy.save()

    def test_start_waits_only_for_the_documents_needed_before_treatment(self):
        chart = prepared(make_chart(), by=self.clinician)
        assert chart.consent_refusals() == ["Informed consent for IV ketamine: not signed yet"]
        sign(chart.patient.email_hash, self.ketamine.current_version)
        assert chart.consent_refusals() == []
        chart.start(by=self.clinician)
        assert chart.started_at is not None and chart.consent_on_file

    def test_the_chart_shows_it_unsigned_and_says_it_does_not_hold_up_the_start(self):
        chart = prepared(make_chart(), by=self.clinician)
        sign(chart.patient.email_hash, self.ketamine.current_version)
        sign_in(self.client, self.clinician)
        page = self.client.get(chart_url(chart)).content.decode()
        assert (
            "Acknowledgement of the Notice of Privacy Practices (version 1): not signed yet (the "
            "patient may decline it; it does not hold up the start)" in page
        )
        assert "Do not start:" not in page

    def test_the_calendars_and_the_day_view_do_not_count_it(self):
        clinic = make_clinic(kind=ServiceKind.KETAMINE)
        patient = make_patient()
        booked = visit(clinic, clinic.service, email=patient.email)
        assert treatments_to_sign_for([booked]) == {
            booked.pk: ["Informed consent for IV ketamine: not signed yet"]
        }
        sign(patient.email_hash, self.ketamine.current_version)
        assert treatments_to_sign_for([booked]) == {}
        assert (
            missing_consents(
                person_hash=patient.email_hash, kind=ServiceKind.KETAMINE, on=timezone.localdate()
            )
            == []
        )

    def test_only_documents_a_patient_may_decline_leave_a_visit_unable_to_start(self):
        self.ketamine.active = False
        self.ketamine.save()
        chart = prepared(make_chart(), by=self.clinician)
        assert chart.consent_refusals() == [
            "No consent document for this kind of visit is published yet"
        ]
