"""Which Wagtail site a request is for, from the cache instead of a query on every request."""

from django.core.exceptions import DisallowedHost
from django.http.request import split_domain_port
from wagtail.models import Site
from wagtail.models.sites import get_site_for_hostname

from klearmind.clinic.tree_version import cached_for_tree


def site_with_root(hostname: str, port: int) -> Site | None:
    """The site as Wagtail finds it, with its root page already in its own class, where every
    route starts (saved with the site, so replaying it costs no query either)."""
    try:
        site = get_site_for_hostname(hostname, port)
    except Site.DoesNotExist:
        return None
    # In its own class, so that the home page's cached `localized` answers for it.
    site.root_page = site.root_page.specific
    return site


class CachedSiteMiddleware:
    """Sets the site Wagtail would look up, kept until the tree version moves on (saving or
    deleting a site, a page, or the clinic settings moves it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            request.get_host()  # only host names the site answers to get a cache entry
        except DisallowedHost:
            return self.get_response(request)
        hostname = split_domain_port(request._get_raw_host())[0]
        port = request.get_port()
        try:
            site = cached_for_tree(
                f"pages:site:{hostname}:{port}", lambda: site_with_root(hostname, port)
            )
        except Exception:  # noqa: BLE001
            # A shortcut only: with the database or the cache down, the view answers as it
            # would without it (the health check with its 503, a page with the error page).
            site = None
        if site is not None:
            request._wagtail_site = site
        return self.get_response(request)
