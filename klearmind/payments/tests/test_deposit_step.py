"""The patient's deposit step after booking online, against the fake Stripe: where booking sends
the patient, what the step shows and lets load, the card confirmed as Stripe.js does, a double
submit, a declined card, a tampered form, and the visit's page afterwards."""

import datetime

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.test import Client

from klearmind.booking.models import Appointment, AppointmentStatus, DepositRule
from klearmind.booking.tests.factories import book, make_clinic, open_visit
from klearmind.payments import gateway
from klearmind.payments.models import CardIntent, EntryKind, LedgerEntry, Purpose

NOW = datetime.datetime(2026, 12, 1, 16, tzinfo=datetime.UTC)  # Tuesday 8:00 in Sacramento
DAY = datetime.date(2026, 12, 3)  # a Thursday
DETAILS = {"name": "Dana Reyes", "email": "dana@example.org", "phone": "(916) 555-0199"}
GOOD_CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2040, "cvc": "123"}
DECLINED_CARD = {"number": "4000000000000002", "exp_month": 12, "exp_year": 2040, "cvc": "123"}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tuesday_morning():
    with time_machine.travel(NOW, tick=False):
        yield


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def text(response) -> str:
    return " ".join(soup(response).get_text(" ").split())


def csrf_token(response) -> str:
    return soup(response).find("input", {"name": "csrfmiddlewaretoken"})["value"]


@pytest.fixture
def clinic():
    return make_clinic(
        chairs=1, slug="midtown", deposit_rule=DepositRule.FIXED, deposit_amount=50, price=180
    )


@pytest.fixture
def visit(clinic):
    return book(clinic, clinic.at(DAY, 10))


@pytest.fixture
def patient(visit):
    client = Client(enforce_csrf_checks=True)
    open_visit(client, visit)
    return client


def step_url(visit, language="") -> str:
    return f"{language}/pay/visit/{visit.pk}/deposit/"


def confirm_setup_as_stripe_js(page, card=GOOD_CARD) -> str:
    """What Stripe.js does with the card typed into its element: confirm the SetupIntent whose
    secret the page carries. Returns the intent id the form posts back."""
    form = soup(page).find("form", attrs={"data-card-form": True})
    intent_id = form.find("input", {"name": "intent"})["value"]
    assert form["data-secret"].startswith(intent_id + "_secret_")
    client = gateway.client()
    method = client.v1.payment_methods.create(params={"type": "card", "card": card})
    client.v1.setup_intents.confirm(intent_id, params={"payment_method": method.id})
    return intent_id


def post_card(patient, visit, page, intent_id):
    return patient.post(
        step_url(visit),
        {"csrfmiddlewaretoken": csrf_token(page), "intent": intent_id, "card_name": "Dana Reyes"},
    )


def deposit_entries(visit):
    return LedgerEntry.objects.filter(appointment=visit, purpose=Purpose.DEPOSIT)


def test_with_card_payments_off_booking_shows_the_visit_as_before(settings, clinic):
    settings.STRIPE_SECRET_KEY = ""
    client = Client()
    details = "/book/drip/midtown/details/"
    start = clinic.at(DAY, 10).isoformat()
    review = client.post(details, {"start": start, **DETAILS})
    assert "taken by the clinic when we call to confirm" in text(review)
    fields = {i["name"]: i.get("value", "") for i in soup(review).select(".booking-confirm input")}
    confirmed = client.post(details, {**fields, "confirm": "1"})
    appointment = Appointment.objects.get()
    assert confirmed["Location"] == f"/book/my-visit/{appointment.pk}/?booked=1"
    assert "Payment" not in text(client.get(confirmed["Location"]))
    assert client.get(step_url(appointment))["Location"] == f"/book/my-visit/{appointment.pk}/"


def test_booking_online_leads_to_the_deposit_step(stripe_on, clinic):
    client = Client()
    details = "/book/drip/midtown/details/"
    review = client.post(details, {"start": clinic.at(DAY, 10).isoformat(), **DETAILS})
    assert "(deposit $50.00, paid by card on the next step)" in text(review)
    fields = {i["name"]: i.get("value", "") for i in soup(review).select(".booking-confirm input")}
    confirmed = client.post(details, {**fields, "confirm": "1"})
    appointment = Appointment.objects.get()
    assert confirmed["Location"] == step_url(appointment)
    step = client.get(confirmed["Location"])
    assert step.status_code == 200
    assert "Your visit is booked" in text(step)
    assert "please pay the $50.00 deposit" in text(step)
    assert soup(step).find("button", type="submit").get_text() == "Pay the $50.00 deposit"


