"""Every rule a new comment passes, in WordPress's order, each with its default number."""

import datetime
import threading
from unittest import mock, skipUnless

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.db import DatabaseError, connection
from django.test import TestCase, TransactionTestCase, override_settings
from django.utils import timezone

from klearmind.audit.models import AuditEvent
from klearmind.comments import services
from klearmind.comments.models import (
    Comment,
    CommentSettings,
    CommentStatus,
    ModerationMode,
)
from klearmind.comments.rules import Submission
from klearmind.outbox.models import OutgoingMessage

from .factories import CommentFactory, article_site


def submission(**changes) -> Submission:
    values = {
        "author_name": "Ana Ruiz",
        "author_email": "ana@example.org",
        "author_url": "",
        "text": "Thank you for explaining this so clearly.",
        "ip_address": "198.51.100.20",
        "user_agent": "Mozilla/5.0",
        "homepage": "",
        "seconds_on_form": 30.0,
    }
    return Submission(**{**values, **changes})


def moderator(username="moderator", email="mod@example.org"):
    user = get_user_model().objects.create_user(username, email, "x")
    user.user_permissions.add(Permission.objects.get(codename="moderate_comment"))
    return get_user_model().objects.get(pk=user.pk)  # a fresh permission cache


class CommentServiceTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = article_site()

    def post(self, **changes) -> Comment:
        with self.captureOnCommitCallbacks(execute=True):
            return services.post_comment(page=self.article, submission=submission(**changes))

    def set(self, **values):
        comment_settings = CommentSettings.load()
        for name, value in values.items():
            setattr(comment_settings, name, value)
        comment_settings.save()


class HoldAndApproveTests(CommentServiceTestCase):
    def test_every_comment_is_held_for_moderation_by_default(self):
        comment = self.post()
        assert comment.status == CommentStatus.PENDING
        assert comment.thread_root == comment and comment.depth == 1
        assert comment.status_changes.get().to_status == "pending"

    def test_known_authors_are_approved_only_when_the_editor_says_so(self):
        CommentFactory(page=self.article, author_name="Ana Ruiz", author_email="ana@example.org")
        assert self.post(text="First").status == CommentStatus.PENDING
        self.set(moderation_mode=ModerationMode.KNOWN_AUTHORS, flood_seconds=0)
        assert self.post(text="Second").status == CommentStatus.APPROVED
        assert self.post(text="Third", author_email="other@example.org").status == "pending"

    def test_two_links_hold_a_comment_even_from_a_known_author(self):
        CommentFactory(page=self.article, author_name="Ana Ruiz", author_email="ana@example.org")
        self.set(moderation_mode=ModerationMode.KNOWN_AUTHORS, flood_seconds=0)
        one = self.post(text="See https://example.org/a")
        assert one.status == CommentStatus.APPROVED
        two = self.post(text="See https://example.org/a and www.example.org/b")
        assert two.status == CommentStatus.PENDING
        assert two.status_reason == "Has 2 links."

    def test_a_moderation_word_in_any_field_holds_the_comment(self):
        CommentFactory(page=self.article, author_name="Ana Ruiz", author_email="ana@example.org")
        self.set(
            moderation_mode=ModerationMode.KNOWN_AUTHORS,
            moderation_words="casino\n198.51.100.\nCurlBot",
            flood_seconds=0,
        )
        cases = [
            {"text": "I won at the CASINO"},
            {"user_agent": "curlbot/1.0", "text": "a"},
            {"text": "b"},  # the IP address 198.51.100.20 matches
        ]
        for changes in cases:
            comment = self.post(**changes)
            assert comment.status == CommentStatus.PENDING, changes
            assert "moderation word" in comment.status_reason

    def test_a_disallowed_word_sends_the_comment_to_the_trash(self):
        self.set(disallowed_words="viagra\n")
        comment = self.post(author_url="https://viagra.example.com/")
        assert comment.status == CommentStatus.TRASH
        assert comment.status_reason == "Contains the disallowed word “viagra”."

    def test_staff_who_moderate_are_approved_and_not_flood_limited(self):
        staff = moderator()
        with self.captureOnCommitCallbacks(execute=True):
            first = services.post_comment(page=self.article, submission=submission(), user=staff)
            second = services.post_comment(
                page=self.article, submission=submission(text="Again, soon after"), user=staff
            )
        assert first.status == second.status == CommentStatus.APPROVED
        assert first.user == staff


