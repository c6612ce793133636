from django.test import TestCase

from klearmind.accounts import roles
from klearmind.accounts.demo import DEMO_USERNAMES, ensure_demo_staff
from klearmind.enquiries.demo import ENQUIRIES, load_enquiries_demo
from klearmind.enquiries.models import Enquiry


class EnquiriesDemoTests(TestCase):
    def test_the_demo_has_an_enquiry_in_each_status_and_a_second_run_adds_none(self):
        ensure_demo_staff()
        assert load_enquiries_demo() == "Demo enquiries: 3 created, 0 already present."
        assert load_enquiries_demo() == "Demo enquiries: 0 created, 3 already present."
        statuses = {enquiry.email: enquiry for enquiry in Enquiry.objects.all()}
        assert [statuses[sample.email].status for sample in ENQUIRIES] == [
            "new",
            "answered",
            "closed",
        ]
        closed = statuses[ENQUIRIES[2].email]
        desk = DEMO_USERNAMES[roles.FRONT_DESK.name]
        assert closed.answered_by.username == closed.closed_by.username == desk
