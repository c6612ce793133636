"""The demo clinic in Spanish: translations of the English pages and notices, served under /es/
with Spanish fixed texts, while the English site reads exactly as before."""

from bs4 import BeautifulSoup
from django.test import override_settings
from django.utils import translation
from wagtail.models import Locale, Page, Revision

from klearmind.pages.demo.spanish import NOTICES_ES
from klearmind.pages.models import (
    ConditionPage,
    HomePage,
    LocationPage,
    SafetyNotice,
    ServicePage,
    StandardPage,
)

from .test_demo import DemoTestCase, load_demo

# Each translated page: its English address and its Spanish one.
ADDRESSES = {
    "/": "/es/",
    "/services/": "/es/servicios/",
    "/services/iv-ketamine-infusion/": "/es/servicios/ketamina-intravenosa/",
    "/services/spravato-esketamine/": "/es/servicios/spravato-esketamina/",
    "/services/iv-hydration/": "/es/servicios/hidratacion-intravenosa/",
    "/conditions/": "/es/afecciones/",
    "/conditions/anxiety/": "/es/afecciones/ansiedad/",
    "/conditions/depression/": "/es/afecciones/depresion/",
    "/conditions/ptsd/": "/es/afecciones/tept/",
    "/conditions/chronic-pain/": "/es/afecciones/dolor-cronico/",
    "/locations/": "/es/clinicas/",
    "/locations/sacramento/": "/es/clinicas/clinica-de-sacramento/",
    "/locations/roseville/": "/es/clinicas/clinica-de-roseville/",
    "/faq/": "/es/preguntas-frecuentes/",
    "/contact/": "/es/contacto/",
    "/important-safety-information/": "/es/informacion-importante-de-seguridad/",
    "/off-label-use/": "/es/uso-fuera-de-indicacion/",
    "/privacy/": "/es/privacidad/",
    "/articles/": "/es/articulos/",
    "/articles/iv-hydration-at-home-who-it-suits/": (
        "/es/articulos/hidratacion-intravenosa-en-casa/"
    ),
}
# The team and prices pages, which booking's part of the demo translates.
BOOKING_ADDRESSES = {"/team/": "/es/equipo/", "/prices/": "/es/precios/"}


def spanish() -> Locale:
    return Locale.objects.get(language_code="es")


def english() -> Locale:
    return Locale.objects.get(language_code="en")


def texts(soup, selector: str) -> list[str]:
    return [" ".join(node.get_text().split()) for node in soup.select(selector)]


@override_settings(DEMO_SPANISH=True)  # as `make run` loads it; the suite's default is off
class SpanishDemoTestCase(DemoTestCase):
    def soup(self, url: str) -> BeautifulSoup:
        response = self.client.get(url)
        assert response.status_code == 200, url
        return BeautifulSoup(response.content, "html.parser")

    def page_at(self, url: str) -> Page:
        response = self.client.get(url)
        assert response.status_code == 200, url
        return response.context["page"]


