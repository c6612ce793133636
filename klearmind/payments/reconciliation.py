"""A day's card money in the ledger compared with Stripe's balance transactions for the same
day, in the clinic's time zone (TIME_ZONE): each charge and refund at Stripe should have its
ledger entry with the same amount, and each card entry of the ledger its Stripe transaction.

Amounts are compared as Stripe counts them, money in positive: a ledger payment of −5000 is a
Stripe charge of +5000, a ledger refund of +2000 a Stripe refund of −2000. A ledger entry names
a charge (ch_), a refund (re_) or a PaymentIntent (pi_); Stripe's charge is found under any of
the charge's and its intent's ids."""

import datetime
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from . import gateway
from .cards import intents
from .models import EntryKind, LedgerEntry, Method, Reconciliation

CARD_METHODS = (Method.CARD_ONLINE, Method.CARD_ON_FILE)
CARD_KINDS = (EntryKind.PAYMENT, EntryKind.REFUND)
# Stripe's balance transactions that are card money in or out; fees, payouts and the like are
# Stripe's own bookkeeping, not the ledger's.
CARD_TRANSACTIONS = ("charge", "payment", "refund", "payment_refund")
# A payment written a little after midnight can have its charge on the day before: the ledger's
# entries are matched against Stripe's transactions this much either side of the day.
MARGIN = datetime.timedelta(hours=1)
MISSING_IN_LEDGER = "missing in the ledger"
MISSING_AT_STRIPE = "missing at Stripe"
AMOUNT_DIFFERS = "amounts differ"


@dataclass
class Movement:
    """One charge or refund at Stripe: its id, the other ids it goes by, amount and time."""

    stripe_id: str
    cents: int
    at: datetime.datetime
    aliases: set[str] = field(default_factory=set)


def reconcile(day: datetime.date) -> Reconciliation:
    """Write the day's reconciliation, or write it again: one row per day."""
    start, end = day_bounds(day)
    movements = stripe_movements(start - MARGIN, end + MARGIN)
    canonical = {alias: m.stripe_id for m in movements for alias in m.aliases | {m.stripe_id}}
    stripe_day = {m.stripe_id: m for m in movements if start <= m.at < end}
    day_entries = card_entries().filter(recorded_at__gte=start, recorded_at__lt=end)
    ledger_day = [(canonical.get(e.stripe_id, e.stripe_id), -e.amount_cents) for e in day_entries]
    wanted = set(stripe_day) | {stripe_id for stripe_id, _cents in ledger_day}
    ledger = ledger_by_id(wanted, canonical)
    stripe = {m.stripe_id: m.cents for m in movements}
    mismatches = [
        problem
        for stripe_id in sorted(wanted)
        if (problem := compare(stripe_id, ledger.get(stripe_id), stripe.get(stripe_id)))
    ]
    row, _created = Reconciliation.objects.update_or_create(
        day=day,
        defaults={
            "ran_at": timezone.now(),
            "ledger_cents": sum(cents for _stripe_id, cents in ledger_day),
            "stripe_cents": sum(m.cents for m in stripe_day.values()),
            "mismatches": mismatches,
        },
    )
    return row


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The day's first instant and the next day's, in UTC (a day the clocks change is 23 or 25
    hours long)."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    start, end = (
        datetime.datetime.combine(d, datetime.time(0), tzinfo=zone).astimezone(datetime.UTC)
        for d in (day, day + datetime.timedelta(days=1))
    )
    return start, end


def stripe_movements(start: datetime.datetime, end: datetime.datetime) -> list[Movement]:
    """Stripe's card charges and refunds created in [start, end). Stripe lists the newest
    first, so the listing stops at the first one older than `start` (the fake Stripe takes no
    `created` filter)."""
    listing = gateway.client().v1.balance_transactions.list(
        params={"limit": 100, "expand": ["data.source"]}
    )
    movements = []
    for transaction in listing.auto_paging_iter():
        at = datetime.datetime.fromtimestamp(transaction.created, tz=datetime.UTC)
        if at < start:
            break
        if at >= end or transaction.type not in CARD_TRANSACTIONS:
            continue
        movements.append(movement(transaction, at))
    return movements


def movement(transaction, at: datetime.datetime) -> Movement:
    source = intents.field(transaction, "source")
    if not source or isinstance(source, str):
        return Movement(source or transaction.id, transaction.amount, at)
    # A charge also goes by its PaymentIntent's id (a refund names the intent too: not it).
    paid_by = intents.field(source, "payment_intent") if source.object == "charge" else None
    intent = intents.stripe_id(paid_by)
    return Movement(source.id, transaction.amount, at, {intent} - {""})


def card_entries():
    return LedgerEntry.objects.filter(kind__in=CARD_KINDS, method__in=CARD_METHODS).exclude(
        stripe_id=""
    )


def ledger_by_id(wanted: set[str], canonical: dict[str, str]) -> dict[str, int]:
    """The ledger's card money under each of these Stripe ids, whatever day it was written,
    in Stripe's sign."""
    aliases = {alias for alias, stripe_id in canonical.items() if stripe_id in wanted} | wanted
    totals: dict[str, int] = {}
    for stripe_id, cents in (
        card_entries().filter(stripe_id__in=aliases).values_list("stripe_id", "amount_cents")
    ):
        key = canonical.get(stripe_id, stripe_id)
        totals[key] = totals.get(key, 0) - cents
    return totals


def compare(stripe_id: str, ledger_cents: int | None, stripe_cents: int | None) -> dict | None:
    if ledger_cents == stripe_cents:
        return None
    if ledger_cents is None:
        problem = MISSING_IN_LEDGER
    elif stripe_cents is None:
        problem = MISSING_AT_STRIPE
    else:
        problem = AMOUNT_DIFFERS
    return {
        "stripe_id": stripe_id,
        "ledger_cents": ledger_cents or 0,
        "stripe_cents": stripe_cents or 0,
        "problem": problem,
    }
