import re
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from wagtail.models import Locale, Page, Site

SEARCH_QUERY_MAX_LENGTH = 200
# Punctuation is query syntax to SQLite's full-text search (an unbalanced quote is an error),
# and the index keeps words only, so only words are searched for.
NOT_A_WORD = re.compile(r"[^\w\s]")


@require_GET
def search(request):
    query = " ".join(request.GET.get("q", "").replace("\x00", "").split())[:SEARCH_QUERY_MAX_LENGTH]
    results = Page.objects.none()
    words = " ".join(NOT_A_WORD.sub(" ", query).split())
    if words:
        # Pages in the language the visitor reads (English at /search/, Spanish at /es/search/).
        pages = Page.objects.live().public().filter(locale=Locale.get_active())
        results = pages.specific().search(words)
    page = Paginator(results, 10).get_page(request.GET.get("page"))
    context = {"search_query": query, "results": page, "query_string": urlencode({"q": query})}
    return render(request, "pages/search.html", context)


@require_GET
def robots_txt(request):
    site = Site.find_for_request(request)
    root = site.root_url if site else request.build_absolute_uri("/").rstrip("/")
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "",
        f"Sitemap: {root}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
