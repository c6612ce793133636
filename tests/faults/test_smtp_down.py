"""The mail server is down while a comment, a booking, a questionnaire and a check-in are sent
through their public pages: all are stored, their e-mails wait in the outboxes, and when a real
SMTP server answers again the retries deliver each e-mail exactly once, with no health
information in any of them."""

import datetime
from unittest import mock

from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from drills.smtp import SMTPServer, text_of
from drills.smtp_down import HEALTH_WORDS, waiting
from klearmind.booking.models import Appointment
from klearmind.booking.tests.factories import make_clinic
from klearmind.care.check_ins.services import check_in_path
from klearmind.care.models import Measurement
from klearmind.care.tests.factories import make_patient
from klearmind.care.tests.outcome_factories import make_check_in
from klearmind.clinic.models import ClinicSettings
from klearmind.comments.models import Comment, CommentSettings
from klearmind.comments.tests.factories import article_site
from klearmind.intake.models import Submission
from klearmind.intake.tests.factories import MEDICATION, TREATMENTS, step_answers, walk
from klearmind.outbox.models import OutgoingMessage
from klearmind.outbox.tasks import deliver

SMTP = SMTPServer()
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
COMMENT = "Does the drip help with a long flight?"
HEALTH_DETAILS = (*HEALTH_WORDS, MEDICATION, TREATMENTS, COMMENT)


def hidden_fields(response, selector: str) -> dict[str, list[str]]:
    form = BeautifulSoup(response.content, "html.parser").select_one(selector)
    fields: dict[str, list[str]] = {}
    for field in form.select("input[type=hidden]"):
        fields.setdefault(field["name"], []).append(field.get("value", ""))
    return fields


@override_settings(TASKS=DATABASE_TASKS, **SMTP.settings())
class SMTPDownTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = article_site()
        get_user_model().objects.create_superuser("moderator", "moderator@example.org", "x")
        CommentSettings.objects.update(time_trap_seconds=0)
        cls.clinic = make_clinic(chairs=1)
        ClinicSettings.load()  # the one row, made before it is changed
        ClinicSettings.objects.update(on_call_email="oncall@example.org")
        cls.check_in = make_check_in(make_patient(), measures=["phq9"])

    def setUp(self):
        self.addCleanup(SMTP.stop)
        SMTP.messages.clear()

    def submit(self, method, *args, **kwargs):
        with self.captureOnCommitCallbacks(execute=True):
            return method(*args, **kwargs)

    def post_comment(self):
        browser = Client(enforce_csrf_checks=True)
        fields = hidden_fields(browser.get(self.article.url), "form.comment-form")
        # The page may come from the cache, so its form carries no token: fetch one as
        # comments.js does.
        token = browser.get(reverse("comments:token")).json()["csrfToken"]
        data = {
            **fields,
            "csrfmiddlewaretoken": token,
            "text": COMMENT,
            "author_name": "Ana Ruiz",
            "author_email": "ana@example.org",
            "author_url": "",
        }
        response = self.submit(browser.post, f"/comments/post/{self.article.pk}/", data)
        assert response.status_code == 302, response.content[:2000]

    def book_visit(self):
        browser = Client(enforce_csrf_checks=True)
        day = timezone.localdate() + datetime.timedelta(days=7)
        start = self.clinic.at(day, 10).isoformat()
        url = f"/book/{self.clinic.service.slug}/{self.clinic.place.key}/details/"
        page = browser.get(url, {"start": start})
        token = hidden_fields(page, "form")["csrfmiddlewaretoken"][0]
        details = {"name": "Dana Reyes", "email": "dana@example.org", "phone": "(916) 555-0199"}
        review = browser.post(url, {"csrfmiddlewaretoken": token, "start": start, **details})
        data = {**hidden_fields(review, "form.booking-confirm"), "confirm": "1"}
        response = self.submit(browser.post, url, data)
        assert "/book/my-visit/" in response["Location"]

    def send_questionnaire(self):
        answers = step_answers(phq9=(1, 1, 1, 1, 1, 1, 1, 1, 1))  # item 9: urgent
        response = self.submit(walk, Client(enforce_csrf_checks=True), answers)
        assert response["Location"] == "/candidacy/thank-you/"

    def complete_check_in(self):
        browser = Client(enforce_csrf_checks=True)
        url = browser.get(check_in_path(self.check_in))["Location"]
        token = hidden_fields(browser.get(url), "form")["csrfmiddlewaretoken"][0]
        answers = {f"phq9_{n}": "1" for n in range(1, 10)}
        response = self.submit(browser.post, url, {**answers, "csrfmiddlewaretoken": token})
        assert response.status_code == 302

    def run_worker(self):
        """The real database worker, in batch mode, in this test's transaction."""
        worker = Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="drill",
            excluded_queue_names=[],
        )
        # It would close the test's connection between tasks.
        with (
            mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"),
            self.captureOnCommitCallbacks(execute=True),
        ):
            worker.run()

    def test_everything_sent_while_smtp_is_down_is_kept_and_mailed_once_when_it_returns(self):
        self.post_comment()
        self.book_visit()
        self.send_questionnaire()
        self.complete_check_in()
        self.run_worker()  # every send is refused: nothing out, a retry scheduled for each

        assert Comment.objects.get().text == COMMENT
        assert Appointment.objects.get().patient_name == "Dana Reyes"
        assert Submission.objects.get().urgent
        assert Measurement.objects.get().urgent
        queued = waiting()
        assert queued == 5  # moderator, booking, candidate, on-call (questionnaire, check-in)
        assert SMTP.messages == []
        # The class name alone is kept: an SMTP error's text may quote the address.
        assert set(OutgoingMessage.objects.values_list("error_type", flat=True)) == {
            "ConnectionRefusedError"
        }
        retries = DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, task_path=deliver.module_path
        )
        assert retries.count() == queued
        assert all(retry.run_after > timezone.now() for retry in retries)  # backing off

        SMTP.start()
        retries.update(run_after=timezone.now())  # as if the back-off had passed
        self.run_worker()
        assert waiting() == 0
        assert len(SMTP.messages) == queued

        # A second copy of every delivery task (a requeued or duplicated task) sends nothing more.
        for message in OutgoingMessage.objects.all():
            self.submit(deliver.enqueue, message_id=message.pk)
        self.run_worker()
        assert len(SMTP.messages) == queued

        recipients = sorted(message["To"] for message in SMTP.messages)
        assert recipients.count("oncall@example.org") == 2
        assert "moderator@example.org" in recipients
        assert {"dana@example.org", "avery.quinlan@example.org"} <= set(recipients)
        [booking] = [m for m in SMTP.messages if m["To"] == "dana@example.org"]
        assert "BEGIN:VCALENDAR" in text_of(booking)
        for message in SMTP.messages:
            for detail in HEALTH_DETAILS:
                assert detail not in text_of(message), (message["Subject"], detail)
