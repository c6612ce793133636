"""The site's chrome (main menu and footer) read once and kept in the cache until it changes.

Every public page shows the menu and the footer, so they would cost the same half-dozen queries
on every request. The cache key carries the tree version (see `clinic.tree_version`), so any
change to the published pages or the clinic settings rebuilds it on the next request.
"""

from wagtail.models import Site

from klearmind.clinic.models import ClinicSettings
from klearmind.clinic.tree_version import cached_for_tree

from .models import LocationPage


def site_chrome(request) -> dict:
    site = Site.find_for_request(request)
    if site is None:
        return {"menu": [], "locations": [], "footer_links": []}
    return cached_for_tree(f"pages:chrome:{site.pk}", lambda: build_chrome(site, request))


def build_chrome(site: Site, request) -> dict:
    menu = site.root_page.get_children().live().public().in_menu()
    locations = LocationPage.objects.live().public().order_by("path")
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
            }
            for location in locations
        ],
        "footer_links": [
            {
                "label": link.value["label"],
                "url": link.value["page"].get_url(request)
                if link.value["page"]
                else link.value["url"],
            }
            for link in clinic.footer_links
        ],
    }
