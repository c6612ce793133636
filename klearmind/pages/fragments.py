"""Rendered parts of published pages, kept in the cache until what they show changes.

A page's StreamField body is most of what it costs to render: every block is a template, and
images, snippets and linked pages are read from the database. Its HTML depends on the body
itself, on the page and site it is shown on, and on what it links to or embeds. The cache key
holds a digest of the body, so an edit is a new key, and the tree version (see
`clinic.tree_version`), which moves on when a page, snippet, image, document or the clinic
settings change.

The head (meta tags and structured data), header and footer of a page are kept the same way,
per page where they depend on it; what differs per request (the CSRF token, the comment form's
time trap, the year in the footer) stays outside them.
"""

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import translation
from django.utils.safestring import mark_safe
from wagtail.models import Page, Site

from klearmind.clinic.tree_version import cached_for_tree

BODY_TEMPLATE = "pages/includes/body.html"


def body_digest(body) -> str:
    data = json.dumps(body.get_prep_value(), sort_keys=True, cls=DjangoJSONEncoder)
    return hashlib.blake2b(data.encode(), digest_size=16).hexdigest()


def is_cacheable(request, page) -> bool:
    """Only a saved Wagtail page being served; previews show drafts."""
    return (
        request is not None
        and not getattr(request, "is_preview", False)
        and isinstance(page, Page)
        and page.pk is not None
    )


def cached_fragment(request, name: str, vary_on: list, render) -> str:
    """`render()`, kept per site, scheme and host (absolute URLs carry them), language and
    `vary_on`."""
    site = Site.find_for_request(request)
    host = request.get_host()
    parts = [name, site.pk if site else 0, request.scheme, host, translation.get_language()]
    parts += vary_on
    key = "pages:fragment:" + ":".join(str(part) for part in parts)
    return mark_safe(cached_for_tree(key, lambda: str(render())))  # noqa: S308


def rendered_body(context, body) -> str:
    """The body's HTML as `{% include "pages/includes/body.html" %}` renders it."""
    template = context.template.engine.get_template(BODY_TEMPLATE)

    def render() -> str:
        with context.push(body=body):
            return template.render(context)

    request, page = context.get("request"), context.get("page")
    if not is_cacheable(request, page):
        return render()
    return cached_fragment(request, "body", [page.pk, body_digest(body)], render)
