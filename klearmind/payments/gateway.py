"""The one way the clinic talks to Stripe: a client made from the settings, pointed at Stripe
itself or, through STRIPE_API_BASE, at another server speaking its API (the fake Stripe the
tests and the demo run). Without a secret key card payments are off and the desk records what
it takes in the clinic."""

import stripe
from django.conf import settings

# Stripe answers in well under this; a card form waiting longer tells the patient to try again.
TIMEOUT_SECONDS = 20


class CardPaymentsOff(RuntimeError):
    """Raised when a card payment is asked for while no Stripe key is set."""


def is_enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_PUBLISHABLE_KEY)


def client() -> stripe.StripeClient:
    if not is_enabled():
        raise CardPaymentsOff("Card payments are off: STRIPE_SECRET_KEY is not set.")
    base = settings.STRIPE_API_BASE
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": base} if base else None,
        # Our own idempotency keys make a retry safe; Stripe's client retries on its own too.
        max_network_retries=2,
        http_client=stripe.RequestsClient(timeout=TIMEOUT_SECONDS),
    )
