"""Each panel counts what the database holds, shows it only to whoever may open the screen it
links to, and asks the database the same number of questions however much there is."""

import datetime
import re
import secrets

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import TestCase
from django.utils import timezone

from klearmind.accounts.tests.factories import staff
from klearmind.booking.models import AppointmentStatus, DepositRule, ServiceKind
from klearmind.booking.tests.factories import (
    make_clinic,
    make_location,
    make_provider,
    make_service,
)
from klearmind.care.attention.services import open_flags
from klearmind.care.tests.chart_factories import make_chart
from klearmind.care.tests.signature_factories import make_document, sign
from klearmind.comments.models import CommentStatus
from klearmind.comments.tests.factories import CommentFactory, article_site
from klearmind.encryption.keys import email_lookup_hash
from klearmind.enquiries.models import EnquiryStatus
from klearmind.enquiries.tests.factories import EnquiryFactory
from klearmind.outbox.models import OutgoingMessage
from klearmind.outbox.models import Status as MessageStatus
from klearmind.workday.panels import (
    ClinicianPanel,
    EditorPanel,
    FrontDeskPanel,
    ModeratorPanel,
    OwnerPanel,
)

from .factories import home_request, local_today, submission, visit

pytestmark = pytest.mark.clock  # visits on today's date, things received today

DAY = datetime.timedelta(days=1)
Status = AppointmentStatus
# The front desk's rows, and today's treatments with the consents their patients have to sign
# (the visits, the documents, their versions, every signature of the day's people).
NUM_FRONT_DESK_QUERIES = 9


def shown(html: str) -> dict[str, int]:
    """Each row's label (slugged) and the count it shows."""
    rows = re.findall(r'data-row="([^"]+)".*?data-count="(\d+)"', html, flags=re.S)
    return {label: int(count) for label, count in rows}


class FrontDeskPanelTests(TestCase):
    def setUp(self):
        self.desk = staff("Front desk")
        self.clinic = make_clinic(slug="midtown", deposit_rule=DepositRule.FIXED, deposit_amount=50)
        self.other = make_location("roseville")
        self.provider = self.clinic.providers[0]

    def day(self, size: int) -> None:
        """`size` of each kind of visit today at midtown, one no-show at roseville, and
        visits yesterday and tomorrow that are not today's."""
        where, service, who = self.clinic.location, self.clinic.service, self.provider
        for n in range(size):
            for status in (Status.BOOKED, Status.ARRIVED, Status.COMPLETED, Status.CANCELLED):
                at = local_today(where, 1 + n % 20)
                visit(where, service, who, at, status=status, by=self.desk)
            EnquiryFactory()
            EnquiryFactory(status=EnquiryStatus.ANSWERED, answered_at=timezone.now())
            submission()
            submission(status="reviewing")
        visit(self.other, service, who, local_today(self.other, 2), status=Status.NO_SHOW)
        visit(where, service, who, local_today(where, 0) - datetime.timedelta(minutes=1))
        visit(where, service, who, local_today(where, 0) + DAY, by=self.desk)

    def test_counts_arrivals_per_location_enquiries_questionnaires_and_unconfirmed(self):
        self.day(2)
        where, service, who = self.clinic.location, self.clinic.service, self.provider
        future = timezone.now() + 3 * DAY
        visit(where, service, who, future)  # booked online, with a deposit
        visit(where, service, who, future, by=self.desk)  # booked by the desk
        visit(where, service, who, future, status=Status.CANCELLED)
        visit(where, make_service(where, slug="free"), who, future)  # no deposit
        html = FrontDeskPanel(home_request(self.desk)).render_html({})
        counts = shown(html)
        assert counts["arrived-at-midtown"] == 4  # arrived and completed, twice
        assert "of 6 expected today" in html  # booked, arrived, completed; not cancelled
        assert counts["arrived-at-roseville"] == 0
        assert "of 1 expected today" in html
        assert counts["new-enquiries"] == 2
        assert counts["questionnaires-to-call"] == 2
        # Tomorrow's visit was booked by the desk; the online one in three days is the one.
        assert counts["booked-online-to-confirm-by-phone"] == 1
        assert "?status=new" in html
        assert "Dana Reyes" not in html

    def test_asks_the_same_number_of_queries_whatever_the_day_holds(self):
        request = home_request(self.desk)
        self.day(1)
        with self.assertNumQueries(6):  # no treatments that day: no consents to read
            FrontDeskPanel(request).render_html({})
        self.day(5)
        with self.assertNumQueries(6):
            FrontDeskPanel(request).render_html({})

    def test_shows_nothing_to_someone_who_may_not_open_its_screens(self):
        editor = staff("Editor")
        assert FrontDeskPanel(home_request(editor)).render_html({}).strip() == ""


