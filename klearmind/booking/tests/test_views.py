import datetime
import re
from unittest import mock
from urllib.parse import urlsplit

import icalendar
import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core import mail
from django.db.models import F
from django.test import Client, TestCase, override_settings

from klearmind.booking import flow, services
from klearmind.booking.links import appointment_path, invitation_token, visit_path
from klearmind.booking.models import (
    Appointment,
    AppointmentStatus,
    OnlineBooking,
    Series,
    ServiceKind,
)

from .factories import book, make_clinic, make_provider, open_visit

NOW = datetime.datetime(2026, 12, 1, 16, tzinfo=datetime.UTC)  # Tuesday 8:00 in Sacramento
DAY = datetime.date(2026, 12, 3)
DETAILS = {"name": "Dana Reyes", "email": "dana@example.org", "phone": "(916) 555-0199"}


def csrf_token(response) -> str:
    return BeautifulSoup(response.content, "html.parser").find(
        "input", {"name": "csrfmiddlewaretoken"}
    )["value"]


def hidden_fields(response) -> dict[str, list[str]]:
    form = BeautifulSoup(response.content, "html.parser").find("form", class_="booking-confirm")
    fields: dict[str, list[str]] = {}
    for field in form.find_all("input", type="hidden"):
        fields.setdefault(field["name"], []).append(field.get("value", ""))
    return fields


def text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())


