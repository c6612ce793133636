"""The back office in the clinic's name: its title, sign-in page, logo, favicon and colours."""

from pathlib import Path

import wagtail
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import TestCase

from klearmind.clinic.models import ClinicSettings

WAGTAIL_SKELETON = Path(wagtail.__file__).parent / "admin/templates/wagtailadmin/skeleton.html"
OUR_SKELETON = Path(settings.BASE_DIR) / "klearmind/templates/wagtailadmin/skeleton.html"


class BackOfficeBrandingTests(TestCase):
    def soup(self, path: str) -> BeautifulSoup:
        response = self.client.get(path)
        assert response.status_code == 200, path
        return BeautifulSoup(response.content, "html.parser")

    def test_the_sign_in_page_names_the_clinic_and_shows_its_logo(self):
        clinic = ClinicSettings.load()
        clinic.clinic_name = "Klearmind Ketamine & IV Hydration Clinic"
        clinic.save()
        soup = self.soup("/admin/login/")
        assert soup.h1.get_text(strip=True) == "Sign in to Klearmind Ketamine & IV Hydration Clinic"
        assert soup.title.get_text(strip=True).endswith("— Klearmind")
        assert "Wagtail" not in soup.title.get_text()
        logo = soup.select_one(".login-logo svg.klearmind-logo")
        assert logo["aria-label"] == "Klearmind"
        assert soup.select_one(".login-logo").get_text(strip=True) == "Klearmind"

    def test_every_back_office_title_ends_in_the_clinics_name_with_its_favicon_and_colours(self):
        user = get_user_model().objects.create_user("editor", "editor@example.org", "x")
        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
        self.client.force_login(user)
        soup = self.soup("/admin/")
        assert soup.title.get_text(strip=True).endswith("— Klearmind")
        assert soup.select_one('link[rel="icon"]')["href"].endswith("img/favicon.svg")
        assert not soup.select('link[rel="shortcut icon"]')  # Wagtail's own bird is gone
        sheets = [link["href"] for link in soup.select('link[rel="stylesheet"]')]
        assert any(href.endswith("css/back-office.css") for href in sheets)
        menu_logo = soup.select_one("template[data-wagtail-sidebar-branding-logo]")
        assert "klearmind-logo" in menu_logo.decode_contents()

    def test_our_copy_of_wagtails_skeleton_differs_only_in_the_clinics_name(self):
        # The title line has no block of its own, so the skeleton is copied: an upgrade of
        # Wagtail that changes the original fails here until the copy is made again.
        ours = OUR_SKELETON.read_text().split("{% endcomment %}", 1)[1]
        expected = (
            WAGTAIL_SKELETON.read_text()
            .replace(
                "{% endblock %} - {% block branding_title %}Wagtail{% endblock %}",
                "{% endblock %} — {% block branding_title %}Klearmind{% endblock %}",
            )
            .replace("to use Wagtail, but", "to use the back office, but")
        )
        assert ours == expected
