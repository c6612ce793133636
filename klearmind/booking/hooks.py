"""What the apps above booking add to it, registered when they start.

Booking sits below intake and care and never imports them (see pyproject.toml), yet two
things in it depend on them: the details step may start filled in with what someone already
typed in the candidacy questionnaire, and a consultation booked with a questionnaire's e-mail
moves that questionnaire on. So intake registers, in its AppConfig.ready, a function for each
here, as it does for the acceptance check in `clearance`.
"""

from collections.abc import Callable

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
