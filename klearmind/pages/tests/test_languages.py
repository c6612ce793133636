"""English at the site's own addresses, Spanish under /es/: chosen by the address alone, with a
switcher, `hreflang` links and a sitemap that name each page's other language."""

from xml.etree import ElementTree

from bs4 import BeautifulSoup
from django.test import Client
from django.utils import translation
from wagtail.models import Locale

from klearmind.clinic.models import ClinicSettings
from klearmind.pages.models import FAQPage, HomePage

from .test_pages import DemoSiteTestCase, texts

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def spanish(page):
    """The page's Spanish translation, made and published here if the demo has none."""
    locale = Locale.objects.get(language_code="es")
    translation = page.get_translation_or_none(locale)
    if translation is None:
        translation = page.copy_for_translation(locale, copy_parents=True)
        translation.title = f"{page.title} (es)"
        translation.save_revision().publish()
    return translation.specific


class LanguageTests(DemoSiteTestCase):
    def setUp(self):
        self.home = HomePage.objects.get(locale__language_code="en")
        self.home_es = spanish(self.home)

    def test_the_address_alone_sets_the_language(self):
        response = Client(HTTP_ACCEPT_LANGUAGE="es").get("/")
        assert response.headers["Content-Language"] == "en"
        assert "Accept-Language" not in response.headers.get("Vary", "")
        assert BeautifulSoup(response.content, "html.parser").html["lang"] == "en"
        response = self.client.get("/es/")
        assert response.headers["Content-Language"] == "es"
        assert BeautifulSoup(response.content, "html.parser").html["lang"] == "es"
        assert translation.get_language() == "en"  # Spanish for that request only

    def test_the_spanish_pages_wear_a_spanish_header_and_footer(self):
        soup = self.soup("/es/")
        assert soup.select_one(".skip-link").get_text() == "Saltar al contenido principal"
        assert soup.select_one(".site-header a.button--primary").get_text() == (
            "Reserve una consulta gratuita"
        )
        assert soup.select_one("#crisis-heading").get_text() == "¿Necesita ayuda ahora?"
        crisis = soup.select_one(".crisis-line p").get_text()
        assert crisis == ClinicSettings.load().crisis_line_text_es
        assert "marque 2" in crisis and "911" in crisis
        assert (
            soup.select_one(".site-footer__legal")
            .get_text()
            .endswith("no constituye consejo médico.")
        )
        english = self.soup("/")
        assert english.select_one("#crisis-heading").get_text() == "Need help now?"
        assert "Saltar" not in english.get_text()

    def test_the_header_and_footer_are_cached_per_language(self):
        for _ in range(2):  # the second round is served from the fragment caches
            assert texts(self.soup("/faq/"), ".skip-link") == ["Skip to main content"]
            assert texts(self.soup("/es/"), ".skip-link") == ["Saltar al contenido principal"]

    def test_the_switcher_leads_to_the_translation_or_else_the_other_home_page(self):
        links = self.soup("/").select(".site-header .language-link")
        assert {(a["href"], a["lang"], a.get_text()) for a in links} == {("/es/", "es", "Español")}
        links = self.soup("/es/").select(".site-header .language-link")
        assert {(a["href"], a["lang"], a.get_text()) for a in links} == {("/", "en", "English")}
        faq = FAQPage.objects.get(locale__language_code="en")
        if faq.get_translation_or_none(self.home_es.locale) is None:
            links = self.soup(faq.url).select(".language-link")
            assert {a["href"] for a in links} == {"/es/"}  # no Spanish FAQ yet: Spanish home
        faq_es = spanish(faq)
        links = self.soup(faq.url).select(".language-link")
        assert {a["href"] for a in links} == {faq_es.url}
        assert faq_es.url.startswith("/es/")

    def test_screens_outside_the_page_tree_switch_to_the_same_screen(self):
        links = self.soup("/book/").select(".language-link")
        assert {a["href"] for a in links} == {"/es/book/"}
        links = self.soup("/es/book/").select(".language-link")
        assert {a["href"] for a in links} == {"/book/"}

    def test_the_switcher_leaves_the_query_string_which_may_carry_a_token(self):
        links = self.soup("/book/?invitation=not-a-real-token").select(".language-link")
        assert {a["href"] for a in links} == {"/es/book/"}

    def test_a_translated_page_names_each_language_and_a_default_in_its_head(self):
        for path in ("/", "/es/"):
            soup = self.soup(path)
            alternates = {
                link["hreflang"]: link["href"]
                for link in soup.select('head link[rel="alternate"][hreflang]')
            }
            assert alternates == {
                "en": "http://testserver/",
                "es": "http://testserver/es/",
                "x-default": "http://testserver/",
            }

    def test_an_untranslated_page_names_only_its_own_language(self):
        faq = FAQPage.objects.get(locale__language_code="en")
        if faq.get_translation_or_none(self.home_es.locale) is not None:
            self.skipTest("the demo translates the FAQ")
        soup = self.soup(faq.url)
        assert [link["hreflang"] for link in soup.select("head link[hreflang]")] == [
            "en",
            "x-default",
        ]

    def test_the_sitemap_lists_both_languages_with_their_alternates(self):
        response = self.client.get("/sitemap.xml")
        root = ElementTree.fromstring(response.content)  # noqa: S314 (our own output)
        entries = {
            url.find(f"{SITEMAP}loc").text: {
                link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")
            }
            for url in root.findall(f"{SITEMAP}url")
        }
        home, home_es = self.home.full_url, self.home_es.full_url
        assert home_es.endswith("/es/")
        assert entries[home] == entries[home_es] == {"en": home, "es": home_es}
        assert all(location.startswith(home) for location in entries)

    def test_the_spanish_menu_names_translated_pages_and_keeps_the_others(self):
        faq = FAQPage.objects.get(locale__language_code="en")
        faq.show_in_menus = True
        faq.save_revision().publish()
        faq_es = spanish(faq)
        faq_es.title = "Preguntas frecuentes"
        faq_es.save_revision().publish()
        english_menu = {a.get_text(): a["href"] for a in self.soup("/").select(".site-nav--wide a")}
        spanish_menu = {
            a.get_text(): a["href"] for a in self.soup("/es/").select(".site-nav--wide a")
        }
        assert spanish_menu["Preguntas frecuentes"] == faq_es.url
        assert faq.title not in spanish_menu
        assert len(spanish_menu) == len(english_menu)
