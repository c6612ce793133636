"""Stripe's webhook: the events that tell the clinic what became of a card payment, signed with
STRIPE_WEBHOOK_SECRET (Stripe-Signature). Each event is recorded once, so a delivery Stripe
repeats finds its row and does nothing again; an event type the clinic does not act on is
recorded and answered 200, so Stripe stops sending it.

An event is a prompt to look, never taken at its word: the intent or the charge it names is read
back from Stripe (`cards.settle`, `cards.record_stripe_refunds`)."""

import logging

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import cards
from .models import CardIntent, WebhookEvent

logger = logging.getLogger(__name__)

INTENT_EVENTS = (
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "setup_intent.succeeded",
    "setup_intent.setup_failed",
)
REFUND_EVENTS = ("charge.refunded",)
TYPE_MAX_LENGTH = WebhookEvent._meta.get_field("type").max_length


@csrf_exempt  # Stripe signs the request instead: a forged one fails its signature
@require_POST
def stripe_webhook(request):
    event = verified_event(request)
    if event is None:
        return HttpResponseBadRequest("Bad signature or payload.", content_type="text/plain")
    handled = handle(event)
    return HttpResponse("handled" if handled else "already handled", content_type="text/plain")


def verified_event(request):
    """The event the request carries, or None when its signature or its body is not Stripe's
    (no secret set, no signature, a body changed, a signature too old to be replayed)."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    signature = request.headers.get("Stripe-Signature", "")
    if not secret or not signature:
        return None
    try:
        event = stripe.Webhook.construct_event(request.body, signature, secret)
    except (ValueError, TypeError, AttributeError, stripe.SignatureVerificationError):
        return None
    event_id, kind = getattr(event, "id", None), getattr(event, "type", None)
    if not isinstance(event_id, str) or not event_id or not isinstance(kind, str):
        return None
    return event


def handle(event) -> bool:
    """Record the event and act on it, once; False when it was already recorded. An error
    (Stripe unreachable while reading back) undoes the record, so Stripe's next delivery acts."""
    try:
        with transaction.atomic():
            WebhookEvent.objects.create(stripe_id=event.id, type=event.type[:TYPE_MAX_LENGTH])
            act_on(event)
            WebhookEvent.objects.filter(stripe_id=event.id).update(handled=True)
    except IntegrityError:
        if WebhookEvent.objects.filter(stripe_id=event.id).exists():
            return False
        raise
    logger.info("Stripe event %s (%s) handled.", event.id, event.type)
    return True


def act_on(event) -> None:
    found = getattr(event.data, "object", None)
    found_id = getattr(found, "id", None)
    if not isinstance(found_id, str):
        return
    if event.type in INTENT_EVENTS:
        intent = CardIntent.objects.filter(stripe_id=found_id).first()
        if intent is not None:
            cards.settle(intent)
    elif event.type in REFUND_EVENTS:
        cards.record_stripe_refunds(found_id)
