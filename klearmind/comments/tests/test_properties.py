"""Arbitrary unicode, markup, null bytes and huge strings sent to the comment form: never a
server error, never unescaped output, never a half-saved row."""

from django.test import Client
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from klearmind.comments.models import Comment, CommentSettings, CommentStatus

from .factories import article_site

MARKER = '<x-evil onload="alert(1)">'
nasty_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.sampled_from("<>&\"'\x00\u202e\u2067שלום🌿\r\n\t /:."), max_size=80),
    st.builds(lambda s: MARKER + s, st.text(max_size=40)),
    st.sampled_from(["x" * 65_526, "x" * 100_000, "\x00", "https://" + "a" * 300]),
)


class ArbitraryInputTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = article_site()
        comment_settings = CommentSettings.load()
        comment_settings.time_trap_seconds = 0
        comment_settings.flood_seconds = 0
        comment_settings.save()

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        text=nasty_text,
        name=st.one_of(st.just("Ana Ruiz"), nasty_text),
        email=st.one_of(st.emails(), st.just("ana@example.org"), nasty_text),
        url=st.one_of(st.just(""), st.just("https://example.org/x"), nasty_text),
        parent=st.one_of(st.just(""), nasty_text),
    )
    def test_the_form_never_fails_never_echoes_markup_and_never_half_saves(
        self, text, name, email, url, parent
    ):
        client = Client()
        before = Comment.objects.count()
        response = client.post(
            f"/comments/post/{self.article.pk}/",
            {
                "text": text,
                "author_name": name,
                "author_email": email,
                "author_url": url,
                "parent": parent,
                "rendered": "",
            },
        )
        assert response.status_code in (302, 400, 409, 429), response.status_code
        assert MARKER.encode() not in response.content
        after = Comment.objects.count()
        event(f"status {response.status_code}")
        if response.status_code == 302:
            assert after == before + 1
            comment = Comment.objects.latest("pk")
            assert comment.text == text.strip()
            assert comment.author_email and "\x00" not in comment.author_name
            comment.status = CommentStatus.APPROVED
            comment.save(update_fields=["status"])
            public = client.get(self.article.url)
            assert public.status_code == 200
            assert MARKER.encode() not in public.content
            if comment.author_email not in text + name + url:
                assert comment.author_email.encode() not in public.content
        else:
            assert after == before
