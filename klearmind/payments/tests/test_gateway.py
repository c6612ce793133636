import pytest
import stripe

from klearmind.payments import gateway

DECLINED_CARD = {"number": "4000000000000002", "exp_month": 12, "exp_year": 2040, "cvc": "123"}


def test_card_payments_are_off_without_keys(settings):
    settings.STRIPE_SECRET_KEY = ""
    assert not gateway.is_enabled()
    with pytest.raises(gateway.CardPaymentsOff):
        gateway.client()


def test_the_client_talks_to_the_configured_stripe(stripe_on):
    customer = gateway.client().v1.customers.create(params={"email": "ana@example.com"})
    assert customer.id.startswith("cus_")
    assert gateway.client().v1.customers.retrieve(customer.id).email == "ana@example.com"


def test_the_fake_stripe_declines_the_declining_test_card(stripe_on):
    client = gateway.client()
    customer = client.v1.customers.create(params={})
    method = client.v1.payment_methods.create(params={"type": "card", "card": DECLINED_CARD})
    with pytest.raises(stripe.CardError):
        client.v1.payment_methods.attach(method.id, params={"customer": customer.id})
