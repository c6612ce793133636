"""The demo clinic can take bookings at once, and running the loader again adds nothing."""

from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.test import Client, TestCase
from django.utils import timezone

from klearmind.accounts.tests.factories import sign_in
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
        linked = Provider.objects.get(name="Dr. Daniel Okafor, MD").user
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


class DemoProvidersAreTheirOwnPeopleTests(TestCase):
    """Each provider linked to a login carries that person's name, and no unlinked provider
    shares a name with a staff account (one person, two records)."""

    @classmethod
    def setUpTestData(cls):
        load_demo()

    def test_each_linked_provider_is_named_after_its_login_and_no_other_shares_a_name(self):
        staff_names = {
            user.get_full_name() for user in get_user_model().objects.exclude(last_name="")
        }
        for provider in Provider.objects.select_related("user"):
            if provider.user is not None:
                assert provider.user.get_full_name() in provider.name, provider.name
            else:
                assert not any(name in provider.name for name in staff_names), provider.name

    def test_my_schedule_shows_the_demo_clinicians_own_series_visits(self):
        clinician = get_user_model().objects.get(username="daniel.okafor")
        own = Provider.objects.get(user=clinician)
        upcoming = (
            Appointment.objects.exclude(series=None)
            .filter(starts_at__gt=timezone.now())
            .order_by("starts_at")
            .first()
        )
        assert upcoming.provider == own
        client = Client()
        sign_in(client, clinician)
        day = upcoming.local_start.date()
        page = client.get("/admin/booking/my-schedule/", {"day": day.isoformat()})
        shown = " ".join(BeautifulSoup(page.content, "html.parser").get_text().split())
        assert "Jamie Fox" in shown
        assert "Dr. Daniel Okafor, MD" in shown or "Daniel Okafor" in shown

    def test_an_earlier_demo_that_linked_the_clinician_to_another_provider_is_put_right(self):
        own = Provider.objects.get(name="Dr. Daniel Okafor, MD")
        clinician = own.user
        other = Provider.objects.get(name="Jordan Reyes, NP")
        Provider.objects.filter(pk=own.pk).update(user=None)
        Provider.objects.filter(pk=other.pk).update(user=clinician)
        ensure_demo_booking()
        assert Provider.objects.get(pk=own.pk).user == clinician
        # The other provider is given their own login (without a password) for the team page.
        assert Provider.objects.get(pk=other.pk).user.username == "jordan.reyes"
