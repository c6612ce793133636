"""Check-ins: which are due and made once, the e-mail that carries only a link, and the
public page behind it (published wording, errors per question, crisis, one measurement)."""

import datetime
import io
import re
from unittest import mock

from django.core import mail
from django.core.management import call_command
from django.db import DatabaseError
from django.test import Client, TestCase
from django.utils import timezone

from klearmind.audit.models import AuditEvent
from klearmind.booking.links import APPOINTMENT_SALT, sign
from klearmind.care.check_ins import services
from klearmind.care.check_ins.services import (
    check_in_path,
    complete_check_in,
    create_due_check_ins,
    request_check_in,
)
from klearmind.care.check_ins.tasks import queue_check_in
from klearmind.care.models import CheckIn, CheckInReason, Measurement, PlanStatus
from klearmind.clinic.models import ClinicSettings
from klearmind.intake import questionnaires as q
from klearmind.intake.models import IntakeSettings
from klearmind.intake.tests.factories import csrf_token
from klearmind.outbox.tasks import deliver

from .factories import make_patient, make_plan
from .outcome_factories import PHQ9_URGENT, Treatment, make_check_in, open_check_in


class CheckInScheduleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.treatment = Treatment()
        cls.patient = make_patient()
        cls.plan = make_plan(cls.patient, series=cls.treatment.series)

    def test_a_visit_within_48_hours_gets_one_check_in_however_often_the_sweep_runs(self):
        visit = self.treatment.visit(timezone.now() + datetime.timedelta(hours=30))
        made = create_due_check_ins()
        assert [(c.reason, c.appointment) for c in made] == [(CheckInReason.VISIT, visit)]
        assert create_due_check_ins() == []
        assert CheckIn.objects.count() == 1

    def test_a_visit_further_ahead_waits_and_the_weekly_check_in_goes_out_instead(self):
        self.treatment.visit(timezone.now() + datetime.timedelta(hours=60))
        made = create_due_check_ins()
        assert [c.reason for c in made] == [CheckInReason.WEEKLY]

    def test_the_weekly_check_in_comes_again_only_after_the_period(self):
        now = timezone.now()
        assert len(create_due_check_ins(now=now)) == 1
        assert create_due_check_ins(now=now + datetime.timedelta(days=6)) == []
        assert len(create_due_check_ins(now=now + datetime.timedelta(days=7, hours=1))) == 1

    def test_nobody_without_an_active_plan_or_discharged_gets_one(self):
        self.plan.end(status=PlanStatus.COMPLETED)
        discharged = make_patient(email="gone@example.org", status="discharged")
        make_plan(discharged)
        assert create_due_check_ins() == []

    def test_the_measures_follow_the_patients_conditions(self):
        make_plan(make_patient(email="p@example.org", conditions=["ptsd", "depression"]))
        measures = sorted(c.measures for c in create_due_check_ins())
        assert measures == [["phq9", "gad7"], ["phq9", "pcl5"]]

    def test_a_chronic_pain_patient_gets_the_pain_score_in_every_check_in(self):
        # CLINICAL.md, "pain": for chronic-pain candidates at intake and in every check-in.
        make_plan(make_patient(email="pain@example.org", conditions=["chronic_pain"]))
        make_plan(make_patient(email="mood@example.org", conditions=["depression"]))
        measures = sorted(c.measures for c in create_due_check_ins())
        assert ["phq9", "pain"] in measures
        assert ["phq9"] in measures

    def test_a_clinician_can_ask_for_one_at_any_time(self):
        first = request_check_in(patient=self.patient)
        second = request_check_in(patient=self.patient)
        assert first.key != second.key
        assert first.reason == CheckInReason.REQUESTED

    def test_a_request_is_audited_with_its_check_in_and_rolled_back_with_it(self):
        check_in = request_check_in(patient=self.patient)
        event = AuditEvent.objects.get(target_type="care.checkin", target_id=check_in.pk)
        assert (event.action, event.detail) == ("create", "check-in sent by a clinician")
        before = CheckIn.objects.count()
        with (
            self.captureOnCommitCallbacks(execute=True) as callbacks,
            mock.patch.object(services, "record", side_effect=DatabaseError("disk full")),
            self.assertRaises(DatabaseError),
        ):
            request_check_in(patient=self.patient)
        assert (CheckIn.objects.count(), callbacks, mail.outbox) == (before, [], [])


class CheckInEmailTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.patient = make_patient(conditions=["ptsd", "anxiety"])

    def test_the_email_carries_the_private_link_and_988_but_no_measure_or_condition(self):
        with self.captureOnCommitCallbacks(execute=True):
            check_in = request_check_in(patient=self.patient)
        [message] = mail.outbox
        assert message.to == [self.patient.email]
        assert check_in_path(check_in) in message.body
        assert "988" in message.body and "911" in message.body
        for secret in ("PHQ", "GAD", "PCL", "anxiety", "PTSD", "depress", "score"):
            assert secret.lower() not in (message.subject + message.body).lower()
        check_in.refresh_from_db()
        assert check_in.sent_at is not None

    def test_a_failed_send_is_counted_and_left_for_a_retry(self):
        check_in = make_check_in(self.patient)
        with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("down")):
            message = queue_check_in(check_in)
            assert deliver.call(message_id=message.pk) == "will retry"
        check_in.refresh_from_db()
        assert (check_in.attempts, check_in.last_error, check_in.sent_at) == (1, "OSError", None)
        assert deliver.call(message_id=message.pk) == "sent"
        assert deliver.call(message_id=message.pk) == "already sent or gone"
        check_in.refresh_from_db()
        assert check_in.sent_at is not None
        assert mail.outbox[0].subject == "A short check-in from your clinic"

    def test_a_check_in_answered_before_its_e_mail_went_is_not_e_mailed(self):
        check_in = make_check_in(self.patient)
        message = queue_check_in(check_in)
        CheckIn.objects.filter(pk=check_in.pk).update(completed_at=timezone.now())
        assert deliver.call(message_id=message.pk) == "not needed any more"
        assert mail.outbox == []


def answers(measure: str, count: int, value: int = 1) -> dict:
    return {f"{measure}_{n}": str(value) for n in range(1, count + 1)}


class CheckInPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.patient = make_patient()  # depression and anxiety: PHQ-9 and GAD-7
        cls.check_in = make_check_in(cls.patient, measures=["phq9", "gad7"])
        ClinicSettings.load()  # the one row, made before it is changed
        ClinicSettings.objects.update(on_call_email="oncall@example.org")

    def setUp(self):
        self.url = open_check_in(self.client, self.check_in)

    def full_answers(self, item9: int = 0) -> dict:
        data = {**answers("phq9", 9), **answers("gad7", 7, value=2)}
        data["phq9_9"] = str(item9)
        return data

    def test_the_page_asks_the_applicable_measures_in_their_published_wording(self):
        response = self.client.get(self.url)
        page = response.content.decode()
        assert q.PHQ9_ITEMS[0] in page and q.PHQ9_ITEMS[8] in page
        assert q.GAD7_ITEMS[0] in page
        assert q.PCL5_ITEMS[0] not in page
        assert "not monitored in real time" in page
        assert "no-store" in response["Cache-Control"]
        assert re.search(r'id="crisis-panel"[^>]*hidden', page)

    def test_every_missing_answer_is_named_and_tied_to_its_question_and_nothing_is_kept(self):
        data = self.full_answers()
        del data["phq9_3"], data["gad7_7"]
        response = self.client.post(self.url, data)
        page = response.content.decode()
        assert response.status_code == 400
        assert "Please answer PHQ-9 question 3" in page
        assert "Please answer GAD-7 question 7" in page
        assert 'aria-describedby="id_phq9_3_error"' in page
        assert re.search(r'name="phq9_1" value="1"[^>]*checked', page)
        assert not Measurement.objects.exists()

    def test_markup_and_null_bytes_in_an_answer_are_refused_plainly(self):
        data = {**self.full_answers(), "phq9_1": "\x00<script>", "gad7_2": "9" * 5000}
        response = self.client.post(self.url, data)
        assert response.status_code == 400
        assert "<script>" not in response.content.decode()
        assert not Measurement.objects.exists()

    def test_answers_become_one_measurement_and_the_link_then_only_thanks(self):
        client = Client(enforce_csrf_checks=True)
        url = open_check_in(client, self.check_in)
        token = csrf_token(client.get(url))
        response = client.post(url, {**self.full_answers(), "csrfmiddlewaretoken": token})
        assert response.status_code == 302
        measurement = Measurement.objects.get()
        assert measurement.total("phq9") == 8 and measurement.total("gad7") == 14
        assert measurement.scores["gad7"]["band"] == "moderate"
        assert (measurement.source, measurement.urgent) == ("check_in", False)
        again = client.get(url).content.decode()
        assert "we received your check-in" in again
        assert q.PHQ9_ITEMS[0] not in again
        assert re.search(r'id="crisis-panel"[^>]*hidden', again)
        assert mail.outbox == []

    def test_a_second_send_stores_nothing_more(self):
        self.client.post(self.url, self.full_answers())
        response = self.client.post(self.url, self.full_answers())
        assert "we received your check-in" in response.content.decode()
        assert Measurement.objects.count() == 1

    def test_a_completed_check_in_refuses_a_second_completion(self):
        complete_check_in(check_in_id=self.check_in.pk, answers={"phq9": [0] * 9})
        with self.assertRaisesMessage(Exception, "completed already"):
            complete_check_in(check_in_id=self.check_in.pk, answers={"phq9": [0] * 9})

    def test_item_9_above_zero_shows_988_marks_urgent_and_alerts_on_call_without_detail(self):
        data = self.full_answers(item9=PHQ9_URGENT[8])
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url, data, follow=True)
        page = response.content.decode()
        assert re.search(r'id="crisis-panel" role="alert" aria-labelledby="crisis-title">', page)
        assert Measurement.objects.get().urgent
        [alert] = mail.outbox
        assert alert.to == ["oncall@example.org"]
        assert f"/admin/care/patients/{self.patient.pk}/progress/" in alert.body
        for detail in ("PHQ", "GAD", "item", "score", "total", self.patient.full_name):
            assert detail not in alert.body
        self.check_in.refresh_from_db()
        assert self.check_in.alert_sent_at is not None

    def test_a_form_sent_back_with_item_9_above_zero_shows_the_crisis_panel_at_once(self):
        data = self.full_answers(item9=2)
        del data["gad7_1"]
        page = self.client.post(self.url, data).content.decode()
        assert re.search(r'id="crisis-panel" role="alert" aria-labelledby="crisis-title">', page)

    def test_an_expired_link_says_so_and_takes_no_answers(self):
        CheckIn.objects.filter(pk=self.check_in.pk).update(
            expires_at=timezone.now() - datetime.timedelta(minutes=1)
        )
        response = self.client.post(self.url, self.full_answers())
        assert response.status_code == 410
        assert "expired" in response.content.decode()
        assert not Measurement.objects.exists()

    def test_the_e_mailed_link_opens_the_check_in_at_an_address_without_it(self):
        link = check_in_path(self.check_in)
        token = link.strip("/").split("/")[-1]
        assert self.url == f"/check-in/mine/{self.check_in.pk}/"
        page = self.client.get(self.url).content.decode()
        assert q.PHQ9_ITEMS[0] in page
        assert token not in page

    def test_the_address_without_the_link_opens_nothing_in_another_browser(self):
        stranger = Client()
        response = stranger.get(self.url)
        assert response.status_code == 404
        assert "This link does not work" in response.content.decode()
        assert q.PHQ9_ITEMS[0] not in response.content.decode()
        assert stranger.post(self.url, self.full_answers()).status_code == 404
        assert not Measurement.objects.exists()

    def test_the_link_opened_again_elsewhere_after_answering_only_thanks(self):
        self.client.post(self.url, self.full_answers())
        other = Client()
        again = other.get(open_check_in(other, self.check_in)).content.decode()
        assert "we received your check-in" in again
        assert q.PHQ9_ITEMS[0] not in again

    def test_a_changed_or_borrowed_link_does_not_open(self):
        for token in ("nonsense", sign(self.check_in.pk, salt=APPOINTMENT_SALT)):
            response = self.client.get(f"/check-in/{token}/")
            assert response.status_code == 404
            assert "This link does not work" in response.content.decode()