def test_the_step_loads_stripe_js_only_here_and_allows_only_its_origin(stripe_on, patient, visit):
    step = patient.get(step_url(visit))
    scripts = [tag["src"] for tag in soup(step).find_all("script", src=True)]
    assert f"{stripe_on.url}/js.stripe.com/v3/" in scripts
    policy = step["Content-Security-Policy"]
    assert f"script-src 'self' {stripe_on.url}" in policy
    assert f"connect-src 'self' {stripe_on.url}" in policy
    assert "no-store" in step["Cache-Control"]
    visit_page = patient.get(f"/book/my-visit/{visit.pk}/")
    assert stripe_on.url not in visit_page["Content-Security-Policy"]
    assert "js.stripe.com" not in visit_page.content.decode()


def test_the_step_states_the_policy(stripe_on, patient, visit):
    from klearmind.payments.models import BillingSettings

    billing = BillingSettings.load()
    billing.late_cancel_fee = 50
    billing.no_show_fee = 75
    billing.save()
    page = text(patient.get(step_url(visit)))
    assert "at least 24 hours before your visit and the deposit comes back" in page
    late = "A later cancellation costs $50.00: the deposit pays towards it, and the card pays"
    assert late + " any rest." in page
    assert "If you miss the visit without telling us, the fee is $75.00." in page


def test_a_confirmed_card_pays_the_deposit_once(stripe_on, patient, visit):
    page = patient.get(step_url(visit))
    intent_id = confirm_setup_as_stripe_js(page)
    paid = post_card(patient, visit, page, intent_id)
    assert paid["Location"] == f"/book/my-visit/{visit.pk}/?deposit=paid"
    again = post_card(patient, visit, page, intent_id)  # a double click, or the back button
    assert again["Location"] == f"/book/my-visit/{visit.pk}/"
    [payment] = deposit_entries(visit)
    assert (payment.kind, payment.amount_cents) == (EntryKind.PAYMENT, -5000)
    assert payment.stripe_id.startswith("ch_")
    shown = patient.get(paid["Location"])
    assert "Your visit is booked and your deposit paid" in text(shown)
    assert "Deposit paid: $50.00." in text(shown)
    assert "Pay the deposit" not in text(shown)
    # The step has nothing more to take.
    assert patient.get(step_url(visit))["Location"] == f"/book/my-visit/{visit.pk}/"


def test_opening_the_step_twice_makes_one_intent(stripe_on, patient, visit):
    first = soup(patient.get(step_url(visit))).find("input", {"name": "intent"})["value"]
    second = soup(patient.get(step_url(visit))).find("input", {"name": "intent"})["value"]
    assert first == second
    assert CardIntent.objects.filter(appointment=visit).count() == 1


def test_a_card_stripe_refused_charges_nothing_and_says_so(stripe_on, patient, visit):
    page = patient.get(step_url(visit))
    intent_id = soup(page).find("input", {"name": "intent"})["value"]
    # Stripe.js reports the decline in the page; a form posted anyway finds no saved card.
    response = post_card(patient, visit, page, intent_id)
    assert response.status_code == 400
    assert "The card was not accepted" in text(response)
    assert not deposit_entries(visit).exists()
    assert soup(response).find("button", type="submit")


def test_a_tampered_intent_charges_nothing(stripe_on, patient, visit):
    page = patient.get(step_url(visit))
    for tampered in ("seti_not_ours", "<script>alert(1)</script>", "x\x00y", "é" * 500):
        response = post_card(patient, visit, page, tampered)
        assert response.status_code == 400
        assert "This payment form is out of date" in text(response)
        assert "<script>alert(1)</script>" not in response.content.decode()
    assert not deposit_entries(visit).exists()


def test_another_browser_cannot_open_the_step(stripe_on, visit):
    response = Client().get(step_url(visit))
    assert response.status_code == 404
    assert not CardIntent.objects.exists()


def test_nothing_is_taken_for_a_cancelled_visit(stripe_on, patient, visit):
    visit.cancel(reason="Changed plans")
    assert patient.get(step_url(visit))["Location"] == f"/book/my-visit/{visit.pk}/"
    assert not CardIntent.objects.exists()
    assert visit.status == AppointmentStatus.CANCELLED


def test_the_visit_page_offers_the_deposit_until_it_is_paid(stripe_on, patient, visit):
    page = patient.get(f"/book/my-visit/{visit.pk}/")
    assert "A deposit of $50.00 holds this visit." in text(page)
    button = soup(page).find("a", string="Pay the deposit")
    assert button["href"] == step_url(visit)


def test_the_step_speaks_spanish_under_es(stripe_on, patient, visit):
    page = patient.get(step_url(visit, "/es"))
    assert page.status_code == 200
    assert soup(page).find("html")["lang"] == "es"
    assert "Su cita está reservada" in text(page)
    assert soup(page).find("form")["action"] == step_url(visit, "/es")
