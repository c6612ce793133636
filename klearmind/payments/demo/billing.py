"""The demo clinic's billing: what its receipts and superbills print (legal name, a sample tax
ID and NPIs, the codes of its services, the diagnoses a clinician may choose) and its fees, and
one account at the desk: Alex Moreno, whose booster infusion is today, paid part of it when it
was booked and owes the rest. (Jamie, half-way through the induction series, paid for it as a
package: see `plans`.)

Loaded after the booking and care demos; safe to run again: nothing that exists is changed,
and each ledger entry has its own key."""

import contextlib
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from klearmind.accounts import roles
from klearmind.accounts.demo import demo_user
from klearmind.booking.models import Appointment, Location, Provider, Service
from klearmind.care.demo import TODAY_PATIENT_EMAIL
from klearmind.encryption.keys import email_lookup_hash

from ..ledger import charge_visit, record_clinic_payment
from ..models import (
    BillingSettings,
    DiagnosisCode,
    LedgerEntry,
    Method,
    ProviderBilling,
    ServiceCodes,
)
from ..money import dollars, to_cents

LEGAL_NAME = "Klearmind Health, PC"
TAX_ID = "12-3456789"  # a sample EIN, not a real one
# Sample NPIs: ten digits that pass the NPI check digit (npi.valid_npi), belonging to nobody
# we know of. A real clinic enters its own under Settings, Billing and Billing codes.
GROUP_NPI = "1999999992"
PROVIDER_NPIS = {
    "Dr. Daniel Okafor, MD": "1234567893",
    "Jordan Reyes, NP": "1111111112",
    "Priya Natarajan, RN": "1000000004",
    "Lena Park, RN": "2000000002",
}
LATE_CANCEL_FEE = Decimal("50")
NO_SHOW_FEE = Decimal("75")

# CPT and HCPCS codes by service (booking's demo slugs), the usual code first: an infusion's
# first hour, then each added hour; esketamine up to 56 mg, then above 56 mg.
SERVICE_CODES = {
    "free-consultation": "90791",  # psychiatric diagnostic evaluation
    "iv-ketamine-infusion": "96365, 96366",  # IV infusion for therapy, first and added hours
    "ketamine-booster": "96365, 96366",
    "spravato-session": "G2082, G2083",  # esketamine visit, up to 56 mg or more than 56 mg
    "iv-hydration": "96360, 96361",  # IV hydration, first and added hours
}
# ICD-10-CM codes with their official titles.
DIAGNOSES = [
    ("F32.2", "Major depressive disorder, single episode, severe without psychotic features"),
    ("F33.1", "Major depressive disorder, recurrent, moderate"),
    ("F33.2", "Major depressive disorder, recurrent severe without psychotic features"),
    ("F41.1", "Generalized anxiety disorder"),
    ("F43.10", "Post-traumatic stress disorder, unspecified"),
    ("G89.29", "Other chronic pain"),
]
PAID_AT_BOOKING = Decimal("200")
PAYMENT_KEY = "demo:alex-moreno:booster-paid-at-booking"


def load_billing_demo() -> str:
    """Create what is missing of the demo's billing; a summary of what the demo now has."""
    with transaction.atomic():
        ensure_settings()
        codes = ensure_service_codes()
        ensure_diagnoses()
        npis = ensure_provider_npis()
        owed = ensure_desk_account()
    summary = (
        f"Billing: {LEGAL_NAME}, codes for {codes} services, {len(DIAGNOSES)} diagnoses, "
        f"NPIs for {npis} providers"
    )
    return summary + (f"; Alex Moreno owes {dollars(owed)} at the desk." if owed else ".")


def ensure_settings() -> BillingSettings:
    billing = BillingSettings.load()
    if billing.legal_name:
        return billing
    location = Location.objects.filter(page__slug="sacramento").select_related("page").first()
    page = location.page if location else None
    billing.legal_name = LEGAL_NAME
    billing.tax_id = TAX_ID
    billing.group_npi = GROUP_NPI
    if page is not None:
        billing.billing_address = (
            f"{page.street_address}\n{page.city}, {page.region} {page.postal_code}"
        )
    billing.late_cancel_fee = LATE_CANCEL_FEE
    billing.no_show_fee = NO_SHOW_FEE
    billing.full_clean()
    billing.save()
    return billing


def ensure_service_codes() -> int:
    services = Service.objects.filter(slug__in=SERVICE_CODES)
    for service in services:
        ServiceCodes.objects.get_or_create(
            service=service, defaults={"codes": SERVICE_CODES[service.slug]}
        )
    return services.count()


def ensure_diagnoses() -> None:
    for code, description in DIAGNOSES:
        DiagnosisCode.objects.get_or_create(code=code, defaults={"description": description})


def ensure_provider_npis() -> int:
    providers = Provider.objects.filter(name__in=PROVIDER_NPIS)
    for provider in providers:
        if not ProviderBilling.objects.filter(provider=provider).exists():
            billing = ProviderBilling(provider=provider, npi=PROVIDER_NPIS[provider.name])
            billing.full_clean()
            billing.save()
    return providers.count()


def ensure_desk_account() -> int:
    """Alex's booster today: part paid on an HSA card when it was booked, then charged."""
    email_hash = email_lookup_hash(TODAY_PATIENT_EMAIL)
    visit = (
        Appointment.objects.filter(patient_email_hash=email_hash, service__slug="ketamine-booster")
        .order_by("starts_at")
        .first()
    )
    if visit is None:
        return 0  # the care demo has not run
    desk = demo_user(roles.FRONT_DESK)
    record_clinic_payment(
        email_hash=email_hash,
        amount_cents=to_cents(PAID_AT_BOOKING),
        method=Method.HSA_FSA,
        appointment=visit,
        by=desk,
        idempotency_key=PAYMENT_KEY,
    )
    with contextlib.suppress(ValidationError):  # cancelled in this demo since: not charged
        charge_visit(visit, by=desk)
    return LedgerEntry.objects.of(email_hash).balance()