class SendCheckInsCommandTests(TestCase):
    def test_the_command_makes_what_is_due_and_says_how_many(self):
        treatment = Treatment()
        plan = make_plan(series=treatment.series)
        treatment.visit(timezone.now() + datetime.timedelta(hours=5))
        output = io.StringIO()
        call_command("send_check_ins", stdout=output)
        assert output.getvalue().strip() == "Check-ins made: 1."
        assert CheckIn.objects.get().patient == plan.patient


class CheckInMeasuresTests(TestCase):
    """CLINICAL.md: the PCL-5 judged at the clinic's cut-off in check-ins too; the 0-10 pain
    score for chronic pain; the GAD-7 with its published difficulty question."""

    @classmethod
    def setUpTestData(cls):
        cls.patient = make_patient(email="c@example.org", conditions=["ptsd", "chronic_pain"])
        IntakeSettings.objects.create(pcl5_cutoff=31)

    def send(self, measures, data) -> Measurement:
        check_in = make_check_in(self.patient, key=f"k-{len(measures)}", measures=measures)
        response = self.client.post(open_check_in(self.client, check_in), data)
        assert response.status_code == 302, response.content.decode()
        return Measurement.objects.get()

    def pcl5_totalling(self, total: int) -> dict:
        values = [min(4, max(0, total - 4 * n)) for n in range(20)]
        return {f"pcl5_{n}": str(v) for n, v in enumerate(values, 1)}

    def test_the_pcl5_uses_the_clinics_cutoff_not_always_33(self):
        data = {**answers("phq9", 9), **self.pcl5_totalling(31)}
        measurement = self.send(["phq9", "pcl5"], data)
        assert measurement.total("pcl5") == 31
        assert measurement.scores["pcl5"]["band"] == "provisional PTSD"
        assert measurement.scores["pcl5"]["cutoff"] == 31

    def test_one_point_below_the_clinics_cutoff_is_below_it(self):
        data = {**answers("phq9", 9), **self.pcl5_totalling(30)}
        assert self.send(["phq9", "pcl5"], data).scores["pcl5"]["band"] == "below cut-off"

    def test_the_pain_score_is_asked_in_the_published_words_and_stored(self):
        check_in = make_check_in(self.patient, key="pain", measures=["phq9", "pain"])
        url = open_check_in(self.client, check_in)
        page = self.client.get(url).content.decode()
        assert q.PAIN_QUESTION in page
        response = self.client.post(url, answers("phq9", 9))
        assert "Please rate your pain from 0 to 10." in response.content.decode()
        self.client.post(url, {**answers("phq9", 9), "pain": "7"})
        assert Measurement.objects.get().total("pain") == 7

    def test_the_gad7_ends_with_its_published_difficulty_question(self):
        check_in = make_check_in(self.patient, key="gad", measures=["phq9", "gad7"])
        url = open_check_in(self.client, check_in)
        page = self.client.get(url).content.decode()
        wording = (
            "If you checked off any problems, how difficult have these problems made it for "
            "you to do your work, take care of things at home, or get along with other people?"
        )
        assert page.count(wording) == 2  # after the PHQ-9 and after the GAD-7
        for option in (
            "Not difficult at all",
            "Somewhat difficult",
            "Very difficult",
            "Extremely difficult",
        ):
            assert option in page
        data = {**answers("phq9", 9), **answers("gad7", 7), "gad7_difficulty": "2"}
        self.client.post(url, data)
        assert Measurement.objects.get().scores["gad7"]["difficulty"] == 2
