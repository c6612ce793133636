"""Test data for comments: an article to comment on, and comments in any status."""

import datetime

import factory
from django.utils import timezone
from wagtail.models import Page, Site

from klearmind.clinic.models import ClinicSettings
from klearmind.comments.models import Comment, CommentSettings, CommentStatus
from klearmind.pages.models import ArticleIndexPage, ArticlePage, HomePage
from klearmind.pages.tests.factories import publish_child


def article_site(slug: str = "article") -> ArticlePage:
    """A home page, an article index and one published article, served by the default site."""
    root = Page.get_first_root_node()
    home = root.add_child(
        instance=HomePage(title="Home", slug=f"home-{slug}", hero_heading="Hi", hero_text="Hello")
    )
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    ClinicSettings.load()
    CommentSettings.load()
    index = publish_child(home, ArticleIndexPage(title="Articles", slug="articles"))
    return publish_child(index, ArticlePage(title="On sleep", slug=slug, intro="Sleep matters."))


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment
        skip_postgeneration_save = True

    author_name = factory.Sequence(lambda n: f"Reader {n}")
    author_email = factory.Sequence(lambda n: f"reader{n}@example.org")
    text = factory.Sequence(lambda n: f"A thoughtful remark, number {n}.")
    status = CommentStatus.APPROVED
    ip_address = "203.0.113.7"
    user_agent = "Mozilla/5.0 (test)"
    submitted_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))

    @factory.post_generation
    def thread(obj, create, extracted, **kwargs):
        if obj.parent_id:
            obj.depth = obj.parent.depth + 1
            obj.thread_root_id = obj.parent.thread_root_id
        else:
            obj.thread_root = obj
        if create:
            obj.save(update_fields=["depth", "thread_root"])