@time_machine.travel(NOW, tick=False)
class BookingStepsTests(TestCase):
    def setUp(self):
        self.clinic = make_clinic(chairs=1, slug="midtown", fasting_hours=6, at_home=True)
        make_provider("Home nurse", [self.clinic.service], location=None)
        self.client = Client(enforce_csrf_checks=True)
        self.start = self.clinic.at(DAY, 10).isoformat()
        self.details_url = "/book/drip/midtown/details/"

    def review(self, **data):
        page = self.client.get(self.details_url, {"start": self.start})
        return self.client.post(
            self.details_url,
            {"csrfmiddlewaretoken": csrf_token(page), "start": self.start, **DETAILS, **data},
        )

    def confirm(self, review, **extra):
        fields = {**hidden_fields(review), "confirm": "1", **extra}
        return self.client.post(self.details_url, fields)

    def test_a_tampered_form_token_books_once_without_failing(self):
        review = self.review()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.confirm(review, token="abc\x00def")
        assert response.status_code == 302
        appointment = Appointment.objects.get()
        assert response["Location"] == visit_path(appointment) + "?booked=1"

    def test_service_place_day_time_details_confirm_books_one_visit(self):
        assert "Drip" in text(self.client.get("/book/"))
        place = self.client.get("/book/drip/", {"place": "midtown"})
        assert place["Location"] == "/book/drip/midtown/"
        month = self.client.get("/book/drip/midtown/", {"month": "2026-12"})
        assert 'href="/book/drip/midtown/2026-12-03/"' in month.content.decode()
        assert "December 2026" in text(month)
        day = self.client.get("/book/drip/midtown/2026-12-03/")
        assert "10:00 AM" in text(day)
        review = self.review()
        assert review.status_code == 200
        assert "No solid food for 6 hours" in text(review)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.confirm(review)
        appointment = Appointment.objects.get()
        assert response["Location"] == f"/book/my-visit/{appointment.pk}/?booked=1"
        assert "dana" not in response["Location"]  # no personal data in the address
        confirmation = self.client.get(response["Location"])
        assert "Your visit is booked" in text(confirmation)
        assert "No solid food for 6 hours before your visit." in text(confirmation)
        assert "Thursday 3 December 2026, 10:00 AM" in text(confirmation)
        assert "private" in confirmation["Cache-Control"]
        assert "no-store" in confirmation["Cache-Control"]
        assert len(mail.outbox) == 1

    def test_a_double_clicked_confirm_stores_one_booking(self):
        review = self.review()
        first = self.confirm(review)
        second = self.confirm(review)
        assert Appointment.objects.count() == 1
        assert first["Location"] == second["Location"]

    def test_errors_are_tied_to_their_fields_and_what_was_typed_is_kept(self):
        response = self.review(name="<script>alert(1)</script>", email="not-an-address", phone="12")
        assert response.status_code == 400
        soup = BeautifulSoup(response.content, "html.parser")
        email = soup.find("input", {"name": "email"})
        assert email["value"] == "not-an-address"
        assert email["aria-invalid"] == "true"
        assert "id_email_error" in email["aria-describedby"]
        assert "like name@example.com" in soup.find(id="id_email_error").get_text()
        assert "area code" in soup.find(id="id_phone_error").get_text()
        assert soup.find(id="form-errors").find("a", href="#id_email")
        assert "<script>alert(1)</script>" not in response.content.decode()
        assert not Appointment.objects.exists()

    def test_unusual_names_are_kept_but_control_characters_are_refused(self):
        response = self.review(name="Zoë 😀 \u05e9\u05dc\u05d5\u05dd")
        assert response.status_code == 200
        refused = self.review(name="Eve\u202eevil")
        assert "invisible control character" in text(refused)
        assert self.review(name="x" * 500).status_code == 400
        assert "Null characters are not allowed" in text(self.review(name="Dana\x00"))
        assert not Appointment.objects.exists()

    def test_garbled_addresses_get_a_clear_answer_not_an_error(self):
        assert self.client.get("/book/drip/midtown/2026-02-30/").status_code == 404
        assert "December 2026" in text(self.client.get("/book/drip/midtown/?month=zz"))  # now
        for start in ("tomorrow", "2026-12-03T10:00", "9999-12-31T10:00:00+00:00"):
            response = self.client.get(self.details_url, {"start": start})
            assert response.status_code == 400, start
        refused = self.client.get("/book/invitation/%3Cb%3Eforged%3C%5Cb%3E/")
        assert "This booking link is not valid" in text(refused)
        assert "<b>forged" not in refused.content.decode()
        home = self.client.get("/book/drip/home/", {"zip": "<script>"})
        assert "five-digit ZIP code" in text(home) and "<script>" not in home.content.decode()

    def test_a_zip_outside_the_area_says_so_and_keeps_it(self):
        response = self.client.get("/book/drip/", {"place": "home", "zip": "90210"})
        assert response.status_code == 400
        assert "We do not make home visits to 90210 yet" in text(response)
        assert BeautifulSoup(response.content, "html.parser").find(id="id_zip")["value"] == "90210"

    def test_a_zip_inside_the_area_leads_to_home_visit_days(self):
        response = self.client.get("/book/drip/", {"place": "home", "zip": "95816"})
        assert response["Location"] == "/book/drip/home/?zip=95816"
        month = self.client.get(response["Location"])
        assert "At home (ZIP 95816): we come to you" in text(month)

    def test_a_service_not_given_at_a_place_is_refused_clearly(self):
        self.clinic.service.at_home = False
        self.clinic.service.save()
        response = self.client.get("/book/drip/home/", {"zip": "95816"})
        assert response.status_code == 400
        assert "Drip is not offered at home." in text(response)

    def test_a_past_day_and_a_time_outside_hours_are_refused_and_nothing_is_stored(self):
        past = self.client.get("/book/drip/midtown/2026-11-20/")
        assert "That day has passed" in text(past)
        late = self.clinic.at(DAY, 20).isoformat()
        outside = self.client.get(self.details_url, {"start": late})
        assert outside.status_code == 400
        assert "We are not open for this service at that time" in text(outside)
        yesterday = self.clinic.at(DAY - datetime.timedelta(days=3), 10).isoformat()
        assert "already passed" in text(self.client.get(self.details_url, {"start": yesterday}))
        assert not Appointment.objects.exists()

    def test_a_time_taken_between_review_and_confirm_says_so(self):
        review = self.review()
        book(self.clinic, self.clinic.at(DAY, 10))
        response = self.confirm(review)
        assert response.status_code == 409
        assert "that time was just taken" in text(response)
        assert Appointment.objects.count() == 1

    def test_each_step_asks_who_may_book_what_where_once(self):
        with mock.patch.object(flow, "check_offered", wraps=flow.check_offered) as check:
            self.client.get("/book/drip/", {"place": "midtown"})
            self.client.get("/book/drip/midtown/", {"month": "2026-12"})
            self.client.get("/book/drip/home/2026-12-03/", {"zip": "95816"})
        assert check.call_count == 3
        assert [c.kwargs["place"] for c in check.call_args_list][0] is None
        assert check.call_args_list[2].kwargs["place"].at_home

    def test_a_staff_only_service_is_refused_on_every_step(self):
        self.clinic.service.online_booking = OnlineBooking.STAFF
        self.clinic.service.save()
        for url in ("/book/drip/", "/book/drip/midtown/", self.details_url):
            response = self.client.get(url, {"start": self.start})
            assert response.status_code == 400, url
            assert "Drip is booked by the clinic. Please call us." in text(response)

    def test_a_full_day_is_not_a_link_in_the_month(self):
        for hour in range(8, 18):
            book(self.clinic, self.clinic.at(DAY, hour))
        home = self.clinic.service.providers.get(name="Home nurse")
        home.delete()
        month = self.client.get("/book/drip/midtown/", {"month": "2026-12"})
        assert 'href="/book/drip/midtown/2026-12-03/"' not in month.content.decode()
        assert 'href="/book/drip/midtown/2026-12-04/"' in month.content.decode()


