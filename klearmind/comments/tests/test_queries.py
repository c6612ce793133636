"""The article page costs the same number of SQL queries with 5 or 500 approved comments."""

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from klearmind.comments.caching import invalidate
from klearmind.comments.demo import add_threads
from klearmind.comments.models import Comment, CommentSettings

from .factories import article_site


class CommentQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.few = article_site("few")
        add_threads(cls.few, 5)
        index = cls.few.get_parent()
        cls.many = cls.few.copy(to=index, update_attrs={"slug": "many", "title": "Many"})
        add_threads(cls.many, 500)

    def count_queries(self, page, *, cold: bool) -> tuple[int, str]:
        self.client.get(page.url)  # renditions and routes are made on first view
        if cold:
            invalidate()
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(page.url)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    def test_500_comments_cost_no_more_queries_than_5(self):
        few, few_html = self.count_queries(self.few, cold=True)
        many, many_html = self.count_queries(self.many, cold=True)
        assert few_html.count('class="comment"') == 5
        # The first 50 of 100 threads, each with its 4 replies.
        assert many_html.count('class="comment"') == 250
        assert many == few

    def test_from_the_cache_the_comments_cost_no_query_at_all(self):
        cold, _ = self.count_queries(self.many, cold=True)
        warm, html = self.count_queries(self.many, cold=False)
        assert html.count('class="comment"') == 250
        switched_off = CommentSettings.load()
        switched_off.enabled_page_types = []
        switched_off.save()
        without_comments, html = self.count_queries(self.many, cold=False)
        assert 'id="comments"' not in html
        assert warm == without_comments
        assert cold == warm + 5  # settings, threads, replies, two counts

    def test_a_new_approved_comment_shows_at_once(self):
        self.count_queries(self.few, cold=False)
        comment = Comment.objects.filter(page=self.few, parent=None).first()
        comment.text = "Edited after caching"
        comment.save()
        _, html = self.count_queries(self.few, cold=False)
        assert "Edited after caching" in html
