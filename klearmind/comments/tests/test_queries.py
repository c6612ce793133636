"""The article page costs the same number of SQL queries with 5 or 500 approved comments."""

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from klearmind.comments.models import Comment, CommentStatus

from .factories import article_site


def add_comments(page, count: int) -> None:
    """`count` approved comments: a fifth top-level, each with replies three levels deep."""
    roots = Comment.objects.bulk_create(
        Comment(page=page, author_name=f"R{n}", text=f"Root {n}", status=CommentStatus.APPROVED)
        for n in range(count // 5)
    )
    for root in roots:
        root.thread_root = root
    Comment.objects.bulk_update(roots, ["thread_root"])
    for root in roots:
        parent = root
        for depth in range(2, 6):
            parent = Comment.objects.create(
                page=page,
                parent=parent,
                thread_root=root,
                depth=depth,
                author_name=f"Reply {depth}",
                text="A reply",
                status=CommentStatus.APPROVED,
            )


class CommentQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.few = article_site("few")
        add_comments(cls.few, 5)
        index = cls.few.get_parent()
        cls.many = cls.few.copy(to=index, update_attrs={"slug": "many", "title": "Many"})
        add_comments(cls.many, 500)

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
