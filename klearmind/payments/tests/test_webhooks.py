"""Stripe's webhook: signed events acted on once, whatever Stripe repeats; a body that is not
Stripe's, changed, unsigned or too old refused without a trace."""

import hashlib
import hmac
import json
import time

import pytest
import stripe
import time_machine
from django.test import Client
from django.urls import reverse

from klearmind.payments import cards, gateway
from klearmind.payments.fake_stripe import WEBHOOK_SECRET
from klearmind.payments.models import (
    CardIntentState,
    EntryKind,
    LedgerEntry,
    Purpose,
    WebhookEvent,
)

from .card_factories import (
    DECLINED_WHEN_CHARGED,
    NOW,
    clinic_with_deposit,
    confirm_payment,
    confirm_setup,
    pay_deposit,
    visit_in,
)

pytestmark = pytest.mark.django_db

URL = "/payments/stripe/webhook/"
_events = iter(range(1, 10**9))


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def visit():
    return visit_in(clinic_with_deposit(deposit=50, price=180))


@pytest.fixture
def stripe_client():
    return Client(enforce_csrf_checks=True)


def event(kind: str, found: dict, *, event_id: str = "") -> str:
    return json.dumps(
        {
            "id": event_id or f"evt_test_{next(_events)}",
            "object": "event",
            "type": kind,
            "created": int(time.time()),
            "data": {"object": found},
        }
    )


def signed(payload: str, *, secret=WEBHOOK_SECRET, at: int | None = None) -> str:
    """The Stripe-Signature header as Stripe makes it: t=<time>,v1=the HMAC-SHA256 of
    "<time>.<body>" keyed with the webhook secret."""
    at = int(time.time()) if at is None else at
    digest = hmac.new(secret.encode(), f"{at}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={at},v1={digest}"


def post(client, payload: str, signature: str | None = None):
    headers = {} if signature is None else {"HTTP_STRIPE_SIGNATURE": signature}
    return client.post(URL, payload, content_type="application/json", **headers)


def deliver(client, payload: str):
    return post(client, payload, signed(payload))


def test_the_address_is_the_same_in_every_language():
    assert reverse("payments:stripe_webhook") == URL


def test_a_payment_that_succeeded_is_settled_once_however_often_stripe_sends_it(
    stripe_on, stripe_client, visit
):
    intent = cards.start_deposit(visit)
    confirm_payment(intent)  # the patient's return step never came back
    payload = event(
        "payment_intent.succeeded", {"id": intent.stripe_id, "object": "payment_intent"}
    )
    first = deliver(stripe_client, payload)
    assert (first.status_code, first.content) == (200, b"handled")
    again = deliver(stripe_client, payload)
    assert (again.status_code, again.content) == (200, b"already handled")
    [payment] = LedgerEntry.objects.filter(appointment=visit)
    assert (payment.kind, payment.amount_cents) == (EntryKind.PAYMENT, -5000)
    intent.refresh_from_db()
    assert intent.state == CardIntentState.SUCCEEDED
    recorded = WebhookEvent.objects.get()
    assert (recorded.type, recorded.handled) == ("payment_intent.succeeded", True)


def test_the_event_is_read_back_from_stripe_not_taken_at_its_word(stripe_on, stripe_client, visit):
    intent = cards.start_deposit(visit)  # never paid
    payload = event(
        "payment_intent.succeeded",
        {"id": intent.stripe_id, "object": "payment_intent", "status": "succeeded"},
    )
    assert deliver(stripe_client, payload).status_code == 200
    intent.refresh_from_db()
    assert intent.state == CardIntentState.OPEN
    assert not LedgerEntry.objects.exists()


def test_a_failed_payment_records_the_decline(stripe_on, stripe_client, visit):
    intent = cards.start_deposit(visit)
    with pytest.raises(stripe.CardError):
        confirm_payment(intent, DECLINED_WHEN_CHARGED)
    payload = event("payment_intent.payment_failed", {"id": intent.stripe_id})
    assert deliver(stripe_client, payload).status_code == 200
    intent.refresh_from_db()
    assert (intent.state, intent.failure) == (CardIntentState.FAILED, "Your card was declined.")
    assert not LedgerEntry.objects.exists()


def test_a_card_saved_is_recorded(stripe_on, stripe_client, visit):
    intent = cards.start_card_saving(visit)
    confirm_setup(intent)
    assert deliver(stripe_client, event("setup_intent.succeeded", {"id": intent.stripe_id}))
    intent.refresh_from_db()
    assert intent.state == CardIntentState.SUCCEEDED
    assert intent.payment_method.startswith("pm_")


def test_a_refund_made_in_stripe_is_written_once(stripe_on, stripe_client, visit):
    intent = pay_deposit(visit)
    charge = LedgerEntry.objects.get(idempotency_key=f"payment:{intent.stripe_id}").stripe_id
    refund = gateway.client().v1.refunds.create(params={"charge": charge, "amount": 2000})
    for _ in range(2):  # two deliveries of two events about the same refund
        deliver(stripe_client, event("charge.refunded", {"id": charge, "object": "charge"}))
    [written] = LedgerEntry.objects.filter(kind=EntryKind.REFUND)
    assert (written.stripe_id, written.amount_cents, written.purpose) == (
        refund.id,
        2000,
        Purpose.DEPOSIT,
    )
    assert WebhookEvent.objects.count() == 2


def test_a_refund_the_ledger_already_has_is_not_written_again(stripe_on, stripe_client, visit):
    intent = pay_deposit(visit)
    cards.refund_deposit(visit)
    charge = LedgerEntry.objects.get(idempotency_key=f"payment:{intent.stripe_id}").stripe_id
    deliver(stripe_client, event("charge.refunded", {"id": charge, "object": "charge"}))
    assert LedgerEntry.objects.filter(kind=EntryKind.REFUND).count() == 1


def test_an_event_the_clinic_does_not_act_on_is_recorded_and_answered(stripe_on, stripe_client):
    payload = event("customer.created", {"id": "cus_somebody", "object": "customer"})
    assert deliver(stripe_client, payload).status_code == 200
    assert WebhookEvent.objects.get().type == "customer.created"


def test_an_intent_the_clinic_did_not_make_is_ignored(stripe_on, stripe_client):
    payload = event("payment_intent.succeeded", {"id": "pi_not_ours"})
    assert deliver(stripe_client, payload).status_code == 200
    assert not LedgerEntry.objects.exists()


def test_stripe_unreachable_leaves_the_event_for_the_next_delivery(stripe_on, settings, visit):
    intent = cards.start_deposit(visit)
    confirm_payment(intent)
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    payload = event("payment_intent.succeeded", {"id": intent.stripe_id})
    broken = Client(raise_request_exception=False)
    assert deliver(broken, payload).status_code == 500
    assert not WebhookEvent.objects.exists()
    settings.STRIPE_API_BASE = stripe_on.url
    assert deliver(broken, payload).content == b"handled"
    assert LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).count() == 1