@time_machine.travel(NOW, tick=False)
class InvitationAndSeriesTests(TestCase):
    def setUp(self):
        self.clinic = make_clinic(
            chairs=1,
            slug="midtown",
            kind=ServiceKind.KETAMINE,
            online_booking=OnlineBooking.INVITED,
            duration_minutes=90,
        )
        self.client = Client(enforce_csrf_checks=True)

    def test_without_an_invitation_treatment_cannot_be_booked_online(self):
        response = self.client.get("/book/drip/midtown/")
        assert response.status_code == 400
        assert "once a clinician has reviewed your questionnaire" in text(response)

    def test_a_tampered_invitation_link_is_refused(self):
        invitation = services.issue_invitation(name="Alex", email="alex@example.org", by=None)
        token = invitation_token(invitation)
        response = self.client.get(f"/book/invitation/{token[:-1]}x/")
        assert response.status_code == 404
        assert "This booking link is not valid" in text(response)

    def test_an_invited_patient_books_the_whole_series_at_once(self):
        invitation = services.issue_invitation(name="Alex", email="alex@example.org", by=None)
        token = invitation_token(invitation)
        landing = self.client.get(f"/book/invitation/{token}/", follow=True)
        assert landing.redirect_chain == [("/book/invitation/", 302)]
        assert "Welcome, Alex" in text(landing)
        assert 'href="/book/drip/"' in landing.content.decode()
        start = self.clinic.at(DAY, 10).isoformat()
        url = "/book/drip/midtown/details/"
        page = self.client.get(url, {"start": start})
        review = self.client.post(
            url,
            {
                "csrfmiddlewaretoken": csrf_token(page),
                "start": start,
                "series": "series",
                **DETAILS,
            },
        )
        assert token not in review.content.decode()
        assert "invitation" not in hidden_fields(review)
        assert "Your induction series" in text(review)
        assert len(hidden_fields(review)["series_start"]) == 6
        response = self.client.post(url, {**hidden_fields(review), "confirm": "1"})
        assert response.status_code == 302
        assert Appointment.objects.filter(series__isnull=False).count() == 6
        invitation.refresh_from_db()
        assert invitation.used_at is not None
        confirmation = self.client.get(response["Location"])
        assert len(re.findall(r"· Booked", text(confirmation))) == 6
        used = self.client.get("/book/invitation/")
        assert used.status_code == 410
        assert "This booking link has been used or has expired" in text(used)
        again = self.client.get("/book/drip/midtown/")
        assert "This booking link has been used or has expired" in text(again)

    def test_a_used_invitation_cannot_book_twice(self):
        invitation = services.issue_invitation(name="Alex", email="alex@example.org", by=None)
        self.client.get(f"/book/invitation/{invitation_token(invitation)}/")
        url = "/book/drip/midtown/details/"

        def review(hour):
            start = self.clinic.at(DAY, hour).isoformat()
            page = self.client.get(url, {"start": start})
            data = {"csrfmiddlewaretoken": csrf_token(page), "start": start, **DETAILS}
            return self.client.post(url, {**data, "series": "one"})

        first, second = review(10), review(14)
        booked = self.client.post(url, {**hidden_fields(first), "confirm": "1"})
        again = self.client.post(url, {**hidden_fields(first), "confirm": "1"})
        assert again["Location"] == booked["Location"]  # a double click shows the same visit
        refused = self.client.post(url, {**hidden_fields(second), "confirm": "1"})
        assert refused.status_code == 400
        assert "This booking link has been used or has expired" in text(refused)
        assert Appointment.objects.get().invitation == invitation

    def test_the_invitation_is_read_from_the_browser_it_was_opened_in_only(self):
        invitation = services.issue_invitation(name="Alex", email="alex@example.org", by=None)
        self.client.get(f"/book/invitation/{invitation_token(invitation)}/")
        month = self.client.get("/book/drip/midtown/", {"month": "2026-12"})
        assert month.status_code == 200
        assert "invitation" not in month.content.decode()
        stranger = Client()
        assert "once a clinician has reviewed" in text(stranger.get("/book/drip/midtown/"))
        assert stranger.get("/book/invitation/").status_code == 404
        ignored = stranger.get("/book/drip/midtown/", {"invitation": invitation_token(invitation)})
        assert ignored.status_code == 400


