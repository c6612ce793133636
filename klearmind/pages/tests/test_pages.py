"""Every page type renders its own content, from the demo clinic a newcomer gets."""

import json
from xml.etree import ElementTree

from bs4 import BeautifulSoup
from django.core.management import call_command
from django.test import TestCase

SEED_ARTICLE = "/articles/ketamine-therapy-a-proven-medicine-with-a-new-purpose/"


def load_demo():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


class DemoSiteTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def soup(self, path: str) -> BeautifulSoup:
        response = self.client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return BeautifulSoup(response.content, "html.parser")

    def structured_data(self, soup: BeautifulSoup) -> list[dict]:
        return [
            json.loads(tag.string) for tag in soup.find_all("script", type="application/ld+json")
        ]


def texts(soup, selector) -> list[str]:
    return [" ".join(tag.get_text(" ").split()) for tag in soup.select(selector)]


class PageTypeTests(DemoSiteTestCase):
    def test_home_page_shows_promise_conditions_locations_articles_and_booking(self):
        soup = self.soup("/")
        assert soup.h1.get_text() == "Ketamine therapy and IV hydration in Sacramento and Roseville"
        assert (
            "in our clinics or in the comfort of your home" in soup.select_one(".hero").get_text()
        )
        conditions = texts(soup, "#conditions-heading + .cards .card__title")
        assert conditions == ["Anxiety", "Depression", "PTSD", "Chronic pain"]
        locations = texts(soup, "#locations-home-heading + .cards .card__title")
        assert locations == ["Sacramento", "Roseville"]
        articles = texts(soup, "#articles-heading + .cards .card__title")
        assert len(articles) == 3
        assert articles[-1] == "Ketamine therapy: a proven medicine with a new purpose"
        booking = soup.select(".site-header a.button--primary")[0]
        assert booking.get_text() == "Book a free consultation"
        assert booking["href"] == "/book/free-consultation/"
        assert soup.select_one(".phone-link")["href"] == "tel:+19165550142"
        primary = [a.get_text() for a in soup.select(".hero a.button--primary")]
        assert primary == ["Book a free consultation"]  # one primary action; the rest are links
        actions = {a.get_text(): a["href"] for a in soup.select(".hero__links a")}
        assert actions["Book a visit online"] == "/book/"
        questionnaire = "Could ketamine therapy suit you? Take the questionnaire"
        assert actions[questionnaire] == "/candidacy/"

    def test_article_page_renders_every_section_of_the_seed_article(self):
        soup = self.soup(SEED_ARTICLE)
        assert soup.h1.get_text() == "Ketamine therapy: a proven medicine with a new purpose"
        headings = texts(soup, ".prose h2")
        for expected in ("How ketamine works", "Depression", "Neuroplasticity", "Efficacy"):
            assert expected in headings
        assert "Medically reviewed by" in soup.select_one(".meta").get_text()
        assert soup.select_one(".pull-quote blockquote").get_text(strip=True)
        notices = texts(soup, ".callout--safety .callout__title")
        assert notices == ["Important Safety Information", "Off-label use of ketamine"]
        assert soup.select_one(".callout--safety a")["href"] == "/important-safety-information/"

    def test_article_video_is_a_local_poster_until_clicked(self):
        soup = self.soup(SEED_ARTICLE)
        assert soup.find("iframe") is None
        facade = soup.select_one("[data-video] a.video__facade")
        assert facade["data-player"].startswith("https://www.youtube-nocookie.com/embed/")
        assert facade.img["src"].startswith("/media/images/")
        assert facade.select_one(".video__label").get_text().startswith("Play video:")
        for tag in soup.find_all(["img", "script", "link", "iframe", "source"]):
            address = tag.get("src") or tag.get("href") or ""
            assert not address.startswith(("http:", "https:", "//")) or tag.name == "link", address

    def test_article_index_lists_articles_newest_first(self):
        soup = self.soup("/articles/")
        titles = texts(soup, ".card__title")
        assert titles[0] == "IV hydration at home: who it suits"
        assert titles[-1] == "Ketamine therapy: a proven medicine with a new purpose"

    def test_service_page_shows_the_drip_menu_with_prices(self):
        soup = self.soup("/services/iv-hydration/")
        rows = soup.select(".drip-menu tbody tr")
        assert len(rows) >= 4
        names = [row.th.get_text() for row in rows]
        assert "Myers' cocktail" in names
        first = [cell.get_text() for cell in rows[0].find_all("td")]
        assert first[1].endswith("min")
        assert first[2].startswith("$")

    def test_ketamine_service_places_both_safety_notices(self):
        soup = self.soup("/services/iv-ketamine-infusion/")
        assert "0.5 mg of ketamine per kilogram of body weight" in soup.get_text()
        assert texts(soup, ".callout__title") == [
            "Important Safety Information",
            "Off-label use of ketamine",
        ]

    def test_condition_page_renders_its_summary_and_body(self):
        soup = self.soup("/conditions/depression/")
        assert soup.h1.get_text() == "Depression"
        assert soup.select_one(".lead").get_text(strip=True)
        assert soup.select(".prose h2")

    def test_location_page_shows_address_hours_map_and_service_area(self):
        soup = self.soup("/locations/sacramento/")
        assert "Sacramento, CA 958" in soup.select_one("#address-heading + address").get_text()
        hours = {
            row.th.get_text(): row.td.get_text(" ", strip=True) for row in soup.select(".hours tr")
        }
        assert list(hours) == [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ]
        assert hours["Monday"] == "8:00 AM – 6:00 PM"
        assert hours["Sunday"] == "Closed"
        zips = texts(soup, ".zip-list li")
        assert "95811" in zips
        assert all(len(code) == 5 and code.isdigit() for code in zips)
        map_link = soup.select_one("a[href^='https://www.openstreetmap.org/']")
        assert "Directions to 1820 Capitol Avenue" in map_link.get_text()

    def test_faq_page_lists_questions_with_answers(self):
        soup = self.soup("/faq/")
        questions = soup.select("details.faq")
        assert len(questions) >= 8
        assert all(q.select_one(".faq__answer").get_text(strip=True) for q in questions)
        assert any("988" in q.get_text() for q in questions)

    def test_standard_page_places_its_notice_in_full(self):
        soup = self.soup("/important-safety-information/")
        assert soup.h1.get_text() == "Important Safety Information"
        assert soup.select_one(".callout--safety")
        # The notice does not link to the page it already sits on.
        assert not soup.select(".callout--safety a[href='/important-safety-information/']")

    def test_footer_shows_both_locations_the_crisis_line_and_safety_links(self):
        soup = self.soup("/faq/")
        footer = soup.select_one(".site-footer")
        assert "988" in footer.select_one(".crisis-line").get_text()
        assert texts(footer, ".footer-locations li > a:first-child") == ["Sacramento", "Roseville"]
        links = texts(footer, "nav a")
        assert "Important Safety Information" in links
        assert "Off-label use of ketamine" in links

    def test_search_finds_the_article_and_escapes_the_query(self):
        soup = self.soup("/search/?q=neuroplasticity")
        assert "Ketamine therapy: a proven medicine with a new purpose" in texts(
            soup, ".card__title"
        )
        response = self.client.get("/search/", {"q": "<script>alert(1)</script>\x00"})
        assert response.status_code == 200
        assert b"<script>alert(1)" not in response.content
        assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content

    def test_search_takes_quotes_and_brackets_as_plain_text(self):
        for query in ('a">', '"neuroplasticity', "(ketamine", "*", "NEAR(a b)"):
            response = self.client.get("/search/", {"q": query})
            assert response.status_code == 200, query
        soup = self.soup('/search/?q="neuroplasticity')
        assert "Ketamine therapy: a proven medicine with a new purpose" in texts(
            soup, ".card__title"
        )

    def test_search_results_page_on_with_the_query_kept(self):
        soup = self.soup("/search/?q=ketamine")
        more = soup.find("a", rel="next")
        assert more.get_text() == "More results"
        assert more["href"] == "?q=ketamine&page=2"
        second = self.soup("/search/" + more["href"])
        assert second.find("a", rel="prev").get_text() == "Previous results"
        assert second.select(".card__title")

    def test_unknown_address_gets_our_404_page(self):
        response = self.client.get("/no-such-page/")
        assert response.status_code == 404
        assert b"We could not find that page" in response.content


