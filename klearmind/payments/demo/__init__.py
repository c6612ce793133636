"""The demo clinic's money: billing settings and codes, the account of the patient half-way
through a series, package and membership plans with a member. Loaded after booking and care."""

from .billing import load_billing_demo
from .plans import load_plans_demo


def load_payments_demo() -> str:
    parts = [load_billing_demo(), load_plans_demo()]
    return " ".join(part for part in parts if part)
