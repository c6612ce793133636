"""Tampered private links open nothing; a form sent twice acts once; the forms with no fields
of their own take hostile values in whatever they read."""

from urllib.parse import quote

from bs4 import BeautifulSoup
from django.urls import reverse

from klearmind.booking.links import appointment_token, invitation_token, visit_path
from klearmind.booking.models import Appointment, Invitation
from klearmind.booking.tests.factories import open_visit
from klearmind.care.check_ins.services import check_in_token
from klearmind.care.models import CheckIn, InfusionChart
from klearmind.comments.display import posted_token
from klearmind.comments.models import Comment, CommentStatusChange
from klearmind.intake.demo import CANDIDATES
from klearmind.intake.models import Submission
from klearmind.pages.models import ArticlePage

from .booking_walk import walk_to_booking_details
from .harness import (
    FormTestMixin,
    HostileInputTestCase,
    careful_body,
    encode,
    form_fields,
    row_counts,
)
from .payloads import PAYLOADS


def tampered(token: str) -> list[str]:
    """The ways a private link is altered: a changed or cut signature, markup, a null byte, a
    very long one; for an id and its signature, another id and one too large for a database."""
    last = "A" if token[-1] != "A" else "B"
    variants = [
        token[:-1] + last,
        token[: len(token) // 2],
        quote('"><script>alert(1)</script>', safe=""),
        "%00",
        "a" * 5000,
    ]
    key, _, signature = token.partition(":")
    if key.isdigit():
        variants += [f"{int(key) + 1}:{signature}", f"{'9' * 30}:{signature}"]
    return variants


class TamperedLinkTests(HostileInputTestCase):
    def assert_refused_plainly(self, url: str, *, method="get"):
        response = getattr(self.reader, method)(url, REMOTE_ADDR=self.next_address())
        assert response.status_code in (400, 404, 410) or response.status_code == 302, (
            url,
            response.status_code,
        )
        assert b"alert(1)</script>" not in response.content

    def test_a_tampered_booking_link_shows_no_visit_and_changes_none(self):
        visit = Appointment.objects.filter(status="booked").order_by("-starts_at").first()
        for token in tampered(appointment_token(visit)):
            with self.subTest(token=token[:40]):
                url = reverse("booking:visit_link", args=[token])
                self.assert_refused_plainly(url)
                self.assert_refused_plainly(url, method="post")
        for name in ("booking:appointment", "booking:cancel", "booking:reschedule"):
            with self.subTest(name=name):  # the tokenless address, in a browser never given it
                self.assert_refused_plainly(visit_path(visit, name))
                self.assert_refused_plainly(visit_path(visit, name), method="post")
        assert not self.reader.session.get("booking_visits")
        visit.refresh_from_db()
        assert visit.status == "booked"

    def test_a_tampered_check_in_link_opens_no_questionnaire(self):
        check_in = CheckIn.objects.filter(completed_at=None).first()
        for token in tampered(check_in_token(check_in)):
            with self.subTest(token=token[:40]):
                url = reverse("care:check_in_link", args=[token])
                self.assert_refused_plainly(url)
                self.assert_refused_plainly(url, method="post")
        self.assert_refused_plainly(reverse("care:check_in", args=[check_in.pk]), method="post")
        check_in.refresh_from_db()
        assert check_in.completed_at is None

    def test_a_tampered_invitation_unlocks_nothing(self):
        invitation = Invitation.objects.first()
        for token in tampered(invitation_token(invitation)):
            with self.subTest(token=token[:40]):
                self.assert_refused_plainly(reverse("booking:invitation_link", args=[token]))
                start = self.reader.get(reverse("booking:start"), {"invitation": token})
                assert start.status_code in (200, 400)
                assert token not in start.content.decode()
        assert self.reader.get(reverse("booking:invitation")).status_code == 404

    def test_a_tampered_unsubscribe_or_resume_link_changes_nothing(self):
        comment = Comment.objects.exclude(author_email="").first()
        before = row_counts()
        for token in tampered(comment.unsubscribe_token):
            with self.subTest(token=token[:40]):
                unsubscribe = reverse("comments:unsubscribe", args=[token])
                self.assert_refused_plainly(unsubscribe)
                self.assert_refused_plainly(unsubscribe, method="post")
                self.assert_refused_plainly(reverse("intake:resume", args=[token]))
        assert row_counts() == before
        comment.refresh_from_db()
        assert comment.notify is not None

    def test_a_tampered_posted_token_shows_no_ones_comment(self):
        article = ArticlePage.objects.live().first()
        comment = Comment.objects.filter(page=article).first() or Comment.objects.first()
        for token in tampered(posted_token(comment)):
            with self.subTest(token=token[:40]):
                response = self.reader.get(article.url, {"posted": token})
                assert response.status_code == 200
                soup = BeautifulSoup(response.content, "html.parser")
                assert soup.select_one("#comment-posted") is None


class ReplayTests(FormTestMixin, HostileInputTestCase):
    def test_a_comment_sent_twice_is_stored_once(self):
        article = ArticlePage.objects.live().first()
        form = self.form_on(self.reader, article.url, "form.comment-form")
        body = careful_body(form_fields(form), values={"text": "Thank you, that helped."})
        first = self.send(self.reader, form["action"], body)
        second = self.send(self.reader, form["action"], body)
        assert first.writes["comments.Comment"] == 1
        assert "comments.Comment" not in second.writes
        assert second.response.status_code < 500

    def test_the_questionnaire_sent_twice_is_stored_once(self):
        url, next_button = reverse("intake:step", args=[1]), ("action", "next")
        while b"Send my questionnaire" not in self.reader.get(url).content:
            url = self.send_carefully(self.reader, url, "form.intake-form", button=next_button)
            url = url.response["Location"]
        form = self.form_on(self.reader, url, "form.intake-form")
        body = careful_body(form_fields(form), button=next_button)
        first, second = self.send(self.reader, url, body), self.send(self.reader, url, body)
        assert first.writes["intake.Submission"] == 1
        assert "intake.Submission" not in second.writes
        assert second.response.status_code == 302
        assert second.final.status_code == 200
        demo = len(CANDIDATES)  # the demo clinic's own questionnaires
        assert Submission.objects.count() == first.writes["intake.Submission"] + demo

    def test_a_booking_confirmed_twice_books_once(self):
        details = walk_to_booking_details(self.reader)
        review = self.send_carefully(self.reader, details, "form.form").response
        form = self.form_in(review, "form.booking-confirm", details)
        body = careful_body(form_fields(form), button=("confirm", "1"))
        first, second = self.send(self.reader, details, body), self.send(self.reader, details, body)
        assert first.writes["booking.Appointment"] == 1
        assert "booking.Appointment" not in second.writes
        assert second.response["Location"] == first.response["Location"]

    def test_staff_actions_sent_twice_act_once(self):
        visit = Appointment.objects.filter(chart=None, status="booked").order_by("starts_at")[0]
        open_chart = reverse("care_admin:open_chart", args=[visit.pk])
        for _ in range(2):
            outcome = self.send(self.clinician, open_chart, b"")
            assert outcome.response.status_code == 302
        assert InfusionChart.objects.filter(appointment=visit).count() == 1
        comment = Comment.objects.filter(status="pending").first()
        body = encode([("ids", str(comment.pk), False), ("action", "approve", False)])
        changes = CommentStatusChange.objects.filter(comment=comment)
        before = changes.count()
        for _ in range(2):
            outcome = self.send(self.clinician, reverse("comments_admin:bulk"), body)
            assert outcome.response.status_code == 302
        assert changes.count() == before + 1


class FieldlessFormTests(FormTestMixin, HostileInputTestCase):
    """Action buttons and endpoints that read a value or two from the POST."""

    READS = ("attempt", "step", "code", "note", "ids", "action", "next", "reference", "start")

    def test_action_endpoints_survive_every_payload(self):
        from .routes import posting_routes

        routes = posting_routes()
        visit = Appointment.objects.filter(status="booked").order_by("-starts_at").first()
        open_visit(self.reader, visit)  # as the patient: the e-mailed link, then its address
        in_series = Appointment.objects.filter(status="booked", series__isnull=False).first()
        open_visit(self.reader, in_series)
        names = [
            "accounts:locked_logins",
            "accounts:session_keepalive",
            "accounts:remove_two_factor",
            "accounts:two_factor_setup",
            "intake_admin:invite",
            "care_admin:patient_from_questionnaire",
            "care_admin:measurement_reviewed",
            "care_admin:attention_review",
            "comments_admin:crisis_resources",
            "care_admin:rems_submitted",
            "intake:email_link",
            "intake:show_link",
            "booking:reschedule",
            "booking:series_reschedule",
            "booking:series_cancel",
            "pay:deposit",
            "booking_admin:series_move",
            "booking_admin:series_cancel",
        ]
        for payload in PAYLOADS:
            for name in names:
                audience, url = routes[name]
                client = self.clinician if audience == "staff" else self.reader
                with self.subTest(route=name, payload=str(payload)):
                    pairs = [(read, payload.text, payload.raw) for read in self.READS]
                    outcome = self.send(client, url, encode(pairs))
                    self.assert_survived(outcome, (name, str(payload)))