class SeoTests(DemoSiteTestCase):
    def sitemap_locations(self) -> list[str]:
        response = self.client.get("/sitemap.xml")
        tree = ElementTree.fromstring(response.content)  # noqa: S314 (our own output)
        return [loc.text for loc in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]

    def test_home_and_location_pages_describe_a_medical_clinic(self):
        (home,) = self.structured_data(self.soup("/"))
        assert home["@type"] == "MedicalClinic"
        assert home["name"] == "Klearmind Ketamine & IV Hydration Clinic"
        assert [d["address"]["addressLocality"] for d in home["department"]] == [
            "Sacramento",
            "Roseville",
        ]
        (location,) = self.structured_data(self.soup("/locations/roseville/"))
        assert location["@type"] == "MedicalClinic"
        assert location["address"]["postalCode"] == "95661"
        assert location["openingHoursSpecification"][0]["dayOfWeek"] == "Monday"
        assert {"95661", "95678"} <= {area["postalCodeBegin"] for area in location["areaServed"]}

    def test_articles_and_services_are_medical_web_pages(self):
        (article,) = self.structured_data(self.soup(SEED_ARTICLE))
        assert article["@type"] == "MedicalWebPage"
        assert article["headline"] == "Ketamine therapy: a proven medicine with a new purpose"
        assert article["datePublished"] == "2026-03-10"
        assert article["reviewedBy"]["@type"] == "Person"
        (service,) = self.structured_data(self.soup("/services/spravato-esketamine/"))
        assert service["@type"] == "MedicalWebPage"
        assert service["about"] == {"@type": "MedicalTherapy", "name": "Spravato (esketamine)"}

    def test_faq_page_is_an_faq_page_with_every_question(self):
        soup = self.soup("/faq/")
        (faq,) = self.structured_data(soup)
        assert faq["@type"] == "FAQPage"
        assert [q["name"] for q in faq["mainEntity"]] == texts(soup, ".faq__question")
        assert all("<" not in q["acceptedAnswer"]["text"] for q in faq["mainEntity"])

    def test_pages_carry_canonical_open_graph_and_description(self):
        soup = self.soup(SEED_ARTICLE)
        canonical = soup.find("link", rel="canonical")["href"]
        assert canonical.endswith(SEED_ARTICLE)
        assert soup.find("meta", property="og:url")["content"] == canonical
        assert soup.find("meta", property="og:type")["content"] == "article"
        assert soup.find("meta", property="og:title")["content"].startswith("Ketamine therapy")
        assert soup.find("meta", property="og:image")["content"].endswith(".png")
        description = soup.find("meta", attrs={"name": "description"})["content"]
        assert description.startswith("A plain-language history of ketamine")

    def test_sitemap_lists_every_live_page_and_nothing_else(self):
        from wagtail.models import Page

        listed = sorted(self.sitemap_locations())
        live = sorted(page.full_url for page in Page.objects.live().public().filter(depth__gt=1))
        assert listed == live
        assert len(listed) >= 20
        draft = Page.objects.get(url_path__endswith="/privacy/")
        draft.unpublish()
        assert draft.full_url not in self.sitemap_locations()

    def test_robots_txt_points_at_the_sitemap_and_keeps_out_of_the_back_office(self):
        response = self.client.get("/robots.txt")
        body = response.content.decode()
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert "Disallow: /admin/" in body
        assert "Sitemap: http" in body and body.strip().endswith("/sitemap.xml")
