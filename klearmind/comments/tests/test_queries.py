"""The article page costs the same number of SQL queries with 5 or 500 approved comments."""

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from klearmind.comments.demo import add_threads

from .factories import article_site


class CommentQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.few = article_site("few")
        add_threads(cls.few, 5)
        index = cls.few.get_parent()
        cls.many = cls.few.copy(to=index, update_attrs={"slug": "many", "title": "Many"})
        add_threads(cls.many, 500)

    def count_queries(self, page) -> tuple[int, str]:
        self.client.get(page.url)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(page.url)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    def test_500_comments_cost_no_more_queries_than_5(self):
        few, few_html = self.count_queries(self.few)
        many, many_html = self.count_queries(self.many)
        assert few_html.count('class="comment"') == 5
        # The first 50 of 100 threads, each with its 4 replies.
        assert many_html.count('class="comment"') == 250
        assert many == few
        assert few <= 13