class SpanishPagesTests:
    def test_every_translated_page_answers_at_its_spanish_address(self):
        for english_url, spanish_url in (ADDRESSES | BOOKING_ADDRESSES).items():
            with self.subTest(url=spanish_url):
                original, translated = self.page_at(english_url), self.page_at(spanish_url)
                assert translated.locale == spanish()
                assert original.locale == english()
                assert translated.translation_key == original.translation_key
                assert translated.pk != original.pk
                assert translated.get_url() == spanish_url

    def test_the_spanish_home_page_is_the_translation_of_the_site_root(self):
        home = self.page_at("/es/")
        site_root = HomePage.objects.get(locale=english())
        assert home.specific_class is HomePage
        assert home.get_parent().is_root()
        assert home.translation_key == site_root.translation_key

    def test_the_spanish_home_page_shows_spanish_headings_and_lists_spanish_pages(self):
        soup = self.soup("/es/")
        assert soup.html["lang"].startswith("es")
        assert texts(soup, "h1") == [
            "Terapia con ketamina e hidratación intravenosa en Sacramento y Roseville"
        ]
        assert "Afecciones que tratamos" in texts(soup, "h2")
        assert texts(soup, "#conditions-heading + .cards .card__title") == [
            "Ansiedad",
            "Depresión",
            "TEPT (estrés postraumático)",
            "Dolor crónico",
        ]
        links = [a["href"] for a in soup.select(".cards .card__title a")]
        assert all(href.startswith("/es/") for href in links), links

    def test_the_spanish_menu_leads_to_spanish_pages(self):
        soup = self.soup("/es/")
        menu = {a.get_text(strip=True): a["href"] for a in soup.select(".site-nav a")}
        assert menu.get("Servicios") == "/es/servicios/"
        assert menu.get("Afecciones que tratamos") == "/es/afecciones/"
        assert menu.get("Clínicas") == "/es/clinicas/"

    def test_service_condition_and_location_pages_read_in_spanish(self):
        assert texts(self.soup("/es/servicios/ketamina-intravenosa/"), "h2")[:2] == [
            "Cómo es un tratamiento",
            "Cómo prepararse para una infusión",
        ]
        soup = self.soup("/es/afecciones/depresion/")
        assert texts(soup, "h1") == ["Depresión"]
        assert "Vivir con depresión" in texts(soup, "h2")
        soup = self.soup("/es/clinicas/clinica-de-sacramento/")
        assert "Nuestra clínica de Midtown" in soup.select_one(".lead").get_text()
        assert "Estamos en el segundo piso" in soup.select_one(".prose").get_text()

    def test_a_location_keeps_its_address_hours_and_images_in_spanish(self):
        for slug in ("sacramento", "roseville"):
            with self.subTest(slug=slug):
                original = LocationPage.objects.get(locale=english(), slug=slug)
                copy = original.get_translation(spanish())
                for name in ("street_address", "city", "postal_code", "phone", "latitude"):
                    assert getattr(copy, name) == getattr(original, name)
                assert copy.hero_image == original.hero_image
                hours = ("weekday", "opens", "closes")
                assert list(copy.hours.values_list(*hours)) == list(
                    original.hours.values_list(*hours)
                )
                assert copy.intro != original.intro

    def test_translated_services_and_conditions_reuse_the_english_images(self):
        for model in (ServicePage, ConditionPage):
            for original in model.objects.filter(locale=english()):
                with self.subTest(page=original.title):
                    copy = original.get_translation(spanish())
                    assert copy.live
                    assert copy.hero_image_id == original.hero_image_id

    def test_each_translation_has_one_revision_the_published_one(self):
        for page in Page.objects.filter(locale=spanish()):
            with self.subTest(page=page.title):
                revisions = Revision.page_revisions.filter(object_id=str(page.pk))
                assert revisions.count() == 1
                assert page.live_revision_id == revisions.get().pk
                assert not page.has_unpublished_changes

    def test_one_article_is_in_spanish_and_the_others_stay_in_english(self):
        soup = self.soup("/es/articulos/")
        assert texts(soup, "main h1") == ["Artículos"]
        listed = {a["href"] for a in soup.select("main a") if "/articulos/" in a.get("href", "")}
        assert listed == {"/es/articulos/hidratacion-intravenosa-en-casa/"}
        english = self.soup("/articles/")
        assert len({a["href"] for a in english.select("main a[href^='/articles/']")}) > 1
        assert self.client.get("/es/articles/").status_code == 404


