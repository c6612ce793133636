"""Each role's home screen, as its own login opens /admin/, shows on every line the number the
database holds: a known day is made, and each count is asked of the tables here, in the test,
written out from what the line says (not through the panels' own queries). A role that may not
see health information gets no name, score or clinical line."""

import datetime

import pytest
from django.test import Client, TestCase
from django.utils import timezone

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.booking.models import Appointment, AppointmentStatus, DepositRule
from klearmind.booking.tests.factories import make_clinic, make_location
from klearmind.comments.models import Comment, CommentStatus
from klearmind.comments.tests.factories import CommentFactory, article_site
from klearmind.enquiries.models import Enquiry, EnquiryStatus
from klearmind.enquiries.tests.factories import EnquiryFactory
from klearmind.intake.models import Submission
from klearmind.outbox.models import OutgoingMessage
from klearmind.outbox.models import Status as MessageStatus

from .factories import local_today, submission, visit
from .test_panels import shown

pytestmark = pytest.mark.clock  # visits on today's date, things received today

DAY = datetime.timedelta(days=1)
Status = AppointmentStatus
PATIENT = "Ana Ruiz"
CANDIDATE = "Morgan Vale"  # the name factories.submission gives


def home(user) -> str:
    response = sign_in(Client(), user).get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def midnight(location) -> datetime.datetime:
    day = timezone.now().astimezone(location.zone).date()
    return datetime.datetime.combine(day, datetime.time(0), tzinfo=location.zone)


class CountsMatchTheDatabaseTests(TestCase):
    def setUp(self):
        self.clinic = make_clinic(slug="midtown", deposit_rule=DepositRule.FIXED, deposit_amount=50)
        self.other = make_location("roseville")
        where, service = self.clinic.location, self.clinic.service
        who = self.clinic.providers[0]
        self.desk = staff("Front desk")
        statuses = (Status.BOOKED, Status.ARRIVED, Status.COMPLETED, Status.NO_SHOW)
        for n, status in enumerate((*statuses, Status.CANCELLED, Status.ARRIVED)):
            visit(where, service, who, local_today(where, 8 + n), status=status, name=PATIENT)
        visit(self.other, service, who, local_today(self.other, 9), status=Status.ARRIVED)
        visit(where, service, who, local_today(where, 9) - DAY, status=Status.ARRIVED)
        visit(where, service, who, timezone.now() + 2 * DAY, name=PATIENT)  # online
        visit(where, service, who, timezone.now() + 2 * DAY, by=self.desk)
        EnquiryFactory.create_batch(2)
        EnquiryFactory(status=EnquiryStatus.ANSWERED, answered_at=timezone.now())
        EnquiryFactory(created_at=timezone.now() - 3 * DAY)
        submission()
        submission(urgent=True)
        submission(status="reviewing", submitted_at=timezone.now() - 3 * DAY)
        article = article_site()
        CommentFactory(page=article, status=CommentStatus.PENDING, urgent=True)
        CommentFactory.create_batch(2, page=article, status=CommentStatus.PENDING)
        CommentFactory(page=article, status=CommentStatus.APPROVED)
        for status in (MessageStatus.FAILED, MessageStatus.FAILED, MessageStatus.SENT):
            OutgoingMessage.objects.create(
                kind="booking.reminder",
                template="booking/emails/reminder",
                about_type="booking.appointment",
                about_id=1,
                recipient="someone@example.org",
                status=status,
            )

    def today(self, location):
        start = midnight(location)
        return Appointment.objects.filter(
            location=location, starts_at__gte=start, starts_at__lt=start + DAY
        )

    def both_today(self):
        return self.today(self.clinic.location) | self.today(self.other)

    def test_the_front_desks_lines(self):
        counts = shown(page := home(self.desk))
        for location, label in ((self.clinic.location, "midtown"), (self.other, "roseville")):
            day = self.today(location)
            arrived = day.filter(status__in=(Status.ARRIVED, Status.COMPLETED)).count()
            expected = day.exclude(status=Status.CANCELLED).count()
            assert counts[f"arrived-at-{label}"] == arrived
            assert f"of {expected} expected today" in page
        assert counts["arrived-at-midtown"] == 3  # to be sure the day is the one made
        assert counts["new-enquiries"] == Enquiry.objects.filter(status="new").count() == 3
        to_call = Submission.objects.filter(status="new").count()
        assert counts["questionnaires-to-call"] == to_call == 2
        unconfirmed = Appointment.objects.filter(
            status=Status.BOOKED, booked_by=None, starts_at__gt=timezone.now()
        ).count()
        assert counts["booked-online-to-confirm-by-phone"] == unconfirmed == 1

    def test_the_owners_lines(self):
        counts = shown(home(staff("Owner")))
        day = self.both_today()
        assert counts["visits-booked-today"] == day.exclude(status=Status.CANCELLED).count() == 6
        arrived = day.filter(status__in=(Status.ARRIVED, Status.COMPLETED)).count()
        assert counts["arrived"] == arrived == 4
        assert counts["no-shows"] == day.filter(status=Status.NO_SHOW).count() == 1
        since = midnight(self.clinic.location)
        candidates = Submission.objects.filter(submitted_at__gte=since).count()
        assert counts["new-candidates-today"] == candidates == 2
        enquiries = Enquiry.objects.filter(created_at__gte=since).count()
        assert counts["new-enquiries-today"] == enquiries == 3
        failed = OutgoingMessage.objects.filter(status=MessageStatus.FAILED).count()
        assert counts["failed-outgoing-messages"] == failed == 2
        assert counts["locked-logins"] == 0

    def test_the_moderators_lines(self):
        counts = shown(home(staff("Moderator")))
        waiting = Comment.objects.filter(status=CommentStatus.PENDING)
        assert counts["waiting-for-moderation"] == waiting.count() == 3
        assert counts["crisis-language"] == waiting.filter(urgent=True).count() == 1

    def test_the_clinicians_treatments_today(self):
        counts = shown(page := home(staff("Clinician")))
        # The demo clinic's service here is not a charted treatment: none today.
        assert counts["todays-treatments"] == 0
        assert "My schedule today (0)" in page

    def test_no_role_that_may_not_see_health_information_gets_it(self):
        for role in ("Front desk", "Owner", "Moderator", "Editor"):
            whole = home(staff(role))
            page = whole[whole.index("workday-panel") :]  # the panels, not the menu
            assert PATIENT not in whole, role
            assert PATIENT not in page, role
            assert CANDIDATE not in page, role
            assert "Needs attention" not in page, role
            assert "REMS" not in page, role
            assert "PHQ-9" not in page, role
        # The clinician's lines are counts too: the names stay on the audited screens.
        page = home(staff("Clinician"))
        assert PATIENT not in page
        assert CANDIDATE not in page