class FrontDeskConsentTests(TestCase):
    def test_counts_todays_treatments_with_a_consent_to_sign_in_the_same_queries(self):
        desk = staff("Front desk")
        clinic = make_clinic(slug="midtown", kind=ServiceKind.KETAMINE)
        where, service, who = clinic.location, clinic.service, clinic.providers[0]
        document = make_document("Informed consent for IV ketamine")
        signed = visit(where, service, who, local_today(where, 8))
        sign(email_lookup_hash(signed.patient_email), document.current_version)
        visit(where, service, who, local_today(where, 9))
        visit(where, service, who, local_today(where, 9) + DAY)  # tomorrow's: not today's
        request = home_request(desk)
        with self.assertNumQueries(NUM_FRONT_DESK_QUERIES):
            html = FrontDeskPanel(request).render_html({})
        assert shown(html)["treatments-with-a-consent-to-sign"] == 1
        assert "Dana Reyes" not in html
        for hour in range(10, 15):
            visit(where, service, who, local_today(where, hour))
        with self.assertNumQueries(NUM_FRONT_DESK_QUERIES):
            html = FrontDeskPanel(request).render_html({})
        assert shown(html)["treatments-with-a-consent-to-sign"] == 6


class ClinicianPanelTests(TestCase):
    def setUp(self):
        self.clinician = staff("Clinician")
        self.clinic = make_clinic(slug="midtown", kind=ServiceKind.KETAMINE)
        self.own = self.clinic.providers[0]
        self.own.user = self.clinician
        self.own.save()
        self.colleague = make_provider("Colleague", [self.clinic.service])
        self.article = article_site()

    def day(self, size: int) -> None:
        where, service = self.clinic.location, self.clinic.service
        for n in range(size):
            visit(where, service, self.own, local_today(where, 8 + n % 10))
            visit(where, service, self.own, local_today(where, 8), status=Status.CANCELLED)
            visit(where, service, self.colleague, local_today(where, 9))
            visit(where, service, self.own, local_today(where, 9) + DAY)
            make_chart(spravato=True)
            CommentFactory(page=self.article, urgent=True, status=CommentStatus.PENDING)

    def test_counts_flags_treatments_rems_forms_and_lists_my_visits_today(self):
        self.day(2)
        make_chart(spravato=True, day=timezone.localdate() - 10 * DAY)  # overdue
        html = ClinicianPanel(home_request(self.clinician)).render_html({})
        counts = shown(html)
        assert counts["needs-attention"] == len(open_flags()) == 3  # 2 comments, 1 REMS form
        assert counts["todays-treatments"] == 4  # mine and my colleague's, not cancelled
        assert counts["rems-forms-due"] == 3
        assert "1 overdue" in html
        assert "My schedule today (2)" in html
        assert html.count("/admin/booking/appointments/") == 2
        assert "/admin/booking/my-schedule/" in html
        assert "Dana Reyes" not in html

    def test_asks_the_same_number_of_queries_whatever_the_day_holds(self):
        # A request of its own for each page: the flags are gathered once per request.
        self.day(1)
        panel = ClinicianPanel(home_request(self.clinician))
        with self.assertNumQueries(NUM_CLINICIAN_QUERIES):
            panel.render_html({})
        self.day(4)
        panel = ClinicianPanel(home_request(self.clinician))
        with self.assertNumQueries(NUM_CLINICIAN_QUERIES):
            panel.render_html({})

    def test_a_clinician_without_a_provider_record_has_an_empty_schedule(self):
        other = staff("Clinician")
        html = ClinicianPanel(home_request(other)).render_html({})
        assert "My schedule today (0)" in html
        assert "Your login is not linked to a provider." in html

    def test_the_front_desk_sees_no_clinical_panel(self):
        desk = staff("Front desk")
        assert ClinicianPanel(home_request(desk)).render_html({}).strip() == ""


