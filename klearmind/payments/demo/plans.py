"""The demo clinic's packages and memberships: two package plans and one membership plan;
Jamie, half-way through an induction series, bought the series as a package at the desk and
three of its six visits are used; Morgan Lee has been an IV hydration member for ten days.

Safe to run again: plans are found by name, the sale by its key, a used visit by its
appointment, the member by their e-mail hash. The demo membership has no saved card (the demo
may run without Stripe): its first month was paid at the desk, and its renewal a month on
shows the declined-renewal e-mail in the console."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from klearmind.accounts import roles
from klearmind.accounts.demo import demo_user
from klearmind.booking.models import Appointment, AppointmentStatus, Service
from klearmind.care.demo import SERIES_PATIENT_EMAIL
from klearmind.encryption.keys import email_lookup_hash

from .. import packages
from ..memberships import month_after, period_key
from ..models import (
    ChargeState,
    EntryKind,
    LedgerEntry,
    Membership,
    MembershipCharge,
    MembershipPlan,
    Method,
    PackagePlan,
    Purpose,
)
from ..money import to_cents

MEMBER_EMAIL = "morgan.lee@example.com"  # booking's demo drip patient
MEMBER_DAYS = 10

PACKAGE_PLANS = [
    ("Induction series: six IV ketamine infusions", "iv-ketamine-infusion", 6, Decimal("2400")),
    ("Five IV hydration drips", "iv-hydration", 5, Decimal("650")),
]
MEMBERSHIP_PLAN = ("IV hydration membership: one drip a month", Decimal("129"), 1, "iv-hydration")


def load_plans_demo() -> str:
    services = {service.slug: service for service in Service.objects.all()}
    if not {"iv-ketamine-infusion", "iv-hydration"} <= services.keys():
        return ""  # the booking demo has not run
    with transaction.atomic():
        plans = [ensure_package_plan(*plan, services=services) for plan in PACKAGE_PLANS]
        membership_plan = ensure_membership_plan(services)
        used = sell_series_package(plans[0])
        member = ensure_member(membership_plan)
    return (
        f"Packages and memberships: {len(plans)} package plans, 1 membership plan; "
        f"Jamie's package has {used} of 6 visits used"
        + ("; Morgan Lee is a member." if member else ".")
    )


def ensure_package_plan(name, slug, visits, price, *, services) -> PackagePlan:
    plan, _ = PackagePlan.objects.get_or_create(
        name=name, defaults={"service": services[slug], "visits": visits, "price": price}
    )
    return plan


def ensure_membership_plan(services) -> MembershipPlan:
    name, price, drips, slug = MEMBERSHIP_PLAN
    plan, created = MembershipPlan.objects.get_or_create(
        name=name, defaults={"monthly_price": price, "drips_per_month": drips}
    )
    if created:
        plan.services.set([services[slug]])
    return plan


def sell_series_package(plan: PackagePlan) -> int:
    """Jamie's package, paid on the card terminal; each completed infusion uses a visit."""
    email_hash = email_lookup_hash(SERIES_PATIENT_EMAIL)
    package = packages.sell(
        plan,
        email_hash=email_hash,
        by=demo_user(roles.FRONT_DESK),
        method=Method.CARD_TERMINAL,
        idempotency_key="demo-package-jamie-fox",
    )
    visits = Appointment.objects.filter(
        patient_email_hash=email_hash, service=plan.service, status=AppointmentStatus.COMPLETED
    )
    for visit in visits:
        packages.use_credit(visit)
    return package.visits - packages.balance(package)


def ensure_member(plan: MembershipPlan) -> Membership | None:
    existing = Membership.objects.of(email_lookup_hash(MEMBER_EMAIL)).first()
    if existing is not None:
        return existing
    began = timezone.localdate() - datetime.timedelta(days=MEMBER_DAYS)
    membership = Membership.objects.create(
        plan=plan,
        email=MEMBER_EMAIL,
        price_cents=to_cents(plan.monthly_price),
        billing_anchor=began,
        current_period_start=began,
        current_period_end=month_after(began, 1),
        started_at=timezone.now() - datetime.timedelta(days=MEMBER_DAYS),
    )
    charge = MembershipCharge.objects.create(
        membership=membership,
        period_start=began,
        period_end=membership.current_period_end,
        amount_cents=membership.price_cents,
        state=ChargeState.SUCCEEDED,
        attempts=1,
        idempotency_key=period_key(membership, began),
    )
    record_first_month(charge)
    return membership


def record_first_month(charge: MembershipCharge) -> None:
    entry = {
        "payer_email_hash": charge.membership.payer_email_hash,
        "purpose": Purpose.MEMBERSHIP,
        "memo": f"Membership, month from {charge.period_start.isoformat()}",
        "recorded_by": demo_user(roles.FRONT_DESK),
        "recorded_at": charge.membership.started_at,
    }
    LedgerEntry.objects.create(
        **entry,
        kind=EntryKind.CHARGE,
        amount_cents=charge.amount_cents,
        idempotency_key=f"{charge.idempotency_key}:charge",
    )
    LedgerEntry.objects.create(
        **entry,
        kind=EntryKind.PAYMENT,
        method=Method.CARD_TERMINAL,
        amount_cents=-charge.amount_cents,
        idempotency_key=f"{charge.idempotency_key}:payment",
    )
