"""The nightly erasure of stale drafts costs what is stale: two queries when nothing is (the
settings and one look-up of the index), however many drafts are in progress or kept."""

import datetime
from unittest import mock

import pytest
from django.test import TestCase
from django.utils import timezone

from klearmind.intake import services
from klearmind.intake.models import Draft, IntakeSettings

pytestmark = pytest.mark.clock


def drafts(number: int, *, days_old: int, urgent: bool = False) -> None:
    """`number` drafts last touched `days_old` days ago."""
    then = timezone.now() - datetime.timedelta(days=days_old)
    start = Draft.objects.count()
    Draft.objects.bulk_create(
        Draft(
            token_hash=f"{start + n:064x}",
            answers={"about": {"full_name": "Avery Quinlan"}},
            step="phq9",
            created_at=then,
            updated_at=then,
            urgent=urgent,
            urgent_since=then if urgent else None,
        )
        for n in range(number)
    )


class DraftErasureCostTests(TestCase):
    def setUp(self):
        self.days = IntakeSettings.load().draft_retention_days

    def assert_two_queries_erasing_nothing(self):
        with self.assertNumQueries(2):
            assert services.erase_stale_drafts() == 0

    def test_two_queries_when_nothing_is_stale_at_two_sizes(self):
        drafts(5, days_old=1)
        drafts(2, days_old=self.days + 10, urgent=True)  # kept until a clinician reviews them
        self.assert_two_queries_erasing_nothing()
        drafts(300, days_old=self.days - 1)
        drafts(40, days_old=self.days + 100, urgent=True)
        self.assert_two_queries_erasing_nothing()
        assert Draft.objects.count() == 347

    def test_erases_every_stale_draft_in_batches_and_keeps_the_rest(self):
        drafts(3, days_old=1)
        drafts(7, days_old=self.days + 1)
        drafts(2, days_old=self.days + 1, urgent=True)
        with mock.patch.object(services, "DRAFT_ERASURE_BATCH", 3):
            assert services.erase_stale_drafts() == 7
        assert Draft.objects.count() == 3 + 2
        assert not Draft.objects.filter(
            urgent=False, updated_at__lt=timezone.now() - datetime.timedelta(days=2)
        ).exists()

    def test_the_answers_of_erased_drafts_are_never_read(self):
        drafts(4, days_old=self.days + 1)
        with mock.patch.object(Draft._meta.get_field("answers"), "from_db_value") as decrypt:
            assert services.erase_stale_drafts() == 4
        decrypt.assert_not_called()
