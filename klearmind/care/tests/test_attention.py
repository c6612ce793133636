"""Needs attention (CLINICAL.md, suicide risk): every open flag on one list, oldest first,
closed only by a clinician's review with a note, kept for good; banners on the patient's
record, charts and visit; what each role may open."""

import datetime
from decimal import Decimal
from unittest import mock

from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.audit.models import AuditEvent
from klearmind.booking.models import ServiceKind
from klearmind.booking.tests.factories import make_clinic, make_location
from klearmind.care.attention import services as attention
from klearmind.care.attention.models import AppendOnlyReviewError
from klearmind.care.attention.services import open_flags, review_flag
from klearmind.care.models import (
    AttentionReview,
    ChartAlert,
    CheckIn,
    CheckInReason,
    Container,
    Measurement,
    MeasurementSource,
)
from klearmind.care.register.services import record_count, review_discrepancy
from klearmind.comments.models import CommentStatus
from klearmind.comments.tests.factories import CommentFactory, article_site
from klearmind.intake import services as intake_services
from klearmind.intake.models import Draft
from klearmind.intake.tests.factories import cleaned, csrf_token, step_answers, submission_with
from klearmind.outbox.models import OutgoingMessage, Status
from klearmind.outbox.services import enqueue

from .chart_factories import make_chart, vital
from .factories import PATIENT_NAME, make_patient
from .register_factories import receive
from .test_chart_views import visit

LIST = "/admin/care/attention/"


def urgent_draft(*, item9=3) -> Draft:
    """A draft whose PHQ-9 was saved with item 9 = `item9`, never sent."""
    answers = cleaned(step_answers(phq9=(1, 1, 1, 1, 1, 1, 1, 1, item9)))
    draft, _ = intake_services.start_draft(about=answers.pop("about"))
    for slug in ("conditions", "medications", "history", "phq9"):
        intake_services.save_step(draft=draft, step=slug, data=answers[slug], next_step=slug)
    return draft


def urgent_measurement(patient, *, source=MeasurementSource.CHECK_IN, days_ago=0) -> Measurement:
    return Measurement.objects.create(
        patient=patient,
        source=source,
        taken_at=timezone.now() - datetime.timedelta(days=days_ago),
        scores={"phq9": {"total": 12, "band": "moderate", "items": [1] * 8 + [2]}},
        urgent=True,
    )