class OwnerPanelTests(TestCase):
    def setUp(self):
        self.owner = staff("Owner")
        self.clinic = make_clinic(slug="midtown")

    def day(self, size: int) -> None:
        where, service, who = self.clinic.location, self.clinic.service, self.clinic.providers[0]
        for n in range(size):
            for status in (Status.BOOKED, Status.ARRIVED, Status.NO_SHOW, Status.CANCELLED):
                visit(where, service, who, local_today(where, 1 + n % 20), status=status)
            visit(where, service, who, local_today(where, 1) + DAY)
            submission()
            submission(submitted_at=timezone.now() - 2 * DAY)
            EnquiryFactory()
            EnquiryFactory(created_at=timezone.now() - 2 * DAY)
            OutgoingMessage.objects.create(
                kind="booking.reminder",
                template="booking/emails/reminder",
                about_type="booking.appointment",
                about_id=n + 1,
                recipient=f"p{n}@example.org",
                status=MessageStatus.FAILED,
            )
            OutgoingMessage.objects.create(
                kind="booking.reminder",
                template="booking/emails/reminder",
                about_type="booking.appointment",
                about_id=n + 1,
                recipient=f"q{n}@example.org",
                status=MessageStatus.SENT,
            )
            AccessAttempt.objects.create(
                username=f"someone-{secrets.token_hex(4)}",
                ip_address=f"198.51.100.{n + 1}",
                user_agent="test",
                http_accept="*/*",
                path_info="/admin/login/",
                get_data="",
                post_data="",
                failures_since_start=settings.AXES_FAILURE_LIMIT,
            )

    def test_counts_the_days_figures_failed_messages_and_locked_logins(self):
        self.day(3)
        html = OwnerPanel(home_request(self.owner)).render_html({})
        counts = shown(html)
        assert counts["visits-booked-today"] == 9  # booked, arrived and no-show, three times
        assert counts["arrived"] == 3
        assert counts["no-shows"] == 3
        assert counts["new-candidates-today"] == 3
        assert counts["new-enquiries-today"] == 3
        assert counts["failed-outgoing-messages"] == 3
        assert counts["locked-logins"] == 3
        assert "?status=failed" in html

    def test_a_locked_address_counts_as_a_locked_login(self):
        AccessAttempt.objects.create(
            username="guess",
            ip_address="198.51.100.9",
            user_agent="test",
            http_accept="*/*",
            path_info="/admin/login/",
            get_data="",
            post_data="",
            failures_since_start=settings.LOGIN_ADDRESS_FAILURE_LIMIT,
        )
        counts = shown(OwnerPanel(home_request(self.owner)).render_html({}))
        assert counts["locked-logins"] == 2  # the username there, and the address itself

    def test_asks_the_same_number_of_queries_whatever_the_day_holds(self):
        request = home_request(self.owner)
        self.day(1)
        with self.assertNumQueries(7):
            OwnerPanel(request).render_html({})
        self.day(4)
        with self.assertNumQueries(7):
            OwnerPanel(request).render_html({})


class ModeratorPanelTests(TestCase):
    def setUp(self):
        self.moderator = staff("Moderator")
        self.page = article_site()

    def queue(self, size: int) -> None:
        for _ in range(size):
            CommentFactory(page=self.page, status=CommentStatus.PENDING)
            CommentFactory(page=self.page, status=CommentStatus.APPROVED)
        CommentFactory(
            page=self.page,
            status=CommentStatus.PENDING,
            urgent=True,
            submitted_at=timezone.now() - 3 * DAY,
        )

    def test_counts_comments_waiting_with_crisis_language_first(self):
        self.queue(3)
        html = ModeratorPanel(home_request(self.moderator)).render_html({})
        counts = shown(html)
        assert counts["crisis-language"] == 1
        assert counts["waiting-for-moderation"] == 4
        listed = html[html.index("Next in the queue") :]
        assert listed.index("Crisis language:") < listed.index("A comment on")
        assert listed.count("A comment on") == 4

    def test_asks_the_same_number_of_queries_whatever_the_queue_holds(self):
        request = home_request(self.moderator)
        self.queue(1)
        with self.assertNumQueries(2):
            ModeratorPanel(request).render_html({})
        self.queue(8)
        with self.assertNumQueries(2):
            ModeratorPanel(request).render_html({})


class EditorPanelTests(TestCase):
    def test_counts_drafts_and_pages_in_moderation(self):
        editor = staff("Editor")
        index = article_site()
        index.save_revision(user=editor)  # a published page with a change not yet published
        html = EditorPanel(home_request(editor)).render_html({})
        counts = shown(html)
        assert counts["pages-with-unpublished-changes"] == 1
        assert counts["in-moderation"] == 0
        index.get_workflow().start(index, editor)
        assert shown(EditorPanel(home_request(editor)).render_html({}))["in-moderation"] == 1

    def test_the_front_desk_has_no_page_panel(self):
        desk = staff("Front desk")
        assert EditorPanel(home_request(desk)).render_html({}).strip() == ""


# Two per kind of flag Needs attention finds (the flags, then their reviews), one per source
# that finds none, and the panel's own five.
NUM_CLINICIAN_QUERIES = 16
