"""The public booking flow walked by its links, as the hostile-input tests need it."""

import datetime
import re
from urllib.parse import parse_qs, urlparse

from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from klearmind.booking.flow import parse_start
from klearmind.booking.models import Service


def walk_to_booking_details(reader) -> str:
    """From the list of services to the details form of the first free time that can still
    be cancelled online (outside the service's cancellation notice), by the links."""
    start = reader.get(reverse("booking:start"))
    hrefs = re.findall(r'href="(/book/([a-z-]+)/)"', start.content.decode())
    for service_url, slug in hrefs:
        notice = Service.objects.get(slug=slug).cancellation_notice_hours
        earliest = timezone.now() + datetime.timedelta(hours=notice, minutes=5)
        place = BeautifulSoup(reader.get(service_url).content, "html.parser")
        choice = place.select_one('input[name="place"]') or place.select_one(
            'select[name="place"] option[value]'
        )
        month = reader.get(service_url, {"place": choice["value"]}, follow=True)
        for _ in range(2):  # this month, then the next
            details = first_time_from(reader, month.content.decode(), earliest)
            if details:
                return details
            later = re.search(r'href="([^"]+)" rel="next"', month.content.decode())
            if later is None:
                break
            month = reader.get(later.group(1).replace("&amp;", "&"))
    raise AssertionError("no free time outside the cancellation notice in the demo clinic")


def first_time_from(reader, month: str, earliest: datetime.datetime) -> str | None:
    for day in re.findall(r'href="([^"]+)" aria-label="[^"]*: free times"', month):
        day_page = reader.get(day.replace("&amp;", "&")).content.decode()
        for href in re.findall(r'href="([^"]*/details/\?start=[^"]+)"', day_page):
            href = href.replace("&amp;", "&")
            value = parse_qs(urlparse(href).query)["start"][0]
            if parse_start(value) >= earliest:
                return href
    return None
