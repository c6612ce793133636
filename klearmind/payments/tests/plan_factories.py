"""Test data for packages and memberships: plans, saved cards on the fake Stripe, and visits
completed on the clinic from booking's factories."""

import datetime
from decimal import Decimal

import time_machine

from klearmind.booking.tests.factories import PATIENT, Clinic, book
from klearmind.encryption.keys import email_lookup_hash
from klearmind.payments import gateway, off_session
from klearmind.payments.models import MembershipPlan, PackagePlan

PAYER_EMAIL = PATIENT.email
GOOD = "4242424242424242"
DECLINED_WHEN_CHARGED = "4000000000000341"  # attaches, then every charge is declined
DECLINED_WHEN_SAVED = "4000000000000002"  # the fake Stripe refuses it at attach


def payer_hash(email: str = PAYER_EMAIL) -> str:
    return email_lookup_hash(email)


def package_plan(service, *, visits=6, price="2700.00", **fields) -> PackagePlan:
    return PackagePlan.objects.create(
        name=f"{visits} visits", service=service, visits=visits, price=Decimal(price), **fields
    )


def membership_plan(*services, price="129.00", drips=1, **fields) -> MembershipPlan:
    plan = MembershipPlan.objects.create(
        name="Drip club", monthly_price=Decimal(price), drips_per_month=drips, **fields
    )
    plan.services.set(services)
    return plan


def card(number: str = GOOD) -> str:
    """A PaymentMethod as Stripe.js makes it from a typed card, not saved to anyone yet."""
    details = {"number": number, "exp_month": 12, "exp_year": 2040, "cvc": "123"}
    return gateway.client().v1.payment_methods.create(params={"type": "card", "card": details}).id


def saved_card(email_hash: str, number: str = GOOD) -> str:
    """A card saved for the payer: attached to their Stripe customer."""
    method = card(number)
    customer = off_session.customer_id(email_hash)
    gateway.client().v1.payment_methods.attach(method, params={"customer": customer})
    return method


def visits(clinic: Clinic, day: datetime.date, count: int, *, patient=PATIENT) -> list:
    """`count` visits at 10:00 on `count` days from `day`, booked the week before."""
    with time_machine.travel(clinic.at(day - datetime.timedelta(days=7), 9)):
        return [
            book(clinic, clinic.at(day + datetime.timedelta(days=n), 10), patient=patient)
            for n in range(count)
        ]
