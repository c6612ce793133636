"""The demo's packages and memberships: plans on sale, a package half used by the patient in a
series, a member with this month's drip booked; running the loader again adds nothing."""

import pytest
from django.test import TestCase
from django.utils import timezone

from klearmind.booking.demo import ensure_demo_booking
from klearmind.care.demo import SERIES_PATIENT_EMAIL
from klearmind.encryption.keys import email_lookup_hash
from klearmind.pages.tests.test_pages import load_demo
from klearmind.payments import memberships, packages
from klearmind.payments.demo.plans import MEMBER_EMAIL, load_plans_demo
from klearmind.payments.models import (
    LedgerEntry,
    Membership,
    MembershipStatus,
    Package,
    PackageCredit,
    PackagePlan,
)

pytestmark = pytest.mark.clock


class PlansDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        ensure_demo_booking()
        cls.summary = load_plans_demo()

    def test_the_plans_are_on_sale(self):
        assert PackagePlan.objects.filter(active=True).count() == 2
        assert self.summary == (
            "Packages and memberships: 2 package plans, 1 membership plan; "
            "Jamie's package has 3 of 6 visits used; Morgan Lee is a member."
        )

    def test_the_patient_in_a_series_has_used_three_of_six_visits(self):
        package = Package.objects.of(email_lookup_hash(SERIES_PATIENT_EMAIL)).get()
        assert (package.visits, packages.balance(package)) == (6, 3)
        assert LedgerEntry.objects.of(package.payer_email_hash).balance() == 0

    def test_the_member_is_in_a_paid_month_with_its_drip_booked(self):
        member = Membership.objects.of(email_lookup_hash(MEMBER_EMAIL)).get()
        today = timezone.localdate()
        assert member.status == MembershipStatus.ACTIVE
        assert member.runs_on(today)
        assert memberships.drips_left(member, today) == 0  # the drip booked for tomorrow
        assert LedgerEntry.objects.of(member.payer_email_hash).balance() == 0

    def test_a_second_run_adds_nothing(self):
        counts = (
            Package.objects.count(),
            PackageCredit.objects.count(),
            LedgerEntry.objects.count(),
        )
        assert load_plans_demo() == self.summary
        assert (
            Package.objects.count(),
            PackageCredit.objects.count(),
            LedgerEntry.objects.count(),
        ) == counts
        assert Membership.objects.count() == 1


class PlansDemoWithoutBookingTests(TestCase):
    def test_nothing_is_loaded_before_the_booking_demo(self):
        assert load_plans_demo() == ""
        assert not PackagePlan.objects.exists()
