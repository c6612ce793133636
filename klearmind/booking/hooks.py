"""What the apps above booking add to it, registered when they start.

Booking sits below intake and care and never imports them (see pyproject.toml), yet two
things in it depend on them: the details step may start filled in with what someone already
typed in the candidacy questionnaire, and a consultation booked with a questionnaire's e-mail
moves that questionnaire on. So intake registers, in its AppConfig.ready, a function for each
here, as it does for the acceptance check in `clearance`.

The desk's caller finder works the same way: care and intake each register a function that
finds their own records (patients, candidates) for the staff booking screen, given the
`CallerSearch` the desk typed (docs/decisions/038). So does the desk's "Consent to sign":
care registers a function that says, for a list of visits, which consent documents each
patient has still to sign before their treatment.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q

from klearmind.encryption.keys import (
    PHONE_TEXT,
    email_lookup_hash,
    name_lookup_hash,
    phone_lookup_hash,
)

KIND_LABELS = {"email": "e-mail", "phone": "phone number", "name": "name"}


@dataclass(frozen=True)
class CallerSearch:
    """What was typed in the finder's one box, read as an e-mail address (it has an "@"), a
    phone number (only digits and what is typed around them) or else a whole name, and kept
    only as the keyed hashes it is found under: the text itself goes no further.

    A name is matched whole, as typed ("Ana Rivera"), and "Rivera, Ana" also as "Ana Rivera";
    a part of a name matches nothing, as a hash of it is unrelated to the whole one's.
    """

    kind: str  # "email", "phone" or "name"
    hashes: tuple[str, ...]

    @classmethod
    def read(cls, text: str) -> "CallerSearch | None":
        text = text.strip()
        if not text:
            return None
        if "@" in text:
            return cls("email", (email_lookup_hash(text),))
        if PHONE_TEXT.match(text) and any(character.isdigit() for character in text):
            phone = phone_lookup_hash(text)
            return cls("phone", (phone,) if phone else ())
        names = [text]
        if text.count(",") == 1:
            last, first = text.split(",")
            names.append(f"{first} {last}")
        hashes = (name_lookup_hash(name) for name in names)
        return cls("name", tuple(dict.fromkeys(found for found in hashes if found)))

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    def lookup(self, prefix: str = "") -> Q:
        """The filter on a model's `<prefix>email_hash`, `name_hash` or `phone_hash`."""
        return Q(**{f"{prefix}{self.kind}_hash__in": self.hashes})


@dataclass(frozen=True)
class Caller:
    """One person the desk's finder found: only their kind, name and contact details (never
    health details), and a link to their record when the user may open it."""

    kind: str
    name: str
    email: str
    phone: str
    link: str = ""


CallerFinder = Callable[[object, CallerSearch], list[Caller]]
_caller_finders: list[CallerFinder] = []


def register_caller_finder(finder: CallerFinder) -> None:
    """A function of (user, `CallerSearch`) giving the `Caller`s it finds (filter with
    `search.lookup()`); it returns nothing for a user who may not open its app's own screens."""
    if finder not in _caller_finders:
        _caller_finders.append(finder)


def find_callers(user, search: CallerSearch) -> list[Caller]:
    found: list[Caller] = []
    for finder in _caller_finders:
        found.extend(finder(user, search))
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


ConsentCheck = Callable[[list], dict[int, list[str]]]
_consent_checks: list[ConsentCheck] = []


def register_consent_check(check: ConsentCheck) -> None:
    """A function of a list of appointments giving, by appointment id, the consent documents
    still to sign before each (a title and why, in words), in a bounded number of queries
    whatever the number of visits; visits with nothing to sign are left out."""
    if check not in _consent_checks:
        _consent_checks.append(check)


def consents_to_sign(visits) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for check in _consent_checks:
        for visit_id, documents in check(list(visits)).items():
            found.setdefault(visit_id, []).extend(documents)
    return found


def mark_consents_to_sign(visits) -> None:
    """Set `consents_to_sign` on each visit: the documents its patient has still to sign."""
    found = consents_to_sign(visits)
    for visit in visits:
        visit.consents_to_sign = found.get(visit.pk, [])
