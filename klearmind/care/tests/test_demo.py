"""The demo clinic's care records: Jamie mid-series with signed charts and falling scores, Alex
with an infusion to chart today, the protocols; a second run adds nothing."""

import datetime

from django.test import TestCase
from django.utils import timezone

from klearmind.accounts.demo import DEMO_USERNAMES
from klearmind.accounts.tests.factories import staff
from klearmind.booking.demo import INVITED_EMAIL, ensure_demo_booking
from klearmind.booking.models import Appointment
from klearmind.care.attention.services import open_flags
from klearmind.care.consents.models import ConsentDocument, ConsentSignature, Standing
from klearmind.care.consents.standing import missing_consents, treatments_to_sign_for
from klearmind.care.demo import load_care_demo
from klearmind.care.models import InfusionChart, Patient, Protocol
from klearmind.care.patients.timeline import timeline
from klearmind.intake.demo import load_intake_demo
from klearmind.pages.tests.test_pages import load_demo


class CareDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.clinician = staff("Clinician", username="daniel.okafor")
        staff("Front desk", username=DEMO_USERNAMES["Front desk"])
        load_demo()
        ensure_demo_booking()
        load_intake_demo()
        cls.report = load_care_demo()

    def test_jamie_is_mid_series_with_charts_scores_and_an_open_check_in(self):
        jamie = Patient.objects.with_email("jamie.fox@example.com").get()
        plan = jamie.plans.get()
        assert plan.series is not None and plan.protocol.name == "IV ketamine induction"
        assert InfusionChart.objects.filter(plan=plan).signed().count() == 3
        totals = [m.total("phq9") for m in jamie.measurements.in_order()]
        assert totals[0] > totals[-1]
        assert "/check-in/" in self.report.check_in_url
        titles = [entry.title for entry in timeline(jamie)]
        assert "Plan started: IV ketamine induction" in titles
        assert any(title.startswith("IV ketamine chart signed by") for title in titles)

    def test_alex_has_an_infusion_today_and_a_record_to_chart_it(self):
        alex = Patient.objects.with_email("alex.moreno@example.org").get()
        today = [v for v in alex.appointments() if v.local_start.date() == timezone.localdate()]
        assert [v.service.kind for v in today] == ["booster"]
        assert alex.plans.get().protocol.name == "IV ketamine booster"
        assert alex.primary_clinician == self.clinician

    def test_alex_may_start_today_and_jamie_has_the_new_wording_to_sign_before_the_next(self):
        alex = Patient.objects.with_email("alex.moreno@example.org").get()
        jamie = Patient.objects.with_email("jamie.fox@example.com").get()
        visits = list(
            Appointment.objects.for_calendar().filter(
                patient_email_hash__in=[alex.email_hash, jamie.email_hash],
                starts_at__gte=timezone.now() - datetime.timedelta(hours=12),
            )
        )
        found = treatments_to_sign_for(visits)
        jamies = [v.pk for v in visits if v.patient_email_hash == jamie.email_hash]
        assert jamies and set(found) == set(jamies)
        assert found[jamies[0]] == ["Informed consent for IV ketamine: a new version to sign"]
        # Jamie's charts started on the first wording and keep saying so.
        assert all(chart.consent_on_file for chart in InfusionChart.objects.filter(patient=jamie))

    def test_needs_attention_shows_the_unsent_draft_and_alexs_urgent_check_in(self):
        alex = Patient.objects.with_email("alex.moreno@example.org").get()
        flags = {(flag.source, flag.subject): flag for flag in open_flags()}
        assert ("draft", "Riley Chen") in flags
        assert flags[("check_in", "Alex Moreno")].patient_id == alex.pk
        assert [flag.source for flag in open_flags(patient=alex)] == ["check_in"]

    def test_seven_consents_jamie_and_alex_signed_for_ketamine_the_candidate_none(self):
        assert ConsentDocument.objects.count() == 7
        assert all(document.current_version for document in ConsentDocument.objects.all())
        today = timezone.localdate()
        jamie = Patient.objects.with_email("jamie.fox@example.com").get()
        # The ketamine consent's second wording, published after Jamie signed the first.
        [ketamine] = missing_consents(person_hash=jamie.email_hash, kind="ketamine", on=today)
        assert (ketamine.document.slug, ketamine.standing) == ("ketamine", Standing.NEW_VERSION)
        witnessed = ConsentSignature.objects.of_person(jamie.email_hash).exclude(witnessed_by=None)
        assert [s.version.document.slug for s in witnessed] == ["escort"]
        assert all(s.pdf for s in ConsentSignature.objects.all())
        [telehealth] = missing_consents(person_hash=jamie.email_hash, kind="consultation", on=today)
        assert telehealth.document.slug == "telehealth"
        assert telehealth.standing == Standing.NEW_VERSION
        alex = Patient.objects.with_email("alex.moreno@example.org").get()
        assert missing_consents(person_hash=alex.email_hash, kind="booster", on=today) == []
        candidate = Patient._meta.get_field("email_hash").hash(INVITED_EMAIL)
        assert not ConsentSignature.objects.of_person(candidate).exists()

    def test_a_second_run_adds_nothing_and_prints_the_check_in_link_again(self):
        flags = len(open_flags())
        counts = (Patient.objects.count(), Protocol.objects.count(), InfusionChart.objects.count())
        signatures = ConsentSignature.objects.count()
        again = load_care_demo()
        assert again.created == []
        assert again.check_in_url == self.report.check_in_url
        assert "Demo care records: nothing new." in again.summary()
        after = (Patient.objects.count(), Protocol.objects.count(), InfusionChart.objects.count())
        assert after == counts
        assert ConsentSignature.objects.count() == signatures
        assert len(open_flags()) == flags
