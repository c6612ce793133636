"""Status changes are model methods that refuse impossible moves and record every move."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import TestCase

from klearmind.comments.models import CommentSettings, CommentStatus

from .factories import CommentFactory, article_site


class CommentStatusTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = article_site()
        cls.moderator = get_user_model().objects.create_user("mod", "mod@example.org", "x")

    def test_approving_a_pending_comment_records_who_when_from_and_to(self):
        comment = CommentFactory(page=self.article, status=CommentStatus.PENDING)
        comment.approve(by=self.moderator)
        comment.refresh_from_db()
        assert comment.status == CommentStatus.APPROVED
        (change,) = comment.status_changes.all()
        assert (change.changed_by, change.from_status, change.to_status) == (
            self.moderator,
            "pending",
            "approved",
        )
        assert change.changed_at is not None

    def test_an_impossible_move_is_refused_with_a_code_and_changes_nothing(self):
        comment = CommentFactory(page=self.article, status=CommentStatus.APPROVED)
        with pytest.raises(ValidationError) as raised:
            comment.approve(by=self.moderator)
        assert raised.value.code == "invalid_transition"
        assert comment.status_changes.count() == 0

    def test_restore_returns_a_trashed_comment_to_the_status_it_had(self):
        comment = CommentFactory(page=self.article, status=CommentStatus.APPROVED)
        comment.trash(by=self.moderator)
        comment.restore(by=self.moderator)
        assert comment.status == CommentStatus.APPROVED
        spam = CommentFactory(page=self.article, status=CommentStatus.SPAM)
        spam.trash(by=self.moderator)
        spam.restore(by=self.moderator)
        assert spam.status == CommentStatus.SPAM

    def test_every_move_of_the_moderation_cycle(self):
        comment = CommentFactory(page=self.article, status=CommentStatus.PENDING)
        for move, expected in [
            ("approve", "approved"),
            ("unapprove", "pending"),
            ("mark_spam", "spam"),
            ("mark_not_spam", "pending"),
            ("trash", "trash"),
            ("restore", "pending"),
        ]:
            getattr(comment, move)(by=self.moderator)
            assert comment.status == expected, move
        assert comment.status_changes.count() == 6

    def test_initials_come_from_the_first_and_last_word_of_the_name(self):
        assert CommentFactory.build(author_name="Ana María Ruiz").initials == "AR"
        assert CommentFactory.build(author_name="شادی").initials == "ش"
        assert CommentFactory.build(author_name="🌿").initials == "?"


class CommentSettingsTests(TestCase):
    def test_defaults_are_those_of_the_issue(self):
        settings = CommentSettings.load()
        assert settings.moderation_mode == "hold_all"
        assert settings.link_limit == 2
        assert settings.thread_depth == 5
        assert settings.per_page == 50
        assert settings.flood_seconds == 15
        assert settings.time_trap_seconds == 3
        assert settings.ip_retention_days == 60
        assert settings.close_after_days_enabled is False
        assert settings.enabled_page_types == ["pages.articlepage"]

    def test_thread_depth_is_limited_to_two_to_ten(self):
        settings = CommentSettings.load()
        for depth, valid in [(1, False), (2, True), (10, True), (11, False)]:
            settings.thread_depth = depth
            if valid:
                settings.full_clean()
            else:
                with pytest.raises(ValidationError):
                    settings.full_clean()
