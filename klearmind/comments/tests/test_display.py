"""The empty comment form is rendered once and filled in per request, exactly as a fresh
render of the same form would be."""

from unittest import mock

from django.template.loader import render_to_string
from django.test import TestCase

from klearmind.comments import display
from klearmind.comments.forms import seconds_since_rendered

from .factories import CommentFactory, article_site

TOKEN = "MTc5NjE4NDY1OC40MTQ0Nzg:1xYbgI:WNYjXdgaE3knaSyS0yt9_tEKUf4wLU8ATvMKZsoH_8c"


def fresh_render(author: dict, replying) -> str:
    form = display.unbound_form(author, replying)
    return render_to_string("comments/comment_form_fields.html", {"form": form})


class BlankFormTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = article_site()
        cls.root = CommentFactory(page=cls.article, author_name="Priya")

    def test_the_once_rendered_form_matches_a_fresh_render_byte_for_byte(self):
        with mock.patch.object(display, "rendered_token", return_value=TOKEN):
            for replying in (None, self.root):
                assert display.blank_form_fields(replying) == fresh_render({}, replying)

    def test_each_request_gets_its_own_valid_time_trap_token_and_reply_target(self):
        first = display.blank_form_fields(self.root)
        assert f'name="parent" value="{self.root.pk}"' in first
        assert display.RENDERED_PLACEHOLDER not in first
        token = first.split('name="rendered" value="')[1].split('"')[0]
        assert 0 <= seconds_since_rendered(token) < 5
        with mock.patch("klearmind.comments.forms.time.time", return_value=1e9):
            later = display.blank_form_fields(None)
        assert token not in later
        assert 'name="parent" id="id_parent"' in later

    def test_a_remembered_writer_gets_a_fresh_render_with_their_details(self):
        author = {"author_name": "Ana Ruiz", "author_email": "ana@example.org"}
        request = mock.Mock(GET={}, comment_form=None)
        with mock.patch.object(display, "remembered_author", return_value=author):
            section = display.section_context(request, self.article)
        assert section["form_fields_html"] is None
        assert section["form"].initial["author_name"] == "Ana Ruiz"
        assert section["form"].initial["remember"] is True
