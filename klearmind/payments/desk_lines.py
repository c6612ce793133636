"""What booking's staff appointment screen shows about money (booking's
`register_staff_visit_lines`): the visit's deposit, what the payer owes, and a link to the
payer's account, for a user who may see the ledger."""

from django.urls import reverse

from .admin_views import LEDGER
from .cards import deposit_cents, deposit_paid_cents
from .models import LedgerEntry
from .money import dollars


def visit_lines(visit, user) -> list[tuple[str, str]]:
    if not user.has_perm(LEDGER):
        return []
    lines = []
    wanted, paid = deposit_cents(visit), deposit_paid_cents(visit)
    if paid > 0:
        lines.append((f"Deposit paid: {dollars(paid)}", ""))
    elif wanted > 0:
        lines.append((f"Deposit of {dollars(wanted)} not paid", ""))
    balance = LedgerEntry.objects.of(visit.patient_email_hash).balance()
    account = reverse("payments_admin:account", args=["visit", visit.pk])
    if balance > 0:
        words = f"Owes {dollars(balance)}: open the account"
    elif balance < 0:
        words = f"In credit by {dollars(-balance)}: open the account"
    else:
        words = "Nothing owed: open the account"
    lines.append((words, account))
    return lines


def register() -> None:
    from klearmind.booking import hooks

    hooks.register_staff_visit_lines(visit_lines)
