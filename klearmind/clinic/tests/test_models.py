from django.test import TestCase, override_settings

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


class OnCallAddressTests(TestCase):
    @override_settings(CLINIC_NOTIFY_EMAIL="front@clinic.example")
    def test_falls_back_on_the_clinic_notification_address(self):
        assert ClinicSettings.load().on_call_address() == "front@clinic.example"
        ClinicSettings.objects.update(on_call_email="dr@clinic.example")
        assert ClinicSettings.load().on_call_address() == "dr@clinic.example"

    def test_editors_cannot_change_it_on_the_settings_screen(self):
        sign_in(self.client, staff("Editor"))
        response = self.client.get("/admin/settings/clinic/clinicsettings/", follow=True)
        assert b"on_call_email" not in response.content
