"""The demo clinic comes with sample comments, added once."""

from bs4 import BeautifulSoup
from django.test import TestCase

from klearmind.comments.models import Comment
from klearmind.pages.tests.test_pages import SEED_ARTICLE, load_demo


class DemoCommentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def test_every_kind_of_comment_a_moderator_meets_is_there_once(self):
        load_demo()
        statuses = sorted(Comment.objects.values_list("status", flat=True))
        assert statuses == ["approved"] * 4 + ["pending"] * 2 + ["spam"]
        assert Comment.objects.filter(urgent=True, status="pending").count() == 1
        clinic = Comment.objects.get(is_clinic_reply=True)
        assert clinic.depth == 3 and clinic.status == "approved"

    def test_the_seed_article_shows_the_approved_thread_only(self):
        soup = BeautifulSoup(self.client.get(SEED_ARTICLE).content, "html.parser")
        authors = [a.get_text() for a in soup.select(".comment__author")]
        assert authors == [
            "Priya N.",
            "Daniel Reyes",
            "Klearmind Ketamine & IV Hydration Clinic",
            "Marcus T.",
        ]
        assert soup.select_one("#comments-heading").get_text() == "4 comments"
        assert soup.select_one(".comment--clinic .comment__badge").get_text() == "Clinic reply"
        assert "Best Deals" not in soup.get_text()
        assert "How long does one visit take" not in soup.get_text()