class TestRefusals:
    """Each is answered 400 and leaves nothing behind."""

    @pytest.fixture(autouse=True)
    def nothing_written(self, stripe_on):
        yield
        assert not WebhookEvent.objects.exists()
        assert not LedgerEntry.objects.exists()

    def refused(self, response):
        assert response.status_code == 400
        assert response.content == b"Bad signature or payload."

    def test_no_signature(self, stripe_client):
        self.refused(post(stripe_client, event("customer.created", {"id": "cus_1"})))

    def test_a_signature_made_with_another_secret(self, stripe_client):
        payload = event("customer.created", {"id": "cus_1"})
        self.refused(post(stripe_client, payload, signed(payload, secret="whsec_guessed")))

    def test_a_body_changed_after_signing(self, stripe_client, visit):
        payload = event("payment_intent.succeeded", {"id": "pi_1"})
        tampered = payload.replace("pi_1", "pi_2")
        self.refused(post(stripe_client, tampered, signed(payload)))

    def test_an_old_signature_replayed(self, stripe_client):
        payload = event("customer.created", {"id": "cus_1"})
        ten_minutes_ago = int(time.time()) - 600
        self.refused(post(stripe_client, payload, signed(payload, at=ten_minutes_ago)))

    @pytest.mark.parametrize(
        "header", ["", "junk", "t=,v1=", "t=abc,v1=def", "v1=" + "0" * 64, "t=1\x00,v1=x"]
    )
    def test_a_malformed_signature_header(self, stripe_client, header):
        payload = event("customer.created", {"id": "cus_1"})
        self.refused(post(stripe_client, payload, header))

    @pytest.mark.parametrize(
        "payload",
        [
            "not json",
            "[]",
            "{}",
            '{"object": "event"}',
            '{"id": 7, "object": "event", "type": "x", "data": {}}',
            "<script>alert(1)</script>",
            "\x00" * 10,
            "é" * 100_000,
            "🙂",
        ],
    )
    def test_a_signed_body_that_is_not_an_event(self, stripe_client, payload):
        self.refused(post(stripe_client, payload, signed(payload)))

    def test_a_body_that_is_not_text(self, stripe_client):
        body = b"\xff\xfe\x00junk"
        at = int(time.time())
        digest = hmac.new(WEBHOOK_SECRET.encode(), f"{at}.".encode() + body, hashlib.sha256)
        response = stripe_client.post(
            URL,
            body,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=f"t={at},v1={digest.hexdigest()}",
        )
        self.refused(response)

    def test_without_a_webhook_secret_nothing_is_believed(self, stripe_client, settings):
        settings.STRIPE_WEBHOOK_SECRET = ""
        payload = event("customer.created", {"id": "cus_1"})
        self.refused(post(stripe_client, payload, signed(payload)))


def test_only_a_post_is_answered(stripe_on, stripe_client):
    assert stripe_client.get(URL).status_code == 405
    assert not WebhookEvent.objects.exists()
