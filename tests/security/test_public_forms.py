"""Every public form, sent each hostile payload in every field at once."""

from django.urls import reverse

from klearmind.audit.models import AuditEvent
from klearmind.care.models import CheckIn
from klearmind.care.tests.outcome_factories import open_check_in
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
from .payloads import LARGE, MEGABYTE, PAYLOADS, QUERY_PAYLOADS

NEXT = ("action", "next")
SUBMISSION_WRITES = {
    "intake.Submission": 1,
    "intake.Draft": -1,
    "intake.StatusChange": 1,
    "intake.OutgoingEmail": 1,
    "audit.AuditEvent": None,
}
BOOKING_WRITES = {
    "booking.Appointment": 1,
    "booking.BookingRequest": 1,
    "booking.BookingEmail": 1,
    "audit.AuditEvent": None,
}
COMMENT_WRITES = {
    "comments.Comment": 1,
    "comments.CommentStatusChange": None,
    "comments.Notification": None,
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

    def test_the_contact_form_survives_every_payload(self):
        url = ContactPage.objects.get().url
        writes = {"wagtailforms.FormSubmission": 1}
        outcomes = self.throw(self.reader, url, "form.form", [*PAYLOADS, LARGE], expected=writes)
        assert any(o.writes for o in outcomes), "hostile text that is valid is stored"

    def test_every_step_of_the_questionnaire_survives_every_payload(self):
        url, steps_seen = reverse("intake:step", args=["about"]), []
        while url != "/candidacy/step/finish/":
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
