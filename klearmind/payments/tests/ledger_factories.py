"""Test data for the back office's side of payments: a clinic with a visit, staff signed in,
ledger entries written directly, and the text of a PDF made without compression."""

import datetime
import re
from contextlib import contextmanager
from unittest import mock

from django.utils import timezone
from reportlab import rl_config

from klearmind.booking.tests.factories import (
    PATIENT,
    Clinic,
    book,
    make_location,
    make_provider,
    make_service,
)
from klearmind.encryption.keys import email_lookup_hash
from klearmind.payments.models import (
    CreditReason,
    EntryKind,
    LedgerEntry,
    Method,
    Package,
    PackageCredit,
    PackagePlan,
    Purpose,
)

NOW = datetime.datetime(2026, 12, 1, 18, tzinfo=datetime.UTC)  # Tuesday 10:00 in Sacramento
DAY = datetime.date(2026, 12, 3)
PAYER = email_lookup_hash(PATIENT.email)


def clinic_with_visit(
    *, price=450, day=DAY, hour=10, location="midtown", service_slug="", **service
):
    """A location with one service and one provider, and Dana's visit there."""
    place = make_location(location)
    offered = make_service(place, slug=service_slug or f"{location}-drip", price=price, **service)
    clinic = Clinic(place, offered, [make_provider(f"{location} nurse", [offered], location=place)])
    return clinic, book(clinic, clinic.at(day, hour))


_keys = iter(range(1, 10**9))


def entry(kind: str, cents: int, *, payer=PAYER, purpose=Purpose.VISIT, **fields) -> LedgerEntry:
    """An entry written straight to the ledger, as the card payments and packages write them."""
    fields.setdefault("recorded_at", timezone.now())
    fields.setdefault("idempotency_key", f"test-entry-{next(_keys)}")
    return LedgerEntry.objects.create(
        payer_email_hash=payer, kind=kind, purpose=purpose, amount_cents=cents, **fields
    )


def paid(cents: int, **fields) -> LedgerEntry:
    fields.setdefault("method", Method.CARD_ONLINE)
    return entry(EntryKind.PAYMENT, -cents, **fields)


@contextmanager
def uncompressed_pdfs():
    with mock.patch.object(rl_config, "pageCompression", 0):
        yield


def pdf_text(pdf: bytes) -> str:
    """The strings drawn in an uncompressed PDF, a line's runs joined, a paragraph's wrapped
    lines joined by a space, escapes undone."""
    assert pdf.startswith(b"%PDF")
    joined = re.sub(rb"\) Tj \(", b"", pdf)
    joined = re.sub(rb"\) Tj T\* \(", b" ", joined)
    text = joined.decode("latin-1")
    return re.sub(r"\\([()\\])", r"\1", text)


def prepaid_package(service, *, payer: str = PAYER, credits: int = 6) -> Package:
    """Six visits of `service` sold in the clinic for $2,400, with `credits` of them granted."""
    plan = PackagePlan.objects.create(name="Six", service=service, visits=6, price=2400)
    package = Package.objects.create(
        plan=plan,
        payer_email_hash=payer,
        visits=6,
        price_cents=240000,
        method=Method.CASH,
        idempotency_key="package-sale",
    )
    if credits:
        PackageCredit.objects.create(
            package=package, change=credits, reason=CreditReason.BOUGHT, idempotency_key="bought"
        )
    return package
