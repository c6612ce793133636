"""Where patients look for the portal: the booking pages and e-mails, the footer; and the demo."""

from django.test import TestCase
from django.urls import reverse

from klearmind.booking.emails import build_message
from klearmind.booking.models import EmailKind
from klearmind.booking.tests.factories import open_visit
from klearmind.care.demo import SERIES_PATIENT_EMAIL
from klearmind.outbox.channels import render_email
from klearmind.portal.demo import portal_demo

from .factories import SeriesUnderWay, in_days


class PortalLinkTests(TestCase):
    def setUp(self):
        self.visit = SeriesUnderWay().visits[0]

    def test_the_booking_e_mail_names_the_portal(self):
        built = build_message(self.visit, EmailKind.CONFIRMATION)
        email = render_email(template="booking/email/appointment", built=built, recipient="x@y.z")
        assert "Your visits and forms, all in one place" in email.body
        assert "http://testserver/my/" in email.body

    def test_the_visit_page_and_the_footer_link_to_the_portal(self):
        page = self.client.get(open_visit(self.client, self.visit)).content.decode()
        assert f'<a href="{reverse("portal:home")}">Your visits and forms</a>' in page
        assert page.count('href="/my/"') == 2  # the page's own line and the footer's


class PortalDemoTests(TestCase):
    def test_names_the_demo_patient_once_they_have_a_booking(self):
        assert portal_demo() == ""
        SeriesUnderWay().treatment.visit(in_days(2), email=SERIES_PATIENT_EMAIL)
        line = portal_demo()
        assert SERIES_PATIENT_EMAIL in line and "http://testserver/my/sign-in/" in line
