"""Comment text as HTML: everything escaped, paragraphs kept, bare web addresses linked."""

import re

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .rules import URL_PATTERN

TRAILING_PUNCTUATION = ".,;:!?)]}'\""
LINK_REL = "nofollow ugc noopener"


def link(url: str) -> str:
    return format_html('<a href="{}" rel="{}">{}</a>', url, LINK_REL, url)


def linked_line(line: str) -> str:
    """One line, escaped, with each http(s) address turned into a link."""
    parts, position = [], 0
    for match in URL_PATTERN.finditer(line):
        url = match.group().rstrip(TRAILING_PUNCTUATION)
        parts += [escape(line[position : match.start()]), link(url)]
        position = match.start() + len(url)
    parts.append(escape(line[position:]))
    return "".join(parts)


def render_text(text: str) -> SafeString:
    paragraphs = [p for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()) if p]
    html = "".join(
        "<p>" + "<br>".join(linked_line(line) for line in paragraph.split("\n")) + "</p>"
        for paragraph in paragraphs
    )
    return mark_safe(html)  # noqa: S308 - every piece above was escaped