@time_machine.travel(NOW, tick=False)
class PrivateLinkTests(TestCase):
    def setUp(self):
        self.clinic = make_clinic(chairs=1, slug="midtown")
        self.visit = book(self.clinic, self.clinic.at(DAY, 10))
        self.client = Client(enforce_csrf_checks=True)
        self.path = open_visit(self.client, self.visit)

    def test_a_tampered_link_shows_nothing(self):
        link = appointment_path(self.visit)
        response = Client().get(link[:-3] + "xx/")
        assert response.status_code == 404
        assert "This link is not valid" in text(response)
        assert "Dana" not in response.content.decode()

    def test_the_e_mailed_link_is_exchanged_for_an_address_without_it(self):
        link = appointment_path(self.visit)
        token = link.strip("/").split("/")[-1]
        assert self.path == f"/book/my-visit/{self.visit.pk}/"
        page = self.client.get(self.path)
        assert "Thursday 3 December 2026, 10:00 AM" in text(page)
        assert token not in page.content.decode()
        hrefs = [a["href"] for a in BeautifulSoup(page.content, "html.parser").find_all("a")]
        assert f"/book/my-visit/{self.visit.pk}/cancel/" in hrefs
        assert not [href for href in hrefs if "/book/visit/" in href]

    def test_the_address_without_the_link_opens_nothing_in_another_browser(self):
        stranger = Client()
        for suffix in ("", "calendar.ics", "cancel/", "reschedule/"):
            response = stranger.get(self.path + suffix)
            assert response.status_code == 404, suffix
            assert "open the private link in your booking e-mail" in text(response)
        assert stranger.post(self.path + "cancel/").status_code == 404
        self.visit.refresh_from_db()
        assert self.visit.status == AppointmentStatus.BOOKED

    def test_the_link_opens_again_in_another_browser(self):
        other = Client()
        assert open_visit(other, self.visit) == self.path
        assert "Thursday 3 December 2026" in text(other.get(self.path))

    def test_the_calendar_file_downloads_without_a_private_link(self):
        response = self.client.get(self.path + "calendar.ics")
        assert response["Content-Type"].startswith("text/calendar")
        calendar = icalendar.Calendar.from_ical(response.content)
        [event] = calendar.walk("VEVENT")
        description = str(event["description"])
        assert "call us on (916) 555-0142" in description
        assert "http://testserver/" in description
        assert str(event["url"]) == "http://testserver/"
        token = appointment_path(self.visit).strip("/").split("/")[-1]
        assert token not in response.content.decode()
        assert "/book/" not in response.content.decode()

    def test_cancelling_outside_the_notice_window(self):
        page = self.client.get(self.path + "cancel/")
        response = self.client.post(
            self.path + "cancel/", {"csrfmiddlewaretoken": csrf_token(page)}
        )
        assert response["Location"] == self.path
        self.visit.refresh_from_db()
        assert self.visit.status == AppointmentStatus.CANCELLED

    def test_inside_the_notice_window_the_policy_is_explained_and_the_phone_given(self):
        with time_machine.travel(self.visit.starts_at - datetime.timedelta(hours=3)):
            open_visit(self.client, self.visit)  # days later: this browser's session ended
            page = self.client.get(self.path + "cancel/")
            assert "Our cancellation policy" in text(page)
            assert "(916) 555-0142" in text(page)
            assert page.content.decode().count("<form") == 0 or "Yes, cancel" not in text(page)
        self.visit.refresh_from_db()
        assert self.visit.status == AppointmentStatus.BOOKED

    def test_inside_the_notice_window_a_posted_move_is_refused_and_nothing_moves(self):
        page = self.client.get(self.path + "reschedule/", {"month": "2026-12", "day": "2026-12-04"})
        new_start = self.clinic.at(DAY + datetime.timedelta(days=1), 11).isoformat()
        with time_machine.travel(self.visit.starts_at - datetime.timedelta(hours=3)):
            open_visit(self.client, self.visit)  # days later: this browser's session ended
            response = self.client.post(
                self.path + "reschedule/",
                {"csrfmiddlewaretoken": csrf_token(page), "start": new_start},
            )
        assert response.status_code == 409
        assert "so it can no longer be changed online" in text(response)
        assert "Free times" not in text(response)
        self.visit.refresh_from_db()
        assert self.visit.local_start.hour == 10

    def test_rescheduling_picks_a_new_free_time(self):
        page = self.client.get(self.path + "reschedule/", {"month": "2026-12", "day": "2026-12-04"})
        assert "Free times on Friday 4 December" in text(page)
        new_start = self.clinic.at(DAY + datetime.timedelta(days=1), 11).isoformat()
        response = self.client.post(
            self.path + "reschedule/?month=2026-12&day=2026-12-04",
            {"csrfmiddlewaretoken": csrf_token(page), "start": new_start},
        )
        assert response["Location"] == self.path + "?moved=1"
        self.visit.refresh_from_db()
        assert self.visit.local_start == self.clinic.at(DAY + datetime.timedelta(days=1), 11)

    def test_the_link_is_never_cached(self):
        response = self.client.get(self.path)
        assert "no-store" in response["Cache-Control"]
        assert urlsplit(self.path).path.startswith("/book/my-visit/")


