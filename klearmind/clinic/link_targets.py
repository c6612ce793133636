"""Where a "Book…" button leads: a page, a booking service (and place), or the candidacy
questionnaire.

The public site never imports booking or intake, yet its buttons must open the booking flow at
the right step. So a target is stored as a kind and identifiers (a service's slug, a place's
key) and turned into an address by URL name; the choices an editor picks from come from a
registry that booking fills when it starts. With nothing registered the lists are empty and an
unknown service is refused. See docs/decisions/035-book-buttons.md.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.urls import NoReverseMatch, reverse

Choices = list[tuple[str, str]]


class LinkKind(models.TextChoices):
    PAGE = "page", "A page"
    SERVICE = "service", "Book a service"
    CANDIDACY = "candidacy", "The candidacy questionnaire"


@dataclass(frozen=True)
class BookingChoices:
    services: Callable[[], Choices]
    places: Callable[[], Choices]


_registered: list[BookingChoices] = []


def register(*, services: Callable[[], Choices], places: Callable[[], Choices]) -> None:
    """Booking names its services (slug, name) and places (key, name); the last one counts."""
    _registered[:] = [BookingChoices(services=services, places=places)]


def service_choices() -> Choices:
    return [("", "---------"), *(_registered[0].services() if _registered else [])]


def place_choices() -> Choices:
    chosen = _registered[0].places() if _registered else []
    return [("", "Let the patient choose"), *chosen]


def booking_url(service: str, place: str = "") -> str:
    """The booking flow opened at the step after the choices made: the place step with the
    service chosen, or the calendar with the place chosen too."""
    if not service:
        return ""
    try:
        if place:
            return reverse("booking:month", args=[service, place])
        return reverse("booking:place", args=[service])
    except NoReverseMatch:
        return ""


def target_url(kind: str, *, page=None, service: str = "", place: str = "") -> str:
    if kind == LinkKind.SERVICE:
        return booking_url(service, place)
    if kind == LinkKind.CANDIDACY:
        return reverse("intake:start")
    if page is None or not page.live:
        return ""
    return page.localized.url or ""  # the page in the visitor's language, where translated


def target_errors(kind: str, *, page=None, service: str = "", place: str = "") -> dict[str, str]:
    """What is missing or wrong in a target, by the name of the field to show it on."""
    if kind == LinkKind.SERVICE:
        if not service:
            return {"service": "Choose the service the button books."}
        if service not in dict(service_choices()):
            return {"service": "That service is not booked online. Choose another."}
        if place and place not in dict(place_choices()):
            return {"place": "That place is not a clinic. Choose another, or none."}
    elif kind == LinkKind.PAGE and page is None:
        return {"page": "Choose the page the button leads to."}
    return {}
