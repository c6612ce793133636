"""The questionnaire's resume links and the comment e-mails' unsubscribe links: every token a
flow hands out (in an e-mail or on a page) is stored nowhere, sessions included, and after
the exchange no address carries a token or names a measure.

Run on SQLite by default and on PostgreSQL with DATABASE_URL set: stored_copies reads the
database file or every table."""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import Client, TestCase

from klearmind.comments import services as comment_services
from klearmind.comments.tests.factories import CommentFactory, article_site
from klearmind.intake.models import Submission
from klearmind.intake.tests.factories import (
    ask_for_link,
    csrf_token,
    post_step,
    slug_at,
    step_answers,
    step_path,
    walk,
)

from .stored_tokens import stored_copies

RESUME_LINK = re.compile(r"http://testserver/candidacy/resume/([^/\s\"]+)/")
UNSUBSCRIBE_LINK = re.compile(r"http://testserver/comments/unsubscribe/([^/\s>]+)/")
MEASURES = ("phq9", "gad7", "pcl5", "pain")


def addresses_in(response) -> list[str]:
    """The redirect and every link and form address on the page."""
    found = re.findall(r'(?:href|action)="([^"]+)"', response.content.decode())
    return [*found, response.get("Location", "")]


class ResumeTokenTests(TestCase):
    def test_no_resume_token_given_out_is_stored_and_none_survives_the_exchange(self):
        first = Client(enforce_csrf_checks=True)
        answers = step_answers()  # every condition: all four measures apply
        walk(first, answers, until="history")
        tokens = []
        ask_for_link(first, "email", step=4)
        tokens += RESUME_LINK.findall(mail.outbox[-1].body)
        shown = ask_for_link(first, "show", step=4)
        tokens += RESUME_LINK.findall(shown.content.decode())
        tokens = list(dict.fromkeys(tokens))  # the page shows its link twice (href and text)
        assert len(tokens) == 2

        second = Client(enforce_csrf_checks=True)
        exchanged = second.get(f"/candidacy/resume/{tokens[-1]}/")
        assert exchanged["Location"] == "/candidacy/step/5/"
        for token in tokens:
            assert token not in exchanged["Location"]
            assert token not in second.get(exchanged["Location"]).content.decode()
        assert stored_copies(*tokens) == []

        # The candidate finishes in the second browser: still nothing stored, once sent.
        walk_on(second, answers, start="phq9")
        assert Submission.objects.count() == 1
        assert stored_copies(*tokens) == []

    def test_no_step_address_names_a_measure(self):
        client = Client(enforce_csrf_checks=True)
        answers = step_answers()
        seen = []
        slug = "about"
        while True:
            path = step_path(client, slug)
            seen += [path, *addresses_in(client.get(path))]
            response = post_step(client, slug, answers[slug])
            seen += addresses_in(response)
            if response["Location"] == "/candidacy/thank-you/":
                break
            slug = slug_at(client, response["Location"])
        steps = sorted({a for a in seen if a.startswith("/candidacy/step/")})
        assert steps == [f"/candidacy/step/{n}/" for n in range(1, 10)]
        for address in seen:
            assert not any(measure in address for measure in MEASURES), address


def walk_on(client, answers: dict, *, start: str) -> None:
    slug = start
    while True:
        response = post_step(client, slug, answers[slug])
        assert response.status_code == 302, (slug, response.status_code)
        if response["Location"] == "/candidacy/thank-you/":
            return
        slug = slug_at(client, response["Location"])


class UnsubscribeTokenTests(TestCase):
    def test_no_unsubscribe_token_e_mailed_is_stored_and_none_survives_the_exchange(self):
        article = article_site()
        staff = get_user_model().objects.create_user("moderator", "mod@example.org", "x")
        staff.user_permissions.add(Permission.objects.get(codename="moderate_comment"))
        staff = get_user_model().objects.get(pk=staff.pk)
        comment = CommentFactory(
            page=article, status="pending", notify=True, author_email="writer@example.org"
        )
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            comment_services.moderate_comments(comments=[comment], action="approve", by=staff)
        with self.captureOnCommitCallbacks(execute=True):
            comment_services.reply_as_clinic(parent=comment, text="Thank you", by=staff)
        approved, replied = mail.outbox
        tokens = [
            *UNSUBSCRIBE_LINK.findall(approved.body),
            *UNSUBSCRIBE_LINK.findall(replied.extra_headers["List-Unsubscribe"]),
        ]
        assert len(tokens) == 2

        reader = Client(enforce_csrf_checks=True)
        exchanged = reader.get(f"/comments/unsubscribe/{tokens[-1]}/")
        assert exchanged["Location"] == "/comments/unsubscribe/"
        page = reader.get(exchanged["Location"])
        assert tokens[-1] not in page.content.decode()
        done = reader.post(exchanged["Location"], {"csrfmiddlewaretoken": csrf_token(page)})
        assert b"no more e-mails" in done.content
        comment.refresh_from_db()
        assert comment.notify is False
        assert stored_copies(*tokens) == []
