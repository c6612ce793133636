"""A chart records who gave the treatment: the visit's provider's login, shown on the chart."""

import pytest
from django.test import Client, TestCase

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.booking.models import ServiceKind
from klearmind.booking.tests.factories import make_clinic
from klearmind.care.charts.services import open_chart

from .factories import make_patient, make_protocol
from .test_chart_views import chart_url, visit

pytestmark = pytest.mark.clock  # the visit is today


class GivenByTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.clinic = make_clinic(slug="midtown", kind=ServiceKind.KETAMINE)
        make_patient()
        make_protocol()
        cls.nurse = staff("Clinician", first_name="Ana", last_name="Soto", username="asoto")
        cls.clinician = staff("Clinician")

    def test_the_chart_defaults_to_the_providers_login_and_shows_the_full_name(self):
        provider = self.clinic.providers[0]
        provider.user = self.nurse
        provider.save()
        chart = open_chart(appointment=visit(self.clinic, self.clinic.service), by=self.clinician)
        assert chart.given_by == self.nurse
        client = sign_in(Client(), self.clinician)
        page = " ".join(client.get(chart_url(chart)).content.decode().split())
        assert "<dt>Given by</dt><dd>Ana Soto</dd>" in page

    def test_a_provider_without_a_login_leaves_it_unrecorded(self):
        chart = open_chart(appointment=visit(self.clinic, self.clinic.service), by=self.clinician)
        assert chart.given_by is None
        client = sign_in(Client(), self.clinician)
        assert (
            "<dt>Given by</dt><dd>Not recorded</dd>"
            in client.get(chart_url(chart)).content.decode()
        )
