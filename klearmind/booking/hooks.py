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


StatusListener = Callable[[object, str], None]
_status_listeners: list[StatusListener] = []


def register_status_listener(listener: StatusListener) -> None:
    """A function of (appointment, the status it had) called when a visit changes status
    (cancelled, no-show, arrived, completed), inside the change's transaction: payments
    refunds a deposit or charges a fee from here, after the transaction commits."""
    if listener not in _status_listeners:
        _status_listeners.append(listener)


def status_changed(appointment, old_status: str) -> None:
    for listener in _status_listeners:
        listener(appointment, old_status)


PaymentStep = Callable[[object], str]
_payment_steps: list[PaymentStep] = []


def register_payment_step(step: PaymentStep) -> None:
    """A function of a new appointment giving the address of the step that takes its deposit,
    or "" when it needs none: the patient goes there instead of the confirmation."""
    if step not in _payment_steps:
        _payment_steps.append(step)


def payment_step(appointment) -> str:
    for step in _payment_steps:
        if address := step(appointment):
            return address
    return ""


VisitPayments = Callable[[object], dict]
_visit_payments: list[VisitPayments] = []


def register_visit_payments(source: VisitPayments) -> None:
    """A function of an appointment giving what its patient's page shows about money: a dict
    with "lines" (short sentences, such as "Deposit of $50.00 paid on Dec 4") and "pay_url"
    (the deposit step while one is due, else "")."""
    if source not in _visit_payments:
        _visit_payments.append(source)


def visit_payments(appointment) -> dict:
    shown: dict = {"lines": [], "pay_url": ""}
    for source in _visit_payments:
        found = source(appointment)
        shown["lines"].extend(found.get("lines", []))
        shown["pay_url"] = shown["pay_url"] or found.get("pay_url", "")
    return shown


_online_deposits: list[Callable[[], bool]] = []


def register_online_deposits(check: Callable[[], bool]) -> None:
    """A function saying whether deposits are taken by card online now (card payments on)."""
    if check not in _online_deposits:
        _online_deposits.append(check)


def deposits_online() -> bool:
    return any(check() for check in _online_deposits)


StaffVisitLines = Callable[[object, object], list[tuple[str, str]]]
_staff_visit_lines: list[StaffVisitLines] = []


def register_staff_visit_lines(source: StaffVisitLines) -> None:
    """A function of (appointment, user) giving lines for the staff's appointment screen, each
    a text and a link ("" for none): payments shows the deposit and the payer's account. It
    returns nothing for a user who may not see them."""
    if source not in _staff_visit_lines:
        _staff_visit_lines.append(source)


def staff_visit_lines(visit, user) -> list[tuple[str, str]]:
    lines: list[tuple[str, str]] = []
    for source in _staff_visit_lines:
        lines.extend(source(visit, user))
    return lines


PriceSections = Callable[[], list[dict]]
_price_sections: list[PriceSections] = []


def register_price_sections(source: PriceSections) -> None:
    """A function giving more tables for the prices page: each a dict with "key", "heading"
    and "rows", a row being (name, what it is, price in words); payments adds its packages
    and memberships."""
    if source not in _price_sections:
        _price_sections.append(source)


def price_sections() -> list[dict]:
    sections: list[dict] = []
    for source in _price_sections:
        sections.extend(source())
    return sections
