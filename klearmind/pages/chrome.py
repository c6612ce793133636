"""The site's chrome (main menu and footer) read once and kept in the cache until it changes.

Every public page shows the menu and the footer, so they would cost the same half-dozen queries
on every request. The cache key carries the tree version (see `clinic.tree_version`), so any
change to the published pages or the clinic settings rebuilds it on the next request.
"""

from django.utils import translation
from wagtail.models import Page, Site

from klearmind.clinic.models import ClinicSettings
from klearmind.clinic.tree_version import cached_for_tree

from .models import LocationPage


def in_language(pages, model) -> list:
    """Each page's published translation into the active language, or the page itself."""
    pages = list(pages)
    translations = model.objects.live().filter(
        translation_key__in=[page.translation_key for page in pages],
        locale__language_code=translation.get_language(),
    )
    by_key = {page.translation_key: page for page in translations}
    return [by_key.get(page.translation_key, page) for page in pages]


def site_chrome(request) -> dict:
    site = Site.find_for_request(request)
    if site is None:
        return {"menu": [], "locations": [], "footer_links": []}
    language = translation.get_language()
    return cached_for_tree(
        f"pages:chrome:{site.pk}:{language}", lambda: build_chrome(site, request)
    )


def build_chrome(site: Site, request) -> dict:
    """The menu and footer in the active language: the translation of each page where there is
    one, the page in the site's own language where there is none yet."""
    root = site.root_page
    menu = in_language(root.get_children().live().public().in_menu(), Page)
    locations = in_language(
        LocationPage.objects.live().public().filter(locale=root.locale).order_by("path"),
        LocationPage,
    )
    clinic = ClinicSettings.load(request_or_site=request)
    return {
        "menu": [
            {"pk": page.pk, "path": page.path, "title": page.title, "url": page.get_url(request)}
            for page in menu
        ],
        "locations": [
            {
                "title": location.title,
                "url": location.get_url(request),
                "street_address": location.street_address,
                "locality": f"{location.city}, {location.region} {location.postal_code}",
                "phone": location.phone,
                "hours": {
                    hours.weekday: (hours.opens, hours.closes) for hours in location.hours.all()
                },
            }
            for location in locations
        ],
        "footer_links": [
            {
                "label": link.value["label"],
                "url": link.value["page"].localized.get_url(request)
                if link.value["page"]
                else link.value["url"],
            }
            for link in clinic.footer_links
        ],
    }
