"""The back office's home screen: each role's panels first, and no count of pages."""

import pytest
from django.test import Client, TestCase

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.booking.models import AppointmentStatus
from klearmind.booking.tests.factories import make_clinic
from klearmind.comments.models import CommentStatus
from klearmind.comments.tests.factories import CommentFactory, article_site
from klearmind.enquiries.tests.factories import EnquiryFactory

from .factories import local_today, submission, visit
from .test_panels import shown

pytestmark = pytest.mark.clock  # visits on today's date

HOME = "/admin/"
HEADINGS = {
    "Front desk": "Front desk today",
    "Clinician": "Your clinical day",
    "Owner": "The clinic today",
    "Moderator": "Comments waiting",
    "Editor": "Drafts and moderation",
}


def home(user) -> str:
    client = sign_in(Client(), user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


class HomeScreenTests(TestCase):
    def test_each_role_sees_its_own_panel_and_no_other(self):
        for role, heading in HEADINGS.items():
            page = home(staff(role))
            assert heading in page, role
            others = [h for r, h in HEADINGS.items() if r != role]
            assert not any(other in page for other in others), role

    def test_someone_with_several_roles_sees_each_of_their_panels(self):
        page = home(staff("Front desk", "Moderator"))
        assert "Front desk today" in page
        assert "Comments waiting" in page
        assert "Your clinical day" not in page

    def test_a_superuser_sees_the_owners_panel(self):
        page = home(staff(is_superuser=True))
        assert "The clinic today" in page

    def test_wagtails_page_counts_are_gone(self):
        page = home(staff("Editor"))
        assert "w-summary" not in page
        assert "Pages</span>" not in page

    def test_the_numbers_shown_are_the_databases(self):
        clinic = make_clinic(slug="midtown")
        where, service, who = clinic.location, clinic.service, clinic.providers[0]
        visit(where, service, who, local_today(where, 8), status=AppointmentStatus.ARRIVED)
        visit(where, service, who, local_today(where, 9))
        visit(where, service, who, local_today(where, 10), status=AppointmentStatus.CANCELLED)
        EnquiryFactory.create_batch(3)
        submission()
        CommentFactory(page=article_site(), status=CommentStatus.PENDING, urgent=True)
        counts = shown(home(staff("Front desk", "Moderator")))
        assert counts["arrived-at-midtown"] == 1
        assert counts["new-enquiries"] == 3
        assert counts["questionnaires-to-call"] == 1
        assert counts["crisis-language"] == 1
        assert counts["waiting-for-moderation"] == 1

    def test_the_front_desks_home_names_no_patient_and_shows_no_answers(self):
        clinic = make_clinic(slug="midtown")
        where = clinic.location
        visit(where, clinic.service, clinic.providers[0], local_today(where, 9), name="Ana Ruiz")
        submission(urgent=True)
        page = home(staff("Front desk"))
        assert "Ana Ruiz" not in page
        assert "Morgan Vale" not in page
        assert "Needs attention" not in page
