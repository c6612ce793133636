"""Years of comments cost the article page and the moderation queue nothing more: a fixed
number of queries whatever their number, no read of every comment, and a comment on one
article leaves the other articles' listings cached (docs/decisions/036)."""

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from klearmind.comments.caching import invalidate
from klearmind.comments.demo import add_threads
from klearmind.comments.display import visible_count
from klearmind.comments.forms import QueueFilterForm
from klearmind.comments.models import HOLDS_NETWORK_DATA, Comment, CommentStatus

from .factories import CommentFactory, article_site
from .test_admin_views import QUEUE, staff


def add_held(page, count: int, status=CommentStatus.SPAM) -> None:
    """`count` comments nobody reads on `page`: spam, or waiting for moderation."""
    held = Comment.objects.bulk_create(
        Comment(page=page, author_name=f"Held {n}", text=f"Held {n}.", status=status)
        for n in range(count)
    )
    for comment in held:
        comment.thread_root = comment
    Comment.objects.bulk_update(held, ["thread_root"])
    invalidate()


def hide_a_thread_root(page) -> int:
    """Send one approved thread's first comment back to moderation; its replies stay approved
    but nobody can see them. Returns how many comments that hides."""
    root = Comment.objects.on(page).approved().top_level().first()
    hidden = Comment.objects.filter(thread_root=root).count()
    root.unapprove()
    return hidden


class VisibleCountTests(TestCase):
    def setUp(self):
        self.page = article_site()

    def test_counts_every_approved_comment_in_one_query_when_none_is_under_a_hidden_one(self):
        add_threads(self.page, 50)
        add_held(self.page, 20)
        with self.assertNumQueries(1):
            assert visible_count(self.page) == 50

    def test_leaves_out_the_replies_under_a_comment_sent_back_to_moderation(self):
        add_threads(self.page, 50)
        hidden = hide_a_thread_root(self.page)
        assert hidden == 5
        with self.assertNumQueries(2):
            assert visible_count(self.page) == 50 - hidden

    def test_leaves_out_a_reply_two_levels_under_a_hidden_comment(self):
        root = CommentFactory(page=self.page)
        middle = CommentFactory(page=self.page, parent=root, status=CommentStatus.SPAM)
        below = CommentFactory(page=self.page, parent=middle)
        CommentFactory(page=self.page, parent=below)
        CommentFactory(page=self.page, parent=root)
        assert visible_count(self.page) == 2


class ArticleQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.few = article_site("few")
        add_threads(cls.few, 10)
        index = cls.few.get_parent()
        cls.many = cls.few.copy(to=index, update_attrs={"slug": "many", "title": "Many"})
        add_threads(cls.many, 2000)
        add_held(cls.many, 500)
        add_held(cls.many, 200, status=CommentStatus.PENDING)

    def queries(self, page) -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(page.url)
        assert response.status_code == 200
        return len(captured), response.content.decode()

    def cold_queries(self, page) -> tuple[int, str]:
        self.client.get(page.url)  # renditions and routes are made on first view
        invalidate()
        return self.queries(page)

    def test_a_page_with_2000_comments_and_700_held_costs_the_queries_of_one_with_10(self):
        hide_a_thread_root(self.many)
        few, few_html = self.cold_queries(self.few)
        many, many_html = self.cold_queries(self.many)
        assert few_html.count('class="comment"') == 10
        # The first 50 threads on show, each with its 4 replies.
        assert many_html.count('class="comment"') == 250
        assert "1995 comments" in many_html
        assert many == few + 1  # the one query that finds the thread sent back to moderation

    def test_a_comment_on_another_article_leaves_this_ones_listing_cached(self):
        self.cold_queries(self.many)
        warm, _ = self.queries(self.many)
        CommentFactory(page=self.few, text="Said on the other article")
        after_other, html = self.queries(self.many)
        assert after_other == warm
        assert "Said on the other article" not in html

    def test_a_comment_held_for_moderation_leaves_the_listing_cached(self):
        self.cold_queries(self.few)
        warm, _ = self.queries(self.few)
        CommentFactory(page=self.few, status=CommentStatus.PENDING, text="Waiting its turn")
        after, html = self.queries(self.few)
        assert after == warm
        assert "Waiting its turn" not in html

    def test_a_comment_on_this_article_is_shown_at_once(self):
        self.cold_queries(self.few)
        warm, _ = self.queries(self.few)
        CommentFactory(page=self.few, text="Said just now")
        after, html = self.queries(self.few)
        assert "Said just now" in html
        assert after > warm  # the listing was rendered again


class QueueQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.page = article_site()
        index = cls.page.get_parent()
        cls.other = cls.page.copy(to=index, update_attrs={"slug": "other", "title": "Other"})
        cls.quiet = cls.page.copy(to=index, update_attrs={"slug": "quiet", "title": "Quiet"})
        add_held(cls.page, 5, status=CommentStatus.PENDING)
        add_threads(cls.page, 10)
        cls.user = staff("view_comment", "moderate_comment")

    def queue_queries(self) -> tuple[int, str]:
        self.client.force_login(self.user)
        self.client.get(QUEUE)  # the admin's first view fills its own caches
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(QUEUE)
        assert response.status_code == 200
        return len(captured), response.content.decode()

    def test_the_queue_costs_the_same_queries_with_15_comments_and_with_3000(self):
        few, few_html = self.queue_queries()
        assert few_html.count('name="ids"') == 5
        add_held(self.page, 1200, status=CommentStatus.PENDING)
        add_held(self.other, 800, status=CommentStatus.PENDING)
        add_held(self.other, 500)
        add_threads(self.other, 500)
        many, many_html = self.queue_queries()
        assert many_html.count('name="ids"') == 50  # one page of the queue
        assert many == few

    def test_the_page_filter_offers_the_pages_with_comments_only(self):
        add_held(self.other, 1)
        offered = list(QueueFilterForm().fields["page"].queryset)
        assert offered == [self.page.page_ptr, self.other.page_ptr]


@pytest.mark.postgres
class QueuePlanTests(TestCase):
    """PostgreSQL's plans for the pending count on every back-office page and the queue's
    first page, over 3,000 comments with statistics (ANALYZE); sequential scans stay on."""

    @classmethod
    def setUpTestData(cls):
        if connection.vendor != "postgresql":
            return
        page = article_site()
        add_threads(page, 3000)
        add_held(page, 20, status=CommentStatus.PENDING)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE comments_comment")

    def setUp(self):
        if connection.vendor != "postgresql":
            self.skipTest(
                "query plans are PostgreSQL's: SQLite has no planner statistics to test "
                "against (run with DATABASE_URL set to a PostgreSQL database)"
            )

    def assert_uses_an_index(self, queryset):
        plan = queryset.explain()
        assert "Seq Scan on comments_comment" not in plan, plan
        assert "Index" in plan, plan

    def test_the_pending_count_reads_the_status_index(self):
        self.assert_uses_an_index(Comment.objects.pending().values("pk"))

    def test_the_queues_first_page_reads_the_status_index(self):
        first_page = Comment.objects.pending().order_by("-urgent", "-submitted_at", "-pk")[:50]
        self.assert_uses_an_index(first_page)

    def test_the_network_data_erasure_reads_only_the_rows_still_holding_some(self):
        # Years of comments whose addresses were erased long ago cost the daily sweep nothing.
        due = Comment.objects.filter(submitted_at__lt=timezone.now()).filter(HOLDS_NETWORK_DATA)
        plan = due.values("pk").explain()
        assert "comment_network_data" in plan, plan


class NetworkDataErasureIndexTests(TestCase):
    """The same on SQLite, whose planner takes a partial index whose condition the query
    repeats word for word."""

    def test_the_erasure_searches_the_partial_index(self):
        if connection.vendor != "sqlite":
            self.skipTest("the PostgreSQL plan is checked with statistics above")
        due = Comment.objects.filter(submitted_at__lt=timezone.now()).filter(HOLDS_NETWORK_DATA)
        plan = due.values("pk").explain()
        assert "comment_network_data" in plan, plan

    def test_the_crisis_comments_on_needs_attention_search_the_urgent_index(self):
        if connection.vendor != "sqlite":
            self.skipTest("SQLite's plan; PostgreSQL's depends on its statistics")
        urgent = Comment.objects.filter(urgent=True).exclude(status=CommentStatus.SPAM)
        assert "comment_urgent" in urgent.explain()