class AttentionListTests(TestCase):
    def setUp(self):
        self.clinician = staff("Clinician", first_name="Ines", last_name="Park")
        self.client = Client(enforce_csrf_checks=True)
        sign_in(self.client, self.clinician)

    def test_every_source_is_listed_oldest_first(self):
        patient = make_patient()
        check_in = urgent_measurement(patient, days_ago=1)
        paper = urgent_measurement(patient, source=MeasurementSource.CLINIC, days_ago=1)
        comment = CommentFactory(page=article_site(), urgent=True, text="I want to die")
        CommentFactory(page=comment.page, urgent=True, status=CommentStatus.SPAM, text="spam")
        submission = submission_with(phq9=(1, 1, 1, 1, 1, 1, 1, 1, 2), email="sub@example.org")
        draft = urgent_draft()
        chart = make_chart(spravato=True, day=timezone.localdate() - datetime.timedelta(days=10))
        flags = open_flags()
        keys = [(flag.source, flag.object_id) for flag in flags]
        assert set(keys) == {
            ("check_in", str(check_in.pk)),
            ("paper", str(paper.pk)),
            ("comment", str(comment.pk)),
            ("questionnaire", str(submission.pk)),
            ("draft", str(draft.pk)),
            ("rems", str(chart.rems.pk)),
        }
        assert [flag.raised_at for flag in flags] == sorted(flag.raised_at for flag in flags)
        assert keys[0] == ("rems", str(chart.rems.pk))  # overdue since 2 days after due
        page = self.client.get(LIST).content.decode()
        assert "Questionnaire not sent — urgent" in page
        assert "Public comment with crisis language" in page
        assert "Spravato REMS form overdue" in page
        assert page.index("Spravato REMS form overdue") < page.index("Check-in: PHQ-9")

    def test_the_flags_take_the_same_queries_however_many_there_are(self):
        # The menu counts them on every back-office page.
        article = article_site()

        def one_of_each():
            patient = make_patient()
            urgent_measurement(patient, days_ago=1)
            urgent_measurement(patient, source=MeasurementSource.CLINIC, days_ago=1)
            CommentFactory(page=article, urgent=True, text="I want to die")
            submission_with(phq9=(1, 1, 1, 1, 1, 1, 1, 1, 2))
            urgent_draft()
            make_chart(spravato=True, day=timezone.localdate() - datetime.timedelta(days=10))

        one_of_each()
        with CaptureQueriesContext(connection) as few:
            assert len(open_flags()) == 6
        for _ in range(3):
            one_of_each()
        flag = open_flags()[0]
        review_flag(flag=flag, note="Called back, safe.", by=self.clinician)
        with self.assertNumQueries(len(few)):
            flags = open_flags()
        assert len(flags) == 23
        assert (flag.source, flag.object_id) not in {(f.source, f.object_id) for f in flags}

    def test_a_review_closes_the_flag_of_its_own_source_only(self):
        patient = make_patient()
        check_in = urgent_measurement(patient, days_ago=1)
        paper = urgent_measurement(patient, source=MeasurementSource.CLINIC, days_ago=1)
        AttentionReview.objects.create(
            source="paper",
            object_id=str(check_in.pk),
            flag_raised_at=check_in.taken_at,
            note="another source's flag with the same id",
            reviewed_by=self.clinician,
        )
        keys = {(flag.source, flag.object_id) for flag in open_flags()}
        assert ("check_in", str(check_in.pk)) in keys
        assert ("paper", str(paper.pk)) in keys

    def test_the_list_and_the_menu_count_open_flags_and_the_view_is_audited(self):
        urgent_draft()
        page = self.client.get(LIST).content.decode()
        assert "1 open flag, oldest first" in page
        assert "Needs attention (1)" in self.client.get("/admin/").content.decode()
        event = AuditEvent.objects.filter(action="view", target_type="care.attention").get()
        assert event.detail.startswith("needs attention: draft ")

    def test_a_review_without_a_note_is_refused_and_the_flag_stays_open(self):
        draft = urgent_draft()
        url = f"{LIST}draft/{draft.pk}/review/"
        token = csrf_token(self.client.get(url))
        response = self.client.post(url, {"note": "   ", "csrfmiddlewaretoken": token})
        assert response.status_code == 400
        assert (
            "Write what was done: a flag is closed only with a note." in response.content.decode()
        )
        assert not AttentionReview.objects.exists()
        assert [flag.source for flag in open_flags()] == ["draft"]
        flag = open_flags()[0]
        with self.assertRaises(ValidationError):
            review_flag(flag=flag, note="", by=self.clinician)

    def test_a_review_with_a_note_closes_the_flag_records_who_when_what_and_is_kept(self):
        draft = urgent_draft()
        url = f"{LIST}draft/{draft.pk}/review/"
        token = csrf_token(self.client.get(url))
        note = "Called the candidate at 14:10; safety plan agreed, consultation tomorrow."
        response = self.client.post(url, {"note": note, "csrfmiddlewaretoken": token})
        assert response["Location"] == LIST
        review = AttentionReview.objects.get()
        assert (review.source, review.object_id, review.note) == ("draft", str(draft.pk), note)
        assert review.reviewed_by == self.clinician and review.reviewed_at is not None
        draft.refresh_from_db()
        assert draft.reviewed_by == self.clinician
        assert open_flags() == []
        assert AuditEvent.objects.filter(action="create", target_id=str(review.pk)).exists()
        history = self.client.get(f"{LIST}history/").content.decode()
        assert note in history and "Ines Park" in history
        again = self.client.post(url, {"note": note, "csrfmiddlewaretoken": token}, follow=True)
        assert "reviewed already" in again.content.decode()
        assert AttentionReview.objects.count() == 1

    def test_reviews_are_append_only(self):
        urgent_draft()
        review = review_flag(flag=open_flags()[0], note="Called.", by=self.clinician)
        review.note = "Changed"
        with self.assertRaises(AppendOnlyReviewError):
            review.save()
        with self.assertRaises(AppendOnlyReviewError):
            review.delete()
        with self.assertRaises(AppendOnlyReviewError):
            AttentionReview.objects.all().delete()
        with self.assertRaises(AppendOnlyReviewError):
            AttentionReview.objects.update(note="x")

    def test_item_9_changed_back_stays_on_the_list_until_reviewed(self):
        draft = urgent_draft(item9=3)
        answers = cleaned(step_answers(phq9=(1,) * 8 + (0,)))
        intake_services.save_step(draft=draft, step="phq9", data=answers["phq9"], next_step="x")
        draft.refresh_from_db()
        assert [entry["answer"] for entry in draft.item9_history] == [3, 0]
        assert draft.urgent
        assert [flag.source for flag in open_flags()] == ["draft"]
        form = self.client.get(f"{LIST}draft/{draft.pk}/review/").content.decode()
        assert "3 (Nearly every day), saved" in form  # both answers, in the candidate's words
        assert "0 (Not at all), saved" in form
        review_flag(flag=open_flags()[0], note="Spoke with them; safe.", by=self.clinician)
        assert open_flags() == []

    def test_a_failed_on_call_e_mail_is_shown(self):
        draft = urgent_draft()
        OutgoingMessage.objects.about("intake.draft", draft.pk).filter(
            kind="intake.urgent_dft"
        ).update(status=Status.FAILED, attempts=8, error_type="SMTPServerDisconnected")
        patient = make_patient()
        measurement = urgent_measurement(patient)
        CheckIn.objects.create(
            patient=patient,
            reason=CheckInReason.WEEKLY,
            key="k1",
            measurement=measurement,
            completed_at=measurement.taken_at,
            alert_attempts=8,
        )
        page = self.client.get(LIST).content.decode()
        assert "2 on-call e-mails failed" in page
        assert page.count("E-mail failed") == 2
        assert all(flag.email_failed for flag in open_flags())

    def test_a_draft_e_mail_that_failed_still_shows_once_the_questionnaire_is_sent(self):
        draft = urgent_draft()
        OutgoingMessage.objects.about("intake.draft", draft.pk).update(
            status=Status.FAILED, attempts=8
        )
        answers = cleaned(step_answers(phq9=(1,) * 8 + (2,)))
        for slug in ("gad7", "pcl5", "pain", "finish"):
            draft.save_step(step=slug, data=answers[slug], next_step=slug)
        submission = intake_services.submit_draft(draft=draft, notify=False)
        [flag] = open_flags()
        assert (flag.source, flag.object_id) == ("questionnaire", str(submission.pk))
        assert flag.email_failed
        assert flag.raised_at == draft.urgent_since

    def test_an_e_mail_still_being_retried_is_not_shown_as_failed(self):
        draft = urgent_draft()
        OutgoingMessage.objects.about("intake.draft", draft.pk).update(attempts=7)
        assert not open_flags()[0].email_failed
        assert "E-mail failed" not in self.client.get(LIST).content.decode()

    def test_a_failed_crisis_e_mail_of_a_comment_is_shown(self):
        comment = CommentFactory(page=article_site(), urgent=True, text="I can't go on")
        enqueue(kind="comments.urgent", recipient="m@example.org", about=comment, once=True)
        OutgoingMessage.objects.update(status=Status.FAILED, attempts=8)
        assert open_flags()[0].email_failed

    def test_a_reviewed_questionnaire_marks_its_baseline_score_reviewed(self):
        submission = submission_with(phq9=(1,) * 8 + (2,))
        patient = make_patient(submission=submission, email="base@example.org")
        baseline = urgent_measurement(patient, source=MeasurementSource.INTAKE)
        flag = open_flags()[0]
        assert (flag.source, flag.object_id) == ("questionnaire", str(submission.pk))
        assert flag.patient_id == patient.pk
        review_flag(flag=flag, note="Reviewed at the consultation.", by=self.clinician)
        baseline.refresh_from_db()
        assert baseline.reviewed_by == self.clinician

    def test_a_new_source_plugs_in_with_one_function(self):
        moment = timezone.now() - datetime.timedelta(days=400)

        def register_counts(patient):
            return [attention.Flag("register_count", "7", moment, "Register count", "Someone", "/")]

        attention.SOURCES["register_count"] = register_counts
        try:
            flags = open_flags()
            assert (flags[0].source, flags[0].title) == ("register_count", "Register count")
            review_flag(flag=flags[0], note="Acknowledged at the chair.", by=self.clinician)
            assert open_flags() == []
        finally:
            del attention.SOURCES["register_count"]