class SpanishSafetyNoticeTests:
    def test_every_notice_has_a_spanish_translation_linked_to_the_spanish_full_page(self):
        for notice in SafetyNotice.objects.filter(locale=english()):
            with self.subTest(notice=notice.title):
                copy = notice.get_translation(spanish())
                assert copy.title in {data["title"] for data in NOTICES_ES.values()}
                assert copy.full_page.locale == spanish()
                assert copy.full_page.translation_key == notice.full_page.translation_key

    def test_a_spanish_page_shows_the_spanish_notice_and_an_english_page_the_english(self):
        spanish_titles = texts(self.soup("/es/servicios/ketamina-intravenosa/"), ".callout__title")
        assert spanish_titles == [
            "Información importante de seguridad",
            "Uso de la ketamina fuera de indicación",
        ]
        english_titles = texts(self.soup("/services/iv-ketamine-infusion/"), ".callout__title")
        assert english_titles == ["Important Safety Information", "Off-label use of ketamine"]

    def test_a_notice_placed_in_english_shows_in_the_active_language(self):
        notice = SafetyNotice.objects.get(locale=english(), title="Off-label use of ketamine")
        with translation.override("es"):
            assert notice.localized.title == "Uso de la ketamina fuera de indicación"
        with translation.override("en"):
            assert notice.localized == notice

    def test_an_untranslated_notice_falls_back_to_english(self):
        notice = SafetyNotice.objects.get(locale=english(), title="Off-label use of ketamine")
        notice.get_translation(spanish()).delete()
        with translation.override("es"):
            assert notice.localized == notice

    def test_the_spanish_safety_page_links_nothing_back_to_itself(self):
        soup = self.soup("/es/informacion-importante-de-seguridad/")
        assert "Información importante de seguridad" in texts(soup, ".callout__title")
        links = [a["href"] for a in soup.select(".callout--safety a")]
        assert "/es/informacion-importante-de-seguridad/" not in links


class SpanishRerunTests:
    def test_a_second_run_changes_nothing(self):
        before = {
            "pages": list(Page.objects.order_by("pk").values_list("pk", "title", "live")),
            "revisions": Revision.objects.count(),
            "notices": list(SafetyNotice.objects.order_by("pk").values_list("pk", "title")),
        }
        output = load_demo()
        after = {
            "pages": list(Page.objects.order_by("pk").values_list("pk", "title", "live")),
            "revisions": Revision.objects.count(),
            "notices": list(SafetyNotice.objects.order_by("pk").values_list("pk", "title")),
        }
        assert after == before
        assert f"Spanish pages: 0 created, {len(ADDRESSES)} already present." in output

    def test_the_first_run_reports_the_spanish_pages_on_one_line(self):
        assert f"Spanish pages: {len(ADDRESSES)} created, 0 already present." in self.output
        assert self.output.count("Spanish pages:") == 1

    def test_a_rerun_keeps_an_editors_spanish_edit_and_restores_a_deleted_translation(self):
        faq = Page.objects.get(locale=spanish(), slug="preguntas-frecuentes").specific
        faq.intro = "Editado por la recepción."
        faq.save_revision().publish()
        StandardPage.objects.get(slug="privacidad").delete()
        output = load_demo()
        faq.refresh_from_db()
        assert faq.intro == "Editado por la recepción."
        restored = StandardPage.objects.get(slug="privacidad")
        assert restored.live
        assert restored.translation_key == StandardPage.objects.get(slug="privacy").translation_key
        assert f"Spanish pages: 1 created, {len(ADDRESSES) - 1} already present." in output


