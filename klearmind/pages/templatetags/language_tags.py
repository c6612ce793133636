"""The same page in the site's other languages: the language switcher and `hreflang` links.

A Wagtail page's other languages are its published translations. Any other screen (booking,
the questionnaire, the portal) is the same view under another language prefix, so its address
is translated with Django's `translate_url`; a screen outside the language prefixes (the back
office) has no other language.
"""

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import translation
from wagtail.models import Page

register = template.Library()


@register.simple_tag(takes_context=True)
def language_versions(context, page=None) -> list[dict]:
    """One entry per language: its code, its name in itself, the address of this page in it
    (`translated`) or else of the home page in it, and whether it is the language shown."""
    request = context.get("request")
    if request is None:
        return []
    current = translation.get_language()
    full_urls = {}
    if isinstance(page, Page) and page.pk is not None:
        translations = page_translations(page, request)
        urls = {other.locale.language_code: other.get_url(request) for other in translations}
        # Absolute as the canonical link is: on the site's own address.
        full_urls = {
            other.locale.language_code: other.get_full_url(request) for other in translations
        }
    else:
        # The path alone: a query string may carry a token or what someone typed.
        urls = view_translation_urls(request.path, current)
    return [
        {
            "code": code,
            "name": name,
            "url": urls.get(code) or home_url(code),
            "full_url": full_urls.get(code),
            "translated": code in urls,
            "current": code == current,
        }
        for code, name in settings.LANGUAGES
    ]


def page_translations(page: Page, request) -> list[Page]:
    """The page's live translations with itself, read once per request (the head and the
    header both ask)."""
    remembered = request.__dict__.setdefault("_page_translations", {})
    if page.pk not in remembered:
        remembered[page.pk] = list(
            page.get_translations(inclusive=True).live().select_related("locale")
        )
    return remembered[page.pk]


def view_translation_urls(path: str, current: str) -> dict[str, str]:
    urls = {current: path}
    for code, _name in settings.LANGUAGES:
        if code != current:
            translated = translate_url(path, code)
            if translated != path:
                urls[code] = translated
    return urls


@register.simple_tag
def home_url(language: str | None = None) -> str:
    """The home page's address in `language` (the active one by default)."""
    with translation.override(language or translation.get_language()):
        return reverse("wagtail_serve", args=("",))
