"""Open now and today's hours, on the clinic's wall clock, including the days clocks change."""

import datetime
from zoneinfo import ZoneInfo

import time_machine
from bs4 import BeautifulSoup
from django.test import TestCase
from wagtail.models import Page, Site

from klearmind.pages.models import HomePage, LocationIndexPage, LocationPage, OpeningHours
from klearmind.pages.opening import status_at

from .factories import publish_child

PACIFIC = ZoneInfo("America/Los_Angeles")
EIGHT_TO_SIX = (datetime.time(8), datetime.time(18))
WEEKDAYS = dict.fromkeys(range(5), EIGHT_TO_SIX) | {5: (datetime.time(9), datetime.time(14))}


def at(text: str) -> datetime.datetime:
    """A wall-clock time in the clinic's zone, as an aware moment."""
    return datetime.datetime.fromisoformat(text).replace(tzinfo=PACIFIC)


class StatusTests(TestCase):
    def test_open_during_the_hours_with_the_closing_time(self):
        status = status_at(WEEKDAYS, at("2027-06-02T17:59"))  # a Wednesday
        assert status.is_open
        assert status.summary == "Open now, until 6:00 PM"
        assert status.day == "Wednesday"

    def test_closed_at_closing_time_and_opens_tomorrow(self):
        status = status_at(WEEKDAYS, at("2027-06-02T18:00"))
        assert not status.is_open
        assert status.summary == "Closed now, opens tomorrow at 8:00 AM"

    def test_before_opening_it_opens_today(self):
        assert status_at(WEEKDAYS, at("2027-06-02T07:30")).summary == (
            "Closed now, opens today at 8:00 AM"
        )

    def test_on_a_closed_sunday_it_names_monday(self):
        status = status_at(WEEKDAYS, at("2027-06-06T11:00"))
        assert status.today is None
        assert status.summary == "Closed now, opens tomorrow at 8:00 AM"
        saturday_evening = status_at(WEEKDAYS, at("2027-06-05T15:00"))
        assert saturday_evening.summary == "Closed now, opens Monday at 8:00 AM"

    def test_a_utc_moment_is_read_on_the_clinics_clock(self):
        # 00:30 UTC on Thursday is 17:30 on Wednesday in Sacramento (PDT, UTC-7).
        moment = datetime.datetime(2027, 6, 3, 0, 30, tzinfo=datetime.UTC)
        status = status_at(WEEKDAYS, moment)
        assert status.is_open
        assert status.day == "Wednesday"

    def test_on_the_spring_change_day_the_hours_stay_wall_clock_hours(self):
        # 14 March 2027, clocks go forward at 2:00. A Sunday: give it hours to test the day.
        week = {6: (datetime.time(8), datetime.time(18))}
        # 15:30 UTC is 8:30 PDT (UTC-7): open. Under standard time it would read 7:30: closed.
        assert status_at(week, datetime.datetime(2027, 3, 14, 15, 30, tzinfo=datetime.UTC)).is_open
        assert not status_at(
            week, datetime.datetime(2027, 3, 14, 14, 30, tzinfo=datetime.UTC)
        ).is_open

    def test_on_the_autumn_change_day_too(self):
        # 7 November 2027, clocks go back at 2:00: 16:30 UTC is 8:30 PST (UTC-8).
        week = {6: (datetime.time(8), datetime.time(18))}
        assert status_at(week, datetime.datetime(2027, 11, 7, 16, 30, tzinfo=datetime.UTC)).is_open
        assert not status_at(
            week, datetime.datetime(2027, 11, 7, 15, 30, tzinfo=datetime.UTC)
        ).is_open
        assert status_at(week, datetime.datetime(2027, 11, 8, 1, 59, tzinfo=datetime.UTC)).is_open


class LocationPageStatusTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        home = Page.get_first_root_node().add_child(
            instance=HomePage(title="Home", slug="open-home", hero_heading="H", hero_text="T")
        )
        Site.objects.update(root_page=home)
        index = publish_child(home, LocationIndexPage(title="Locations", slug="locations"))
        page = LocationPage(
            title="Midtown",
            slug="midtown",
            street_address="1 Test Street",
            city="Sacramento",
            postal_code="95811",
            phone="(916) 555-0142",
        )
        cls.page = publish_child(index, page)
        for day, (opens, closes) in WEEKDAYS.items():
            OpeningHours.objects.create(location=cls.page, weekday=day, opens=opens, closes=closes)

    def status(self) -> tuple[str, str]:
        response = self.client.get(self.page.url)
        soup = BeautifulSoup(response.content, "html.parser")
        line = soup.select_one(".open-status")
        return line.strong.get_text(), " ".join(
            line.select_one(".open-status__today").get_text().split()
        )

    def test_the_page_says_open_now_and_todays_hours(self):
        with time_machine.travel(at("2027-06-05T10:15"), tick=False):  # a Saturday
            assert self.status() == (
                "Open now, until 2:00 PM",
                "Today (Saturday): 9:00 AM – 2:00 PM",
            )

    def test_the_page_says_closed_on_sunday(self):
        with time_machine.travel(at("2027-06-06T10:15"), tick=False):
            assert self.status() == (
                "Closed now, opens tomorrow at 8:00 AM",
                "Today (Sunday): closed",
            )

    def test_on_the_autumn_change_day_the_monday_after_reads_right(self):
        # Monday 8 November 2027, 8:05 PST = 16:05 UTC: the first morning on standard time.
        with time_machine.travel(
            datetime.datetime(2027, 11, 8, 16, 5, tzinfo=datetime.UTC), tick=False
        ):
            assert self.status()[0] == "Open now, until 6:00 PM"

    def test_no_shared_cache_keeps_the_page_past_the_moment(self):
        response = self.client.get(self.page.url)
        assert "no-cache" in response["Cache-Control"]
