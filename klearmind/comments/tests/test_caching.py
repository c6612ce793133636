"""A comment change a reader can see makes its page's cached copies stale at once, here and in
a proxy in front; other pages stay cached."""

from django.test import Client, TestCase

from klearmind.comments.models import Comment, CommentSettings, CommentStatus
from klearmind.comments.services import erase_personal_data
from klearmind.pages.models import ArticlePage
from klearmind.pages.tests.factories import publish_child
from klearmind.pages.tests.purge_recorder import recorded_purges
from klearmind.pages.tests.through_cache import through_cache

from .factories import CommentFactory, article_site
from .test_admin_views import QUEUE, csrf_client, csrf_token, staff


class CommentPageCacheTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = article_site()
        cls.other = publish_child(
            cls.article.get_parent(),
            ArticlePage(title="On rest", slug="rest", intro="Rest matters."),
        )
        comment_settings = CommentSettings.load()
        comment_settings.per_page = 1
        comment_settings.save()
        cls.first = CommentFactory(page=cls.article, text="First public words")
        cls.second = CommentFactory(page=cls.article, text="Second public words")

    def get(self, path: str):
        return through_cache(self.client, path)

    def cache(self, *paths: str) -> None:
        for path in paths:
            self.get(path)
            assert self.get(path).from_cache, path

    def change(self, action) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            action()

    def test_approving_in_the_moderation_queue_shows_the_comment_on_the_next_request(self):
        pending = CommentFactory(
            page=self.article, status=CommentStatus.PENDING, text="Waiting words"
        )
        last_page = f"{self.article.url}?cpage=2"
        self.cache(self.article.url, last_page)
        moderator = csrf_client(staff("view_comment", "moderate_comment"))
        token = csrf_token(moderator, QUEUE)
        self.change(
            lambda: moderator.post(
                "/admin/comments/bulk/",
                {"csrfmiddlewaretoken": token, "action": "approve", "ids": [pending.pk]},
            )
        )
        assert not self.get(last_page).from_cache
        assert "3 comments" in self.get(self.article.url).text
        assert "Waiting words" in self.get(f"{self.article.url}?cpage=3").text

    def test_each_page_of_comments_is_kept_apart(self):
        self.cache(self.article.url, f"{self.article.url}?cpage=2")
        first, second = self.get(self.article.url), self.get(f"{self.article.url}?cpage=2")
        assert "First public words" in first.text and "Second public words" not in first.text
        assert "Second public words" in second.text and "First public words" not in second.text

    def test_only_a_page_of_comments_that_exists_is_kept_apart(self):
        self.cache(f"{self.article.url}?cpage=2")
        for query in ("cpage=3", "cpage=02", "cpage=999999"):
            self.get(f"{self.article.url}?{query}")
            reply = self.get(f"{self.article.url}?{query}")
            assert not reply.from_cache and "x-cache" not in reply.headers, query
            assert reply.headers["cache-control"] == "private, no-cache"

    def test_unapproving_editing_or_deleting_makes_every_comment_page_stale(self):
        CommentFactory(page=self.article, text="Third public words")
        pages = (self.article.url, f"{self.article.url}?cpage=1", f"{self.article.url}?cpage=2")
        for action in (
            lambda: self.first.unapprove(),
            lambda: Comment.objects.get(pk=self.second.pk).save(),
            lambda: Comment.objects.get(pk=self.second.pk).delete(),
        ):
            self.cache(*pages)
            self.change(action)
            assert not any(self.get(path).from_cache for path in pages)
        assert "Second public words" not in self.get(f"{self.article.url}?cpage=1").text

    def test_erasing_a_writers_details_makes_their_pages_stale(self):
        self.cache(self.article.url)
        self.change(lambda: erase_personal_data(email=self.first.author_email, remove_text=True))
        assert "First public words" not in self.get(self.article.url).text

    def test_a_new_comment_awaiting_moderation_leaves_the_cached_page_alone(self):
        self.cache(self.article.url)
        self.change(lambda: CommentFactory(page=self.article, status=CommentStatus.PENDING))
        assert self.get(self.article.url).from_cache

    def test_a_comment_on_one_page_leaves_the_other_pages_cached(self):
        self.cache(self.article.url, self.other.url)
        self.change(lambda: self.first.unapprove())
        assert self.get(self.other.url).from_cache
        assert not self.get(self.article.url).from_cache

    def test_changing_the_comment_settings_makes_every_page_stale(self):
        self.cache(self.article.url, self.other.url)
        comment_settings = CommentSettings.load()
        comment_settings.per_page = 50
        self.change(comment_settings.save)
        assert not self.get(self.other.url).from_cache
        assert "Second public words" in self.get(self.article.url).text

    def test_approving_asks_the_proxy_to_purge_the_page_and_each_comment_page(self):
        pending = CommentFactory(page=self.article, status=CommentStatus.PENDING)
        with recorded_purges() as purged:
            self.change(lambda: pending.approve())
        base = self.article.get_full_url().removeprefix("http://")
        expected = [base, *(f"{base}?cpage={number}" for number in (1, 2, 3))]
        assert sorted(purged) == sorted(expected)

    def test_a_comment_awaiting_moderation_sends_no_purge(self):
        with recorded_purges() as purged:
            self.change(lambda: CommentFactory(page=self.article, status=CommentStatus.PENDING))
        assert purged == []
        assert Client().get(self.article.url).status_code == 200