class RefusalTests(CommentServiceTestCase):
    def test_the_same_text_from_the_same_author_on_the_same_page_is_a_409(self):
        self.post()
        self.set(flood_seconds=0)
        with pytest.raises(services.CommentRefused) as refused:
            self.post(ip_address="192.0.2.1")
        assert refused.value.status == 409
        assert "You already said that" in refused.value.message
        assert Comment.objects.count() == 1

    def test_a_second_comment_within_15_seconds_from_one_ip_or_email_is_a_429(self):
        with time_machine.travel(timezone.now(), tick=False) as clock:
            self.post()
            clock.shift(14)
            for changes in ({"author_email": "x@example.org"}, {"ip_address": "192.0.2.9"}):
                with pytest.raises(services.CommentRefused) as refused:
                    self.post(text="Another thought", **changes)
                assert refused.value.status == 429
                assert "posting too quickly" in refused.value.message
            clock.shift(2)
            assert self.post(text="Another thought").status == CommentStatus.PENDING

    def test_comments_close_after_the_set_number_of_days_when_that_is_on(self):
        self.set(close_after_days_enabled=True, close_after_days=14)
        published = self.article.first_published_at
        with time_machine.travel(published + datetime.timedelta(days=13, hours=23)):
            assert self.post().status == CommentStatus.PENDING
        late = published + datetime.timedelta(days=14, hours=1)
        with time_machine.travel(late), pytest.raises(services.CommentRefused) as refused:
            self.post(text="Late")
        assert refused.value.status == 403

    def test_page_types_without_comments_refuse_them(self):
        self.set(enabled_page_types=["pages.standardpage"])
        with pytest.raises(services.CommentRefused):
            self.post()


class SpamTests(CommentServiceTestCase):
    def test_a_filled_honeypot_is_stored_as_spam_with_its_reason(self):
        comment = self.post(homepage="http://spam.example")
        assert comment.status == CommentStatus.SPAM
        assert "hidden field" in comment.status_reason

    def test_a_form_sent_within_3_seconds_is_spam_and_after_3_is_not(self):
        fast = self.post(seconds_on_form=2.9)
        assert fast.status == CommentStatus.SPAM
        assert fast.status_reason == "Sent 2.9 s after the form was shown."
        self.set(flood_seconds=0)
        assert self.post(text="Later", seconds_on_form=3.1).status == CommentStatus.PENDING

    def test_a_missing_or_forged_timestamp_is_spam(self):
        comment = self.post(seconds_on_form=None)
        assert comment.status == CommentStatus.SPAM
        assert "timestamp" in comment.status_reason

    @override_settings(
        COMMENTS_SPAM_CHECKERS=["klearmind.comments.tests.test_services.always_spam"]
    )
    def test_a_clinic_can_plug_in_its_own_spam_checker(self):
        comment = self.post()
        assert comment.status == CommentStatus.SPAM
        assert comment.status_reason == "The spam service said so for Ana Ruiz."

    def test_spam_never_e_mails_the_moderators(self):
        moderator()
        self.post(homepage="filled")
        assert mail.outbox == []


def always_spam(submission, comment_settings):
    return f"The spam service said so for {submission.author_name}."


class CrisisTests(CommentServiceTestCase):
    def test_crisis_language_marks_the_comment_urgent_and_e_mails_moderators_at_once(self):
        moderator()
        comment = self.post(text="Lately I feel like I want to die.")
        assert comment.urgent is True
        assert comment.status == CommentStatus.PENDING
        (email,) = mail.outbox
        assert email.to == ["mod@example.org"]
        assert email.subject.startswith("URGENT")
        assert f"/admin/comments/{comment.pk}/" in email.body
        assert "want to die" not in email.body

    def test_ordinary_words_are_not_crisis_language(self):
        assert self.post(text="This article helped me a lot.").urgent is False


class ModeratorMailTests(CommentServiceTestCase):
    def test_moderators_are_active_users_with_the_permission_and_an_address(self):
        direct = moderator("direct", "direct@example.org")
        group = Group.objects.create(name="Comment moderators")
        group.permissions.add(Permission.objects.get(codename="moderate_comment"))
        via_group = get_user_model().objects.create_user("group", "group@example.org", "x")
        via_group.groups.add(group)
        inactive = moderator("inactive", "inactive@example.org")
        inactive.is_active = False
        inactive.save()
        moderator("no-address", "")
        get_user_model().objects.create_user("editor", "editor@example.org", "x")
        emails = set(services.moderators().values_list("email", flat=True))
        assert emails == {direct.email, via_group.email}

    def test_a_held_comment_e_mails_each_moderator_a_link_without_the_text(self):
        moderator()
        comment = self.post(text="My private story about my treatment.")
        (email,) = mail.outbox
        assert email.subject == "A comment is waiting for moderation"
        assert f"/admin/comments/{comment.pk}/" in email.body
        assert "private story" not in email.body
        assert "ana@example.org" not in email.body


class ReplyTests(CommentServiceTestCase):
    def test_a_reply_joins_its_parents_thread_one_level_deeper(self):
        root = CommentFactory(page=self.article)
        child = CommentFactory(page=self.article, parent=root)
        with self.captureOnCommitCallbacks(execute=True):
            reply = services.post_comment(page=self.article, submission=submission(), parent=child)
        assert (reply.thread_root, reply.depth) == (root, 3)

    def test_a_clinic_reply_is_approved_marked_and_kept_within_the_depth_limit(self):
        self.set(thread_depth=2)
        staff = moderator()
        root = CommentFactory(page=self.article)
        child = CommentFactory(page=self.article, parent=root)
        reply = services.reply_as_clinic(parent=child, text="General information.", by=staff)
        assert reply.status == CommentStatus.APPROVED
        assert reply.is_clinic_reply and reply.user == staff
        assert reply.author_name == "Klearmind"
        assert reply.author_email == ""
        assert (reply.parent, reply.depth) == (root, 2)
        assert reply.status_changes.get().changed_by == staff


