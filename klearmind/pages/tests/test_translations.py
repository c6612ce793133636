"""The opening status worded in the active language (the Spanish catalogue itself is checked
with every other in tests/test_translations.py)."""

import datetime
from zoneinfo import ZoneInfo

from django.test import SimpleTestCase
from django.utils import translation

from klearmind.pages.opening import status_at

EIGHT_TO_SIX = (datetime.time(8), datetime.time(18))
WEEK = dict.fromkeys(range(5), EIGHT_TO_SIX)


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("America/Los_Angeles"))


class SpanishOpeningStatusTests(SimpleTestCase):
    def test_open_and_closed_read_in_spanish(self):
        with translation.override("es"):
            open_status = status_at(WEEK, at("2027-06-02T17:59"))  # a Wednesday
            assert open_status.summary == "Abierto ahora, hasta las 6:00 PM"
            assert open_status.day == "miércoles"
            assert status_at(WEEK, at("2027-06-02T07:30")).summary == (
                "Cerrado ahora; abre hoy a las 8:00 AM"
            )
            assert status_at(WEEK, at("2027-06-02T18:00")).summary == (
                "Cerrado ahora; abre mañana a las 8:00 AM"
            )
            assert status_at(WEEK, at("2027-06-05T15:00")).summary == (
                "Cerrado ahora; abre el lunes a las 8:00 AM"
            )

    def test_english_reads_as_before(self):
        with translation.override("en"):
            assert status_at(WEEK, at("2027-06-05T15:00")).summary == (
                "Closed now, opens Monday at 8:00 AM"
            )
