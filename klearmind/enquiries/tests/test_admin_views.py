import csv
import io

from django.test import Client, TestCase
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.timezone import localtime

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.audit.models import AuditEvent
from klearmind.enquiries.models import EnquiryStatus

from .factories import EnquiryFactory

READERS = ("Owner", "Clinician", "Front desk")
REFUSED = ("Editor", "Moderator")


def client_for(role: str, **options) -> Client:
    return sign_in(Client(), staff(role), **options)


class EnquiryAccessTests(TestCase):
    def setUp(self):
        self.enquiry = EnquiryFactory(message="I feel low since my mother died.")
        self.detail = reverse("enquiries_admin:detail", args=[self.enquiry.pk])

    def test_the_front_desk_clinicians_and_the_owner_read_an_enquiry_and_each_view_is_audited(
        self,
    ):
        for role in READERS:
            with self.subTest(role=role):
                response = client_for(role).get(self.detail)
                assert "I feel low since my mother died." in response.content.decode()
                assert "no-store" in response["Cache-Control"]
                event = (
                    AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).order_by("pk").last()
                )
                assert event.actor.groups.get().name == role
                assert (event.target_type, event.target_id) == (
                    "enquiries.enquiry",
                    str(self.enquiry.pk),
                )

    def test_editors_and_moderators_are_refused_and_the_refusal_is_audited(self):
        for role in REFUSED:
            for url in (self.detail, reverse("enquiries_admin:listing")):
                with self.subTest(role=role, url=url):
                    response = client_for(role).get(url)
                    assert response.status_code == 403
                    assert b"mother" not in response.content
        refusals = AuditEvent.objects.filter(action=AuditEvent.Action.PERMISSION_DENIED)
        assert refusals.count() == 4
        assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).exists()

    def test_without_the_second_factor_the_front_desk_is_sent_to_confirm_it(self):
        client = sign_in(Client(), staff("Front desk", authenticator=True), second_factor=False)
        response = client.get(self.detail)
        assert response["Location"].startswith("/admin/security/two-factor/verify/")
        assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).exists()

    def test_the_menu_shows_enquiries_only_to_those_who_may_read_them(self):
        for role in (*READERS, *REFUSED):
            with self.subTest(role=role):
                page = client_for(role).get(reverse("wagtailadmin_home")).content.decode()
                shown = reverse("enquiries_admin:listing") in page
                assert shown is (role in READERS)

    def test_markup_in_an_enquiry_is_shown_as_text(self):
        enquiry = EnquiryFactory(name="<script>alert(1)</script>", message="<img src=x onerror=1>")
        client = client_for("Front desk")
        for url in (
            reverse("enquiries_admin:listing"),
            reverse("enquiries_admin:detail", args=[enquiry.pk]),
        ):
            body = client.get(url).content.decode()
            assert "<script>alert(1)" not in body
            assert "&lt;script&gt;alert(1)" in body


class EnquiryListTests(TestCase):
    def test_the_list_shows_open_enquiries_newest_first_and_audits_which(self):
        older, newer, closed = EnquiryFactory(), EnquiryFactory(), EnquiryFactory()
        closed.close(by=None)
        response = client_for("Front desk").get(reverse("enquiries_admin:listing"))
        names = [row.name for row in response.context["listing"]]
        assert names == [newer.name, older.name]
        event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
        assert event.detail == f"list page 1: {newer.pk}, {older.pk}"

    def test_the_list_filters_by_status(self):
        EnquiryFactory()
        closed = EnquiryFactory()
        closed.close(by=None)
        url = reverse("enquiries_admin:listing") + "?status=closed"
        response = client_for("Clinician").get(url)
        assert [row.pk for row in response.context["listing"]] == [closed.pk]


class EnquiryStatusViewTests(TestCase):
    def setUp(self):
        self.desk = staff("Front desk")
        self.client = sign_in(Client(enforce_csrf_checks=False), self.desk)
        self.enquiry = EnquiryFactory()
        self.url = reverse("enquiries_admin:status", args=[self.enquiry.pk])

    def test_marking_answered_then_closed_records_who_and_is_audited(self):
        self.client.post(self.url, {"status": "answered"})
        response = self.client.post(self.url, {"status": "closed"}, follow=True)
        self.enquiry.refresh_from_db()
        assert self.enquiry.status == EnquiryStatus.CLOSED
        assert self.enquiry.answered_by == self.enquiry.closed_by == self.desk
        body = response.content.decode()
        assert f"Answered {date_format(localtime(self.enquiry.answered_at), 'j M Y')}" in body
        assert f"by {self.desk.get_username()}" in body
        changes = AuditEvent.objects.filter(action=AuditEvent.Action.CHANGE).order_by("pk")
        assert [event.detail for event in changes] == ["status: answered", "status: closed"]

    def test_a_change_that_is_not_possible_is_explained_and_changes_nothing(self):
        self.enquiry.close(by=None)
        response = self.client.post(self.url, {"status": "answered"}, follow=True)
        assert "This enquiry is closed; it cannot be marked answered." in response.content.decode()
        assert not AuditEvent.objects.filter(action=AuditEvent.Action.CHANGE).exists()

    def test_an_unknown_status_is_refused(self):
        response = self.client.post(self.url, {"status": "new"}, follow=True)
        assert "Please choose Answered or Closed." in response.content.decode()
        self.enquiry.refresh_from_db()
        assert self.enquiry.status == EnquiryStatus.NEW

    def test_a_csrf_less_post_is_refused(self):
        client = sign_in(Client(enforce_csrf_checks=True), staff("Front desk"))
        assert client.post(self.url, {"status": "closed"}).status_code == 403
        self.enquiry.refresh_from_db()
        assert self.enquiry.status == EnquiryStatus.NEW


class EnquiryExportTests(TestCase):
    def test_the_owner_exports_every_enquiry_and_the_export_is_audited(self):
        EnquiryFactory(name='=HYPERLINK("http://x")', message="Line one\nline two")
        response = client_for("Owner").get(reverse("enquiries_admin:csv"))
        assert response["Content-Disposition"].startswith('attachment; filename="enquiries-')
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0][:6] == ["Received", "Status", "Name", "E-mail", "Phone", "Message"]
        assert rows[1][2] == '\'=HYPERLINK("http://x")'  # a spreadsheet will not run it
        assert rows[1][5] == "Line one\nline two"
        event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
        assert event.detail == "enquiries CSV: 1 rows"

    def test_only_the_owner_may_export(self):
        for role in ("Front desk", "Clinician", "Editor", "Moderator"):
            with self.subTest(role=role):
                response = client_for(role).get(reverse("enquiries_admin:csv"))
                assert response.status_code == 403
        assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