@pytest.mark.clock
class VisitLinkExpiryTests(TestCase):
    """The link and the browser it was opened in work until VISIT_LINK_DAYS_AFTER days after
    the visit (the last visit of a series), then say so and give the clinic's phone."""

    def setUp(self):
        self.clinic = make_clinic(chairs=1, slug="midtown")
        with time_machine.travel(NOW, tick=False):
            self.visit = book(self.clinic, self.clinic.at(DAY, 10))
        self.link = appointment_path(self.visit)

    def at(self, days: float):
        return time_machine.travel(self.visit.ends_at + datetime.timedelta(days=days), tick=False)

    def assert_expired(self, response):
        assert response.status_code == 410
        assert "This link has expired" in text(response)
        assert "30 days after the visit" in text(response)
        assert "(916) 555-0142" in text(response)
        assert "Dana" not in response.content.decode()

    def test_the_link_opens_a_visit_completed_days_ago(self):
        self.visit.mark_completed(by=None)
        with self.at(29):
            response = self.client.get(self.link, follow=True)
        assert response.redirect_chain == [(f"/book/my-visit/{self.visit.pk}/", 302)]
        assert "Thursday 3 December 2026, 10:00 AM" in text(response)

    def test_the_link_expires_30_days_after_the_visit(self):
        with self.at(30):
            self.assert_expired(self.client.get(self.link))
        assert not self.client.session.get("booking_visits")

    @override_settings(SESSION_COOKIE_AGE=60 * 24 * 60 * 60)
    def test_a_browser_that_opened_it_loses_the_visit_then_too(self):
        with self.at(-5):
            path = open_visit(self.client, self.visit)
            assert self.client.get(path).status_code == 200
        with self.at(30):
            self.assert_expired(self.client.get(path))
            self.assert_expired(self.client.get(path + "calendar.ics"))

    @override_settings(VISIT_LINK_DAYS_AFTER=3)
    def test_the_number_of_days_is_a_setting(self):
        with self.at(2.9):
            assert self.client.get(self.link).status_code == 302
        with self.at(3):
            assert self.client.get(self.link).status_code == 410

    def test_a_moved_visit_keeps_its_link_until_30_days_after_its_new_time(self):
        later = self.visit.ends_at + datetime.timedelta(days=20)
        shift = later - self.visit.ends_at
        Appointment.objects.filter(pk=self.visit.pk).update(
            starts_at=F("starts_at") + shift,
            ends_at=later,
            occupied_from=F("occupied_from") + shift,
            occupied_until=F("occupied_until") + shift,
        )
        with self.at(45):
            assert self.client.get(self.link).status_code == 302
        with self.at(50):
            assert self.client.get(self.link).status_code == 410

    def test_a_series_link_lasts_until_30_days_after_its_last_visit(self):
        with time_machine.travel(NOW, tick=False):
            last = book(self.clinic, self.clinic.at(DAY + datetime.timedelta(days=14), 10))
        series = Series.objects.create(service=self.visit.service)
        Appointment.objects.filter(pk__in=[self.visit.pk, last.pk]).update(series=series)
        with self.at(40):
            assert self.client.get(self.link).status_code == 302
        with self.at(45):
            assert self.client.get(self.link).status_code == 410
