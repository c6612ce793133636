"""The sitemap: every published page in every language, each with its translations.

Wagtail's own sitemap lists the pages under the site's root page, which is the English home
page; the Spanish pages sit under its translation. Each entry names the same page in the other
languages as `hreflang` alternates, as search engines ask of a site in several languages.
"""

from collections import defaultdict

from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Locale, Page


class MultilingualSitemap(Sitemap):
    def items(self):
        root = self.get_wagtail_site().root_page
        pages = Page.objects.none()
        for home in root.get_translations(inclusive=True):
            pages |= Page.objects.descendant_of(home, inclusive=True)
        return pages.live().public().order_by("path").defer_streamfields().specific()

    def _urls(self, page, protocol, domain):
        languages = dict(Locale.objects.values_list("pk", "language_code"))
        entries, by_key = [], defaultdict(list)
        for item in self.paginator.page(page).object_list.iterator():
            for url in item.get_sitemap_urls(self.request):
                entries.append(url)
                by_key[item.translation_key].append((languages[item.locale_id], url))
        for group in by_key.values():
            if len(group) > 1:
                alternates = [
                    {"lang_code": code, "location": url["location"]} for code, url in group
                ]
                for _code, url in group:
                    url["alternates"] = alternates
        last_mods = {url.get("lastmod") for url in entries}
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return entries
