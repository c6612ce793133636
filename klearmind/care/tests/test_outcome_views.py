"""The back office of measurement-based care: progress page and its actions, the printable
summary, the clinic dashboard and its CSV, each behind its permission and audited."""

import csv
import datetime
import io
import re

from django.core import mail
from django.test import Client, SimpleTestCase, TestCase
from django.urls import reverse
from django.utils import timezone

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.audit.models import AuditEvent
from klearmind.booking.models import AppointmentStatus
from klearmind.care.models import AttentionReview, CheckIn, PlanStatus
from klearmind.clinic.exports import text_cell
from klearmind.clinic.models import ClinicSettings
from klearmind.intake.models import IntakeSettings
from klearmind.intake.tests.factories import csrf_token

from .factories import PATIENT_NAME, make_patient, make_plan
from .outcome_factories import PHQ9_URGENT, Treatment, days_ago, make_check_in, score


class ProgressViewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.clinician = staff("Clinician")
        cls.treatment = Treatment()
        cls.patient = make_patient(psychiatrist="Dr. Imani Okafor", psychiatrist_contact="555-0101")
        cls.plan = make_plan(cls.patient, series=cls.treatment.series)
        for days in (10, 8, 6):
            cls.treatment.visit(days_ago(days), status=AppointmentStatus.COMPLETED)
        score(cls.patient, phq9=18, taken_at=days_ago(12), source="intake")
        score(cls.patient, phq9=10, taken_at=days_ago(7))
        cls.urgent = score(cls.patient, phq9=PHQ9_URGENT, taken_at=days_ago(1))
        make_check_in(cls.patient, completed_at=days_ago(1), sent_at=days_ago(2))
        ClinicSettings.objects.create(clinic_name="Klearmind Clinic", phone="(916) 555-0100")

    def setUp(self):
        sign_in(self.client, self.clinician)
        self.url = reverse("care_admin:progress", args=[self.patient.pk])

    def test_the_page_shows_chart_table_outcome_check_ins_and_the_urgent_score(self):
        response = self.client.get(self.url)
        page = response.content.decode()
        assert page.count('class="care-chart"') == 1  # one chart: PHQ-9's
        assert "<caption>PHQ-9 scores</caption>" in page
        assert "3 treatment sessions so far" in page
        # PHQ-9 from 18 before treatment to 9: a fall of exactly half is a response; no remission.
        assert re.search(
            r"<th scope=\"row\">PHQ-9</th>\s*<td>18 on .*</td>\s*<td>9 on .*</td>"
            r"\s*<td>Yes</td>\s*<td>No</td>",
            page,
        )
        assert "Completed" in page and "Weekly during a series" in page
        assert "not reviewed yet" in page
        assert "no-store" in response["Cache-Control"]
        event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
        assert (event.target_type, event.target_id) == ("care.patient", str(self.patient.pk))

    def test_the_front_desk_is_refused(self):
        sign_in(self.client, staff("Front desk"))
        response = self.client.get(self.url)
        assert response.status_code == 403
        assert "PHQ-9" not in response.content.decode()
        assert AuditEvent.objects.filter(action=AuditEvent.Action.PERMISSION_DENIED).exists()

    def test_sending_a_check_in_now_e_mails_the_patient_and_is_audited(self):
        client = sign_in(Client(enforce_csrf_checks=True), self.clinician)
        token = csrf_token(client.get(self.url))
        with self.captureOnCommitCallbacks(execute=True):
            response = client.post(
                reverse("care_admin:progress_check_in", args=[self.patient.pk]),
                {"csrfmiddlewaretoken": token},
                follow=True,
            )
        assert "A check-in is on its way" in response.content.decode()
        check_in = CheckIn.objects.get(reason="requested")
        assert mail.outbox[0].to == [self.patient.email]
        assert AuditEvent.objects.filter(
            action=AuditEvent.Action.CREATE, target_id=str(check_in.pk)
        ).exists()

    def test_reviewing_the_urgent_score_needs_a_note_and_records_who_once(self):
        url = reverse("care_admin:measurement_reviewed", args=[self.patient.pk, self.urgent.pk])
        refused = self.client.post(url, {"note": ""}, follow=True).content.decode()
        assert "Write what was done" in refused
        self.urgent.refresh_from_db()
        assert self.urgent.reviewed_at is None
        note = "Called the patient; safety plan reviewed."
        page = self.client.post(url, {"note": note}, follow=True).content.decode()
        self.urgent.refresh_from_db()
        assert self.urgent.reviewed_by == self.clinician
        assert "Reviewed, with your note." in page and "not reviewed yet" not in page
        assert AttentionReview.objects.get().note == note
        again = self.client.post(url, {"note": note}, follow=True).content.decode()
        assert "reviewed already" in again
        assert AttentionReview.objects.count() == 1

    def test_the_printable_summary_is_one_page_for_the_psychiatrist_and_an_audited_export(self):
        url = reverse("care_admin:progress_summary", args=[self.patient.pk])
        page = self.client.get(url).content.decode()
        for text in (PATIENT_NAME, "14 March 1979", "Dr. Imani Okafor", "Klearmind Clinic"):
            assert text in page
        assert "(916) 555-0100" in page
        assert "3 of 6 planned" in page
        assert 'role="img"' in page and "care/print" in page
        assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == 1


class DashboardTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.owner = staff("Owner")
        treatment = Treatment()
        first = make_patient(location=treatment.location, conditions=["depression"])
        second = make_patient(email="b@example.org", conditions=["depression", "anxiety"])
        make_plan(first, series=treatment.series)
        done = make_plan(second)
        done.end(status=PlanStatus.COMPLETED)
        score(first, phq9=18, gad7=[2] * 7, taken_at=days_ago(30))
        score(first, phq9=4, taken_at=days_ago(2))
        score(second, phq9=16, taken_at=days_ago(30))
        score(second, phq9=10, taken_at=days_ago(2))
        for days, status in ((5, "completed"), (4, "arrived"), (3, "no_show"), (2, "cancelled")):
            treatment.visit(days_ago(days), status=status)
        cls.url = reverse("care_admin:dashboard")

    def setUp(self):
        sign_in(self.client, self.owner)

    def test_the_last_90_days_by_default_with_honest_small_numbers(self):
        page = self.client.get(self.url).content.decode()
        today = timezone.localdate()
        assert f"to {today:%-d %B %Y}" in page
        assert "<dt>Patients in treatment</dt><dd>2</dd>" in page
        assert "<dt>Series completed</dt><dd>1</dd>" in page
        assert "1 of 3" in page and "n too small" in page
        assert "Midtown" in page and "No clinic recorded" in page
        assert PATIENT_NAME not in page

    def test_the_page_states_who_counts_and_shows_the_others_apart_with_why(self):
        page = self.client.get(self.url).content.decode()
        assert "Rates count only patients ill at baseline" in page
        assert "within 30 days before the first session" in page
        assert "1 no baseline within 30 days before the first session" in page
        assert "0 not ill at baseline" in page

    def test_the_rule_names_the_clinics_own_pcl5_cutoff(self):
        clinic = IntakeSettings.load()
        clinic.pcl5_cutoff = 31
        clinic.save()
        page = self.client.get(self.url).content.decode()
        assert "PCL-5 31 or more, the clinic&#x27;s cut-off" in page

    def test_a_period_before_any_treatment_shows_nobody(self):
        page = self.client.get(self.url, {"start": "2020-01-01", "end": "2020-03-31"})
        assert "<dt>Patients in treatment</dt><dd>0</dd>" in page.content.decode()

    def test_a_period_that_ends_before_it_starts_is_refused_on_its_field(self):
        response = self.client.get(self.url, {"start": "2026-05-01", "end": "2026-04-01"})
        page = response.content.decode()
        assert response.status_code == 400
        assert "The “to” date must be on or after the “from” date." in page
        assert 'aria-describedby="id_end_error"' in page
        assert 'value="2026-05-01"' in page
        assert "Patients in treatment" not in page

    def test_nonsense_dates_are_refused_plainly(self):
        response = self.client.get(self.url, {"start": "\x00<b>", "end": "9" * 500})
        assert response.status_code == 400
        assert "Please enter the from date" in response.content.decode()

    def test_the_csv_holds_the_same_aggregates_no_names_and_is_audited(self):
        start = (timezone.localdate() - datetime.timedelta(days=60)).isoformat()
        end = timezone.localdate().isoformat()
        response = self.client.get(
            reverse("care_admin:dashboard_csv"), {"start": start, "end": end}
        )
        assert response["Content-Type"].startswith("text/csv")
        assert response.streaming
        text = b"".join(response.streaming_content).decode()
        rows = list(csv.reader(io.StringIO(text)))
        assert ["Patients in treatment", "2"] in rows
        assert ["No-shows", "1", "of", "3", "n too small"] in rows
        depression = next(row for row in rows if row[:2] == ["Condition", "Depression"])
        # The second patient has no session booked, so no baseline within 30 days before it:
        # not counted (CLINICAL.md), and said so in its own column.
        assert depression[3:] == ["2", "1", "1", "n too small", "1", "1", "n too small", "0", "1"]
        header = next(row for row in rows if row[:1] == ["Grouped by"])
        assert header[-2:] == [
            "Not counted: not ill at baseline",
            "Not counted: no baseline within 30 days before the first session",
        ]
        rule = next(row for row in rows if row[:1] == ["Rule"])
        assert "Rates count only patients ill at baseline (PHQ-9 10 or more" in rule[1]
        assert "PCL-5 33 or more, the clinic's cut-off" in rule[1]
        ptsd = next(row for row in rows if row[:2] == ["Condition", "PTSD"])
        assert ptsd[3:] == ["0", "0", "0", "n too small", "", "", "not applicable", "0", "0"]
        assert PATIENT_NAME not in text
        event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
        assert event.detail == f"clinic outcomes CSV {start} to {end}"

    def test_an_invalid_period_sends_the_csv_back_to_the_form(self):
        response = self.client.get(reverse("care_admin:dashboard_csv"), {"start": "x"})
        assert response.status_code == 302
        assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


class CsvCellTests(SimpleTestCase):
    def test_a_group_name_a_spreadsheet_would_run_is_defused(self):
        assert text_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
        assert text_cell("Midtown") == "Midtown"