class AuthorMailTests(CommentServiceTestCase):
    def test_approval_and_a_reply_e_mail_the_writer_only_when_they_opted_in(self):
        staff = moderator()
        opted_in = CommentFactory(
            page=self.article, status=CommentStatus.PENDING, notify=True, author_email="a@e.org"
        )
        silent = CommentFactory(page=self.article, status=CommentStatus.PENDING)
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            services.moderate_comments(comments=[opted_in, silent], action="approve", by=staff)
        (approved,) = mail.outbox
        assert approved.to == ["a@e.org"]
        assert approved.subject == "Your comment is now published"
        unsubscribe = approved.extra_headers["List-Unsubscribe"]
        assert opted_in.unsubscribe_token in unsubscribe
        assert approved.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        with self.captureOnCommitCallbacks(execute=True):
            services.reply_as_clinic(parent=opted_in, text="Thanks", by=staff)
            services.reply_as_clinic(parent=silent, text="Thanks", by=staff)
        assert [m.subject for m in mail.outbox[1:]] == ["Someone replied to your comment"]
        assert mail.outbox[1].to == ["a@e.org"]

    def test_approving_twice_never_sends_the_same_e_mail_twice(self):
        staff = moderator()
        comment = CommentFactory(page=self.article, status=CommentStatus.PENDING, notify=True)
        with self.captureOnCommitCallbacks(execute=True):
            services.moderate_comments(comments=[comment], action="approve", by=staff)
            services.moderate_comments(comments=[comment], action="unapprove", by=staff)
            services.moderate_comments(comments=[comment], action="approve", by=staff)
        assert len(mail.outbox) == 1
        approved = OutgoingMessage.objects.about("comments.comment", comment.pk)
        assert approved.filter(kind="comments.approved").count() == 1


class BulkModerationTests(CommentServiceTestCase):
    def test_actions_apply_where_they_can_and_count_the_rest_as_skipped(self):
        staff = moderator()
        pending = CommentFactory(page=self.article, status=CommentStatus.PENDING)
        approved = CommentFactory(page=self.article, status=CommentStatus.APPROVED)
        done, skipped = services.moderate_comments(
            comments=[pending, approved], action="approve", by=staff
        )
        assert (done, skipped) == (1, 1)

    def test_delete_permanently_removes_the_rows(self):
        comments = CommentFactory.create_batch(2, page=self.article)
        services.moderate_comments(comments=comments, action="delete", by=moderator())
        assert Comment.objects.count() == 0


@skipUnless(connection.vendor == "postgresql", "row locks need PostgreSQL")
class ConcurrentDoubleSubmitTests(TransactionTestCase):
    serialized_rollback = True  # keep Wagtail's root page and default site for other tests

    def test_two_copies_of_a_form_sent_at_once_store_one_comment(self):
        article = article_site("concurrent")
        barrier = threading.Barrier(2)
        outcomes = []

        def send():
            try:
                barrier.wait()
                services.post_comment(page=article, submission=submission())
                outcomes.append("stored")
            except services.CommentRefused as refusal:
                outcomes.append(refusal.code)
            finally:
                connection.close()

        threads = [threading.Thread(target=send) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["duplicate", "stored"]
        assert Comment.objects.count() == 1


class AuditedInTheTransactionTests(CommentServiceTestCase):
    def test_an_erasure_is_audited_with_who_asked_and_how_many_comments(self):
        CommentFactory(page=self.article, author_email="ana@example.org")
        staff = moderator()
        changed = services.erase_personal_data(email="ana@example.org", remove_text=False, by=staff)
        event = AuditEvent.objects.get(action=AuditEvent.Action.DELETE)
        assert changed == 1
        assert (event.actor, event.target_type) == (staff, "comments.comment")
        assert event.detail == "erased one commenter's personal data from 1 comment(s)"

    def test_an_erasure_that_fails_leaves_neither_changes_nor_an_audit_event(self):
        CommentFactory(page=self.article, author_email="ana@example.org")
        with (
            mock.patch.object(services, "record", side_effect=DatabaseError("disk full")),
            pytest.raises(DatabaseError),
        ):
            services.erase_personal_data(email="ana@example.org", remove_text=True)
        assert Comment.objects.get().author_email == "ana@example.org"
        assert not AuditEvent.objects.exists()

    def test_crisis_resources_that_cannot_be_queued_leave_no_audit_event(self):
        comment = CommentFactory(page=self.article, author_email="ana@example.org")
        with (
            mock.patch.object(services, "enqueue", side_effect=DatabaseError("disk full")),
            pytest.raises(DatabaseError),
        ):
            services.send_crisis_resources(comment=comment, by=moderator())
        assert not AuditEvent.objects.exists()
        assert not Comment.objects.get().urgent
