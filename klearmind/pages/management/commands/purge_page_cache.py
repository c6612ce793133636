from django.conf import settings
from django.core.management.base import BaseCommand
from wagtail.contrib.frontend_cache.utils import purge_pages_from_cache
from wagtail.models import Page

from klearmind.pages.page_cache import invalidate_site


class Command(BaseCommand):
    help = (
        "Make every page in the page cache stale, and ask the proxy or CDN in front (when one "
        "is configured) to purge every live page. Changes made in the admin do this by "
        "themselves; this is for changes made another way, such as a template deployed."
    )

    def handle(self, *args, **options):
        invalidate_site()
        self.stdout.write("Page cache: every cached page is stale.")
        if settings.WAGTAILFRONTENDCACHE:
            pages = Page.objects.live().public().specific()
            purge_pages_from_cache(pages)
            self.stdout.write(f"Proxy: asked to purge {pages.count()} pages.")
