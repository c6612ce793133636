"""The site's chrome (main menu and footer) read once and kept in the cache until it changes.

Every public page shows the menu and the footer, so they would cost the same half-dozen queries
on every request. The cache key carries the tree version, which the signal handlers below bump
whenever a page is published, unpublished, moved or deleted, or the clinic settings change.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from .models import ClinicSettings, LocationPage
from .tree_version import bump_version, cached_for_tree


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


for signal in (page_published, page_unpublished, post_page_move):
    signal.connect(bump_version, dispatch_uid=f"chrome-{id(signal)}")
post_delete.connect(bump_version, sender=Page, dispatch_uid="chrome-page-deleted")
# A page made private, or public again, leaves or joins the menu and the listings.
post_save.connect(bump_version, sender=PageViewRestriction, dispatch_uid="chrome-restricted")
post_delete.connect(bump_version, sender=PageViewRestriction, dispatch_uid="chrome-unrestricted")


@receiver(post_save, sender=ClinicSettings, dispatch_uid="chrome-settings-saved")
def clinic_settings_saved(**kwargs) -> None:
    bump_version()
