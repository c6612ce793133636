"""What the apps above booking add to it, registered when they start.

Booking sits below intake and care and never imports them (see pyproject.toml), yet two
things in it depend on them: the details step may start filled in with what someone already
typed in the candidacy questionnaire, and a consultation booked with a questionnaire's e-mail
moves that questionnaire on. So intake registers, in its AppConfig.ready, a function for each
here, as it does for the acceptance check in `clearance`.

The desk's caller finder works the same way: care and intake each register a function that
finds their own records (patients, candidates) for the staff booking screen.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Caller:
    """One person the desk's finder found: only their kind, name and contact details (never
    health details), and a link to their record when the user may open it."""

    kind: str
    name: str
    email: str
    phone: str
    link: str = ""


CallerFinder = Callable[[object, str], list[Caller]]
_caller_finders: list[CallerFinder] = []


def register_caller_finder(finder: CallerFinder) -> None:
    """A function of (user, whole e-mail address) giving the `Caller`s it finds; it returns
    nothing for a user who may not open its app's own screens."""
    if finder not in _caller_finders:
        _caller_finders.append(finder)


def find_callers(user, email: str) -> list[Caller]:
    found: list[Caller] = []
    for finder in _caller_finders:
        found.extend(finder(user, email))
    return found


DetailsSource = Callable[[object], dict[str, str]]
BookedListener = Callable[[object], None]

_details_sources: list[DetailsSource] = []
_booked_listeners: list[BookedListener] = []


def register_details_source(source: DetailsSource) -> None:
    """A function of the request giving the name, email and phone known in this browser."""
    if source not in _details_sources:
        _details_sources.append(source)


def register_booked(listener: BookedListener) -> None:
    """A function called with each new appointment, inside the booking's transaction."""
    if listener not in _booked_listeners:
        _booked_listeners.append(listener)


def known_details(request) -> dict[str, str]:
    details: dict[str, str] = {}
    for source in _details_sources:
        details.update({key: value for key, value in source(request).items() if value})
    return details


def booked(appointment) -> None:
    for listener in _booked_listeners:
        listener(appointment)
