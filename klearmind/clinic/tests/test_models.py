from django.test import TestCase

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.clinic.models import ClinicSettings


class ClinicSettingsTests(TestCase):
    def test_phone_href_dials_the_number_in_the_us(self):
        assert ClinicSettings(phone="(916) 555-0142").phone_href == "tel:+19165550142"
        assert ClinicSettings(phone="").phone_href == ""


class ClinicSettingsAdminTests(TestCase):
    def test_the_address_from_before_the_move_leads_to_the_settings(self):
        sign_in(self.client, staff("Editor"))
        response = self.client.get("/admin/settings/pages/clinicsettings/")
        assert response.headers["Location"] == "/admin/settings/clinic/clinicsettings/"
        response = self.client.get(response.headers["Location"], follow=True)
        assert response.status_code == 200
        assert b"clinic settings" in response.content.lower()
