"""Money: an append-only ledger per payer (`ledger`), the card payments behind it and the daily
reconciliation (`cards`), what the clinic's documents print and its policy (`billing`), and
packages and memberships (`plans`), imported here so that Django finds them all in the app.

A payer is known by the keyed hash of their e-mail address, as booking and care know a person
(`email_lookup_hash`), so a walk-in drip and a patient in a series share one account without a
link to the health record. Amounts are whole cents (`money.to_cents`), never floats."""

from .billing import (
    BillingSettings,
    DepositTiming,
    DiagnosisCode,
    ProviderBilling,
    ServiceCodes,
)
from .cards import (
    CardIntent,
    CardIntentKind,
    CardIntentState,
    Reconciliation,
    StripeCustomer,
    WebhookEvent,
)
from .ledger import (
    CLINIC_METHODS,
    LEDGER_REFUSAL,
    SIGN,
    AppendOnlyLedgerError,
    EntryKind,
    LedgerEntry,
    LedgerQuerySet,
    Method,
    Purpose,
)
from .plans import (
    LIVE_MEMBERSHIP,
    AppendOnlyCreditError,
    ChargeState,
    CreditReason,
    Membership,
    MembershipCharge,
    MembershipPlan,
    MembershipQuerySet,
    MembershipStatus,
    Package,
    PackageCredit,
    PackageCreditQuerySet,
    PackagePlan,
    PackageQuerySet,
)

__all__ = [
    "CLINIC_METHODS",
    "LEDGER_REFUSAL",
    "LIVE_MEMBERSHIP",
    "SIGN",
    "AppendOnlyCreditError",
    "AppendOnlyLedgerError",
    "BillingSettings",
    "CardIntent",
    "CardIntentKind",
    "CardIntentState",
    "ChargeState",
    "CreditReason",
    "DepositTiming",
    "DiagnosisCode",
    "EntryKind",
    "LedgerEntry",
    "LedgerQuerySet",
    "Membership",
    "MembershipCharge",
    "MembershipPlan",
    "MembershipQuerySet",
    "MembershipStatus",
    "Method",
    "Package",
    "PackageCredit",
    "PackageCreditQuerySet",
    "PackagePlan",
    "PackageQuerySet",
    "Purpose",
    "ProviderBilling",
    "Reconciliation",
    "ServiceCodes",
    "StripeCustomer",
    "WebhookEvent",
]