class ChartAlertFlagTests(TestCase):
    """An alert no clinician has acknowledged is on the list (CLINICAL.md: every unacknowledged
    alert); reviewed there, it is acknowledged on its chart with the same note."""

    def setUp(self):
        self.clinician = staff("Clinician")
        self.chart = make_chart()
        vital(self.chart, timezone.now() - datetime.timedelta(minutes=5), diastolic=121)
        self.alert = ChartAlert.objects.get()

    def test_an_unacknowledged_alert_is_listed_with_its_patient_and_time(self):
        [flag] = open_flags()
        assert flag.source == "chart_alert"
        assert flag.title == f"Chart alert not acknowledged: {self.alert.text}"
        assert "121" in flag.title
        assert flag.raised_at == self.alert.raised_at
        assert flag.patient_id == self.chart.patient_id
        assert flag.url.endswith(f"/charts/{self.chart.pk}/#acknowledge")
        assert open_flags(patient=self.chart.patient) == [flag]

    def test_a_review_on_the_list_acknowledges_the_alert_with_its_note(self):
        review_flag(flag=open_flags()[0], note="Rate halved; 138/88 after.", by=self.clinician)
        self.alert.refresh_from_db()
        assert self.alert.acknowledged_by == self.clinician
        assert self.alert.note == "Rate halved; 138/88 after."
        assert open_flags() == []

    def test_an_alert_acknowledged_at_the_chair_leaves_the_list(self):
        self.alert.acknowledge(by=self.clinician, note="Rechecked: 132/84.")
        assert open_flags() == []
        assert not AttentionReview.objects.exists()


