"""The demo clinic can take bookings at once, and running the loader again adds nothing."""

from django.test import TestCase
from django.utils import timezone

from klearmind.booking.demo import ensure_demo_booking
from klearmind.booking.models import Appointment, Closure, Invitation, Provider, Service
from klearmind.pages.tests.test_pages import load_demo


class DemoBookingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.report = ensure_demo_booking()

    def test_services_providers_holidays_and_upcoming_visits_are_there(self):
        assert Service.objects.count() == 6  # with the good-faith exam
        assert Service.objects.get(slug="iv-hydration").online_booking == "anyone"
        assert Service.objects.get(slug="iv-ketamine-infusion").online_booking == "invited"
        assert Provider.objects.count() == 4
        linked = Provider.objects.get(name="Dr. Maya Ellison, MD").user
        assert linked is not None and linked.username == "daniel.okafor"
        assert Closure.objects.filter(reason="Christmas Day").count() == 2
        assert Appointment.objects.filter(starts_at__gt=timezone.now(), series=None).count() >= 3

    def test_a_patient_is_half_way_through_an_induction_series(self):
        series = Appointment.objects.exclude(series=None).order_by("starts_at")
        assert [a.status for a in series] == ["completed"] * 3 + ["booked"] * 3
        assert series[2].starts_at < timezone.now() < series[3].starts_at

    def test_the_invitation_link_opens_and_a_second_run_adds_nothing(self):
        counts = (Appointment.objects.count(), Invitation.objects.count())
        again = ensure_demo_booking()
        assert again.created == []
        assert (Appointment.objects.count(), Invitation.objects.count()) == counts
        link = self.report.invitation_url.split("testserver")[-1]
        response = self.client.get(link, follow=True)
        assert response.redirect_chain == [("/book/invitation/", 302)]
        assert "Welcome, Alex Rivera" in response.content.decode()

    def test_home_iv_ketamine_follows_the_locations_switch_which_the_demo_leaves_off(self):
        # CLINICAL.md, setting: home IV ketamine only where the clinic switched it on knowingly.
        ketamine = Service.objects.get(slug="iv-ketamine-infusion")
        assert ketamine.at_home
        assert not ketamine.offered_at_home()
        assert not Appointment.objects.filter(service=ketamine, at_home=True).exists()
        assert not Service.objects.get(slug="spravato-session").at_home
        assert Service.objects.get(slug="iv-hydration").offered_at_home()