class FixedTextTests:
    """The words the page templates write themselves, in Spanish under /es/ and as before
    in English."""

    def test_a_spanish_location_page_labels_its_sections_and_days_in_spanish(self):
        soup = self.soup("/es/clinicas/clinica-de-sacramento/")
        headings = texts(soup, "h2")
        for heading in ("Dirección", "Mapa", "Horario", "Visitas a domicilio"):
            assert heading in headings
        assert texts(soup, ".hours th")[:2] == ["lunes", "martes"]
        assert texts(soup, ".hours td")[-1] == "Cerrado"
        status = soup.select_one(".open-status strong").get_text()
        assert status.startswith(("Abierto ahora", "Cerrado ahora")), status
        assert soup.select_one(".open-status__today").get_text().startswith("Hoy (")
        directions = soup.select_one(".location-map a").get_text()
        assert directions.startswith("Cómo llegar a 1820 Capitol Avenue")

    def test_a_spanish_location_page_books_at_its_clinic_and_a_spanish_drip_page_lists_drips(self):
        card = self.soup("/es/clinicas/clinica-de-sacramento/").select_one(".booking-card")
        assert card is not None, "the Spanish location page has no booking card"
        assert card.h2.get_text().startswith("Reserve en ")
        assert all(a["href"].startswith("/es/book/") for a in card.select("a"))
        english = self.soup("/services/iv-hydration/").select(".drip-menu tbody tr")
        spanish = self.soup("/es/servicios/hidratacion-intravenosa/")
        assert texts(spanish, "#menu-heading") == ["Menú de sueros"]
        assert len(spanish.select(".drip-menu tbody tr")) == len(english) > 0

    def test_the_english_location_page_reads_as_before(self):
        soup = self.soup("/locations/sacramento/")
        headings = texts(soup, "h2")
        for heading in ("Address", "Map", "Opening hours", "At-home visits"):
            assert heading in headings
        assert texts(soup, ".hours th")[:2] == ["Monday", "Tuesday"]
        assert texts(soup, ".hours td")[-1] == "Closed"
        status = soup.select_one(".open-status strong").get_text()
        assert status.startswith(("Open now", "Closed now")), status
        assert soup.select_one(".open-status__today").get_text().startswith("Today (")
        directions = soup.select_one(".location-map a").get_text()
        assert directions == (
            "Directions to 1820 Capitol Avenue, Suite 210, Sacramento, CA 95811, on OpenStreetMap"
        )

    def test_the_home_pages_fixed_texts_follow_the_language(self):
        spanish_home, english_home = self.soup("/es/"), self.soup("/")
        assert "Visítenos, o vamos a su casa" in texts(spanish_home, "h2")
        assert "Visit us, or we come to you" in texts(english_home, "h2")
        assert "Reserve una consulta gratuita" in texts(spanish_home, ".hero__actions a")
        assert "Book a free consultation" in texts(english_home, ".hero__actions a")
        assert "Visitas a domicilio en 7 códigos postales cercanos." in texts(spanish_home, "p")
        assert "At-home visits in 7 nearby ZIP codes." in texts(english_home, "p")

    def test_a_spanish_notice_links_to_its_full_spanish_page(self):
        soup = self.soup("/es/servicios/ketamina-intravenosa/")
        links = {a.get_text(): a["href"] for a in soup.select(".callout--safety a[href^='/es/']")}
        assert links["Lea el texto completo: Información importante de seguridad"] == (
            "/es/informacion-importante-de-seguridad/"
        )

    def test_search_in_spanish_finds_spanish_pages_only(self):
        soup = self.soup("/es/search/?q=esketamina")
        assert texts(soup, "h1") == ["Buscar"]
        assert soup.select_one("label[for=search-q]").get_text() == "Buscar en el sitio"
        assert "resultados para “esketamina”" in soup.select_one("[role=status]").get_text()
        links = [a["href"] for a in soup.select(".card__title a")]
        assert links and all(href.startswith("/es/") for href in links), links
        nothing = self.soup("/es/search/?q=zzzzqx")
        assert "No encontramos nada para “zzzzqx”" in nothing.select_one("[role=status]").text

    def test_search_in_english_reads_as_before_and_finds_english_pages_only(self):
        soup = self.soup("/search/?q=spravato")
        assert texts(soup, "h1") == ["Search"]
        assert " results for “spravato”." in soup.select_one("[role=status]").get_text()
        links = [a["href"] for a in soup.select(".card__title a")]
        assert links and not any(href.startswith("/es/") for href in links), links

    def test_the_spanish_contact_page_has_a_spanish_form_frame(self):
        soup = self.soup("/es/contacto/")
        assert soup.select_one("button[type=submit]").get_text() == "Enviar mensaje"
        assert "son obligatorios." in soup.select_one(".form__legend").get_text()
        english = self.soup("/contact/")
        assert english.select_one("button[type=submit]").get_text() == "Send message"
        assert english.select_one(".form__legend").get_text() == (
            "Fields marked *with an asterisk are required."
        )


class SpanishDemoTests(
    SpanishPagesTests,
    SpanishSafetyNoticeTests,
    SpanishRerunTests,
    FixedTextTests,
    SpanishDemoTestCase,
):
    """The groups above on one demo clinic, loaded once for all of them (each test is rolled
    back to it)."""
