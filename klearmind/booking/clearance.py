"""Whether a clinician has accepted someone for treatment, asked by e-mail address.

Booking sits below intake and care (they build on it and it never imports them), yet the
front desk may book a treatment only for someone a clinician has accepted. So the apps that
know register a check here when they start: intake (an accepted questionnaire) and care (an
active patient record). With no check registered, nobody is accepted: the rule fails closed.
See docs/decisions/025-treatment-booking-gates.md.
"""

from collections.abc import Callable

AcceptanceCheck = Callable[[str], bool]

_checks: list[AcceptanceCheck] = []


def register(check: AcceptanceCheck) -> None:
    """Add a check taking an e-mail address; registering the same one twice adds it once."""
    if check not in _checks:
        _checks.append(check)


def is_accepted(email: str) -> bool:
    return bool(email) and any(check(email) for check in _checks)