class RegisterDiscrepancyFlagTests(TestCase):
    """A count's difference not yet reviewed is on the list (CLINICAL.md: discrepancies
    reported); it closes on the register, by someone other than the person who counted."""

    def setUp(self):
        self.nurse = staff("Clinician", username="nurse")
        self.owner = staff("Owner", username="owner")
        receipt = receive(make_location("count-store"), by=self.nurse, quantity=1)
        vial = Container.objects.get(receipt=receipt)
        count = record_count(
            location=receipt.location,
            by=self.nurse,
            counted={vial.pk: (Decimal("495"), "Residue in the syringe hub")},
        )
        self.line = count.lines.get()

    def test_an_open_difference_is_listed_and_sends_the_reviewer_to_the_count(self):
        [flag] = open_flags()
        assert flag.source == "register"
        assert flag.title.endswith("5.00 mg short of the register")
        assert flag.review_url == f"/admin/care/register/counts/{self.line.count_id}/"
        assert open_flags(patient=make_patient()) == []  # a vial is no patient's

    def test_it_is_not_closed_on_the_list_but_by_the_second_persons_review(self):
        with self.assertRaises(ValidationError) as refused:
            review_flag(flag=open_flags()[0], note="Seen.", by=self.owner)
        assert refused.exception.code == "review_on_the_register"
        assert not AttentionReview.objects.exists()
        review_discrepancy(line=self.line, by=self.owner, reason="", adjust=True)
        assert open_flags() == []


class BannerTests(TestCase):
    def setUp(self):
        self.clinician = staff("Clinician")
        sign_in(self.client, self.clinician)

    def test_an_open_flag_shows_on_the_record_every_chart_and_todays_visit(self):
        chart = make_chart()
        patient = chart.patient
        urgent_measurement(patient)
        for url in (
            f"/admin/care/patients/{patient.pk}/",
            f"/admin/care/charts/{chart.pk}/",
            f"/admin/care/patients/{patient.pk}/progress/",
        ):
            page = self.client.get(url).content.decode()
            assert "Needs attention</strong> 1 open flag for this patient" in page, url
        review_flag(flag=open_flags()[0], note="Called.", by=self.clinician)
        page = self.client.get(f"/admin/care/patients/{patient.pk}/").content.decode()
        assert "open flag for this patient" not in page

    def test_the_menu_count_and_the_banner_gather_the_flags_once_per_page(self):
        chart = make_chart()
        urgent_measurement(chart.patient)
        gathered = []
        real = attention.open_flags

        def counting(**kwargs):
            gathered.append(kwargs)
            return real(**kwargs)

        with mock.patch.object(attention, "open_flags", counting):
            page = self.client.get(f"/admin/care/patients/{chart.patient.pk}/").content.decode()
        assert "Needs attention (1)" in page
        assert "Needs attention</strong> 1 open flag for this patient" in page
        assert gathered == [{}]

    def test_todays_visit_carries_the_banner(self):
        clinic = make_clinic(slug="midtown", kind=ServiceKind.KETAMINE)
        patient = make_patient()
        visit(clinic, clinic.service)
        urgent_measurement(patient)
        page = self.client.get("/admin/care/today/").content.decode()
        assert PATIENT_NAME in page
        assert "Needs attention</strong> 1 open flag for this patient" in page


class AttentionAccessTests(TestCase):
    def test_front_desk_and_editors_get_403_and_the_refusal_is_audited(self):
        draft = urgent_draft()
        for role in ("Front desk", "Editor"):
            person = staff(role)
            client = Client()
            sign_in(client, person)
            for url in (LIST, f"{LIST}history/", f"{LIST}draft/{draft.pk}/review/"):
                response = client.get(url)
                assert response.status_code == 403, (role, url)
                assert b"(916) 555-0187" not in response.content
            refusals = AuditEvent.objects.filter(action="permission_denied", actor=person)
            assert refusals.count() == 3
        assert "Needs attention" not in client.get("/admin/").content.decode()
