"""Every public form, sent each hostile payload in every field at once."""

from django.db import connection
from django.urls import reverse

from klearmind.audit.models import AuditEvent
from klearmind.care.models import CheckIn
from klearmind.care.tests.outcome_factories import open_check_in
from klearmind.comments.models import CommentSettings
from klearmind.enquiries.models import Enquiry
from klearmind.pages.models import ArticlePage, ContactPage

from .booking_walk import walk_to_booking_details
from .harness import (
    FormTestMixin,
    HostileInputTestCase,
    assert_whole,
    careful_body,
    form_fields,
    unescaped_reflections,
)
from .payloads import LARGE, MARKUP_PAYLOAD, MEGABYTE, PAYLOADS, QUERY_PAYLOADS

NEXT = ("action", "next")
SUBMISSION_WRITES = {
    "intake.Submission": 1,
    "intake.Draft": -1,
    "intake.StatusChange": 1,
    "outbox.OutgoingMessage": None,
    "audit.AuditEvent": None,
}
BOOKING_WRITES = {
    "booking.Appointment": 1,
    "booking.BookingRequest": 1,
    "outbox.OutgoingMessage": 1,
    "audit.AuditEvent": None,
}
ENQUIRY_WRITES = {"enquiries.Enquiry": 1, "outbox.OutgoingMessage": 1}
COMMENT_WRITES = {
    "comments.Comment": 1,
    "comments.CommentStatusChange": None,
    "outbox.OutgoingMessage": None,
}


class PublicFormTests(FormTestMixin, HostileInputTestCase):
    def test_the_comment_form_survives_every_payload(self):
        article = ArticlePage.objects.live().first()
        outcomes = self.throw(
            self.reader,
            article.url,
            "form.comment-form",
            [*PAYLOADS, LARGE],
            expected=COMMENT_WRITES,
        )
        assert any(o.writes for o in outcomes), "hostile text that is valid is stored"

    def test_the_contact_form_survives_every_payload_and_stores_only_ciphertext(self):
        url = ContactPage.objects.get().url
        before = set(Enquiry.objects.values_list("pk", flat=True))
        outcomes = self.throw(
            self.reader, url, "form.form", [*PAYLOADS, LARGE], expected=ENQUIRY_WRITES
        )
        assert any(o.writes for o in outcomes), "hostile text that is valid is stored"
        (stored,) = Enquiry.objects.exclude(pk__in=before)
        assert stored.message.startswith(MARKUP_PAYLOAD.text[:20])
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, email, message FROM enquiries_enquiry WHERE id = %s", [stored.pk]
            )
            columns = cursor.fetchone()
        assert all(column.startswith("gAAAA") for column in columns), columns
        assert not any("<script>" in column or "@" in column for column in columns)

    def test_the_contact_form_stores_nothing_from_robots(self):
        url = ContactPage.objects.get().url
        form = self.form_on(self.reader, url, "form.form")
        fields = form_fields(form)
        trapped = self.send(self.reader, url, careful_body(fields, values={"homepage": "x"}))
        comment_settings = CommentSettings.load()
        comment_settings.time_trap_seconds = 60
        comment_settings.save()
        too_fast = self.send(self.reader, url, careful_body(fields))
        for outcome in (trapped, too_fast):
            assert outcome.response["Location"] == url + "?sent=1"
            assert outcome.writes == {}

    def test_every_step_of_the_questionnaire_survives_every_payload(self):
        url, steps_seen = reverse("intake:step", args=[1]), []
        while b"Send my questionnaire" not in self.reader.get(url).content:
            steps_seen.append(url)
            payloads = [*PAYLOADS, LARGE] if len(steps_seen) == 1 else PAYLOADS
            self.throw(self.reader, url, "form.intake-form", payloads, button=NEXT)
            url = self.send_carefully(self.reader, url, "form.intake-form", button=NEXT).response[
                "Location"
            ]
        *_, submitted = self.throw(
            self.reader,
            url,
            "form.intake-form",
            PAYLOADS,
            button=NEXT,
            last=True,
            expected=SUBMISSION_WRITES,
        )
        assert submitted.response["Location"] == reverse("intake:thanks")
        assert len(steps_seen) >= 5, steps_seen

    def test_the_booking_details_and_confirmation_survive_every_payload(self):
        details = walk_to_booking_details(self.reader)
        self.throw(self.reader, details, "form.form", [*PAYLOADS, LARGE])
        confirm = ("confirm", "1")
        self.throw(
            self.reader,
            details,
            "form.booking-confirm",
            PAYLOADS,
            button=confirm,
            hidden=True,
            keep={"start"},
            page=lambda: self.send_carefully(self.reader, details, "form.form").response,
            expected=BOOKING_WRITES,
        )
        review = self.send_carefully(self.reader, details, "form.form").response
        form = self.form_in(review, "form.booking-confirm", details)
        booked = self.send(self.reader, details, careful_body(form_fields(form), button=confirm))
        assert_whole(booked.writes, BOOKING_WRITES, "a careful booking")
        manage = booked.final.request["PATH_INFO"]
        self.throw(self.reader, manage + "cancel/", "form[method=post]", PAYLOADS, last=True)

    def test_the_check_in_questionnaire_survives_every_payload(self):
        check_in = CheckIn.objects.filter(completed_at=None).first()
        url = open_check_in(self.reader, check_in)
        self.throw(self.reader, url, "form.intake-form", PAYLOADS, last=True)

    def test_staff_sign_in_survives_every_payload(self):
        outcomes = self.throw(
            self.reader, reverse("wagtailadmin_login"), "form.login-form", [*PAYLOADS, LARGE]
        )
        assert all(not o.writes.get("accounts.StaffProfile") for o in outcomes)

    def test_the_two_factor_forms_survive_every_payload(self):
        self.reader.force_login(self.owner)
        url = reverse("accounts:two_factor_verify")
        before = set(AuditEvent.objects.values_list("action", flat=True))
        self.throw(
            self.reader,
            url,
            "main form[method=post]",
            PAYLOADS,
            keep={"next"},
        )
        actions = set(AuditEvent.objects.values_list("action", flat=True))
        assert actions <= {AuditEvent.Action.FAILED_LOGIN, *before}, actions

    def test_search_and_booking_queries_survive_hostile_query_strings(self):
        details = walk_to_booking_details(self.reader).split("?")[0]
        for query in (*QUERY_PAYLOADS, "q=" + MEGABYTE[:100_000]):
            for path in ("/search/", reverse("booking:start"), details, "/candidacy/"):
                with self.subTest(path=path, query=query[:40]):
                    response = self.reader.get(f"{path}?{query}")
                    assert response.status_code < 500, (path, query, response.status_code)
                    assert not unescaped_reflections(response.content), (path, query)
