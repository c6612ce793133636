"""Comment text becomes escaped paragraphs with bare web addresses linked, and nothing else."""

from klearmind.comments.rendering import render_text


def test_paragraphs_and_line_breaks_are_kept():
    assert render_text("One\nline two\n\nTwo") == "<p>One<br>line two</p><p>Two</p>"


def test_markup_is_shown_as_text_never_rendered():
    html = render_text('<b onclick="x()">bold</b> & <a href="javascript:alert(1)">a</a>')
    assert "<b" not in html and '<a href="javascript' not in html
    assert "&lt;b onclick=&quot;x()&quot;&gt;bold&lt;/b&gt; &amp;" in html


def test_bare_urls_are_linked_with_nofollow_ugc_noopener_and_trailing_punctuation_left_out():
    html = render_text("Read https://example.org/a?b=1&c=2, then (http://example.net).")
    assert (
        '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener">'
        "https://example.org/a?b=1&amp;c=2</a>, then (" in html
    )
    link = '<a href="http://example.net" rel="nofollow ugc noopener">http://example.net</a>'
    assert link + ")." in html


def test_only_http_and_https_become_links():
    html = render_text("javascript:alert(1) ftp://example.org data:text/html,x")
    assert "<a" not in html


def test_a_url_cannot_break_out_of_its_attribute():
    html = render_text('https://example.org/"><script>alert(1)</script>')
    assert "<script>" not in html
    assert 'href="https://example.org/"' in html
