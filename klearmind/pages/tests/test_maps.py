"""The location map: drawn on our server from the coordinates, the pin where the projection
puts it, and nothing fetched from anyone else."""

import re
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from django.test import TestCase
from wagtail.models import Page, Site

from klearmind.pages.maps import HEIGHT, WIDTH, Frame, Spot, location_map, mercator
from klearmind.pages.models import HomePage, LocationIndexPage, LocationPage

from .factories import publish_child

SACRAMENTO = Spot("Sacramento", 38.5746, -121.4832)
ROSEVILLE = Spot("Roseville", 38.7579, -121.2794)


def pin(svg: str) -> tuple[float, float]:
    soup = BeautifulSoup(svg, "html.parser")
    match = re.fullmatch(
        r"translate\(([\d.]+) ([\d.]+)\)", soup.select_one(".map__pin")["transform"]
    )
    return float(match[1]), float(match[2])


class ProjectionTests(TestCase):
    def test_mercator_is_the_web_map_projection(self):
        x, y = mercator(0, 180)
        assert round(x, 6) == round(3.141593, 6)
        assert abs(y) < 1e-12
        assert round(mercator(38.5746, 0)[1], 4) == 0.7308

    def test_two_clinics_fit_inside_the_margins_north_east_up_right(self):
        frame = Frame.around([SACRAMENTO, ROSEVILLE])
        sx, sy = frame.project(SACRAMENTO.latitude, SACRAMENTO.longitude)
        rx, ry = frame.project(ROSEVILLE.latitude, ROSEVILLE.longitude)
        assert rx > sx and ry < sy  # Roseville is north-east of Sacramento
        for x, y in ((sx, sy), (rx, ry)):
            assert 0 < x < WIDTH and 0 < y < HEIGHT
        assert round(sx + rx) == WIDTH or round(sy + ry) == HEIGHT  # centred on both

    def test_the_pin_is_drawn_at_the_projected_position(self):
        svg = location_map(SACRAMENTO, [ROSEVILLE])
        frame = Frame.around([SACRAMENTO, ROSEVILLE])
        assert pin(svg) == frame.project(SACRAMENTO.latitude, SACRAMENTO.longitude)
        assert pin(location_map(ROSEVILLE, [SACRAMENTO])) == frame.project(
            ROSEVILLE.latitude, ROSEVILLE.longitude
        )

    def test_a_lone_clinic_sits_in_the_middle_with_a_scale(self):
        svg = location_map(SACRAMENTO, [])
        assert pin(svg) == (WIDTH / 2, HEIGHT / 2)
        assert re.search(r"<text[^>]*>\d+ km</text>", svg)

    def test_labels_are_escaped(self):
        svg = location_map(Spot("<b>Midtown</b>", 38.5, -121.4), [])
        assert "<b>" not in svg and "&lt;b&gt;Midtown" in svg


class LocationMapPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        home = Page.get_first_root_node().add_child(
            instance=HomePage(title="Home", slug="map-home", hero_heading="H", hero_text="T")
        )
        Site.objects.update(root_page=home)
        index = publish_child(home, LocationIndexPage(title="Locations", slug="locations"))
        cls.pages = {
            spot.label: publish_child(
                index,
                LocationPage(
                    title=spot.label,
                    slug=spot.label.lower(),
                    street_address="1 Test Street",
                    city=spot.label,
                    postal_code="95811",
                    phone="(916) 555-0142",
                    latitude=str(spot.latitude),
                    longitude=str(spot.longitude),
                ),
            )
            for spot in (SACRAMENTO, ROSEVILLE)
        }

    def test_the_page_draws_the_map_with_the_other_clinic(self):
        html = self.client.get(self.pages["Sacramento"].url).content.decode()
        soup = BeautifulSoup(html, "html.parser")
        svg = soup.select_one(".location-map svg")
        frame = Frame.around([SACRAMENTO, ROSEVILLE])
        assert pin(str(svg)) == frame.project(SACRAMENTO.latitude, SACRAMENTO.longitude)
        assert svg.select_one(".map__other text").get_text() == "Roseville"
        assert svg.title.get_text() == "Schematic map: Sacramento and our other clinics"

    def test_the_page_requests_nothing_from_another_host(self):
        html = self.client.get(self.pages["Sacramento"].url).content.decode()
        soup = BeautifulSoup(html, "html.parser")
        loaded = [tag.get("src") or tag.get("srcset") or "" for tag in soup.find_all(src=True)]
        loaded += [tag["href"] for tag in soup.find_all("link", href=True)]
        loaded += [tag["srcset"] for tag in soup.find_all(srcset=True)]
        assert loaded
        hosts = {urlsplit(url).netloc for entry in loaded for url in entry.split(", ")}
        assert hosts <= {"", "localhost"}
        assert "xlink:href" not in html and "<image" not in html

    def test_directions_are_a_plain_link_to_a_map_site(self):
        soup = BeautifulSoup(self.client.get(self.pages["Roseville"].url).content, "html.parser")
        link = soup.select_one(".location-map a")
        assert link["href"].startswith("https://www.openstreetmap.org/?mlat=38.7579")
        assert "Directions to 1 Test Street" in link.get_text()

    def test_no_map_without_coordinates(self):
        page = self.pages["Roseville"]
        page.latitude = page.longitude = None
        assert page.map_svg() == ""
