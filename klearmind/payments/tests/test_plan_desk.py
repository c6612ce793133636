"""The desk charges a visit's deposit to the saved card when it confirms the visit, sells a
package and makes a member from a person's account: paid in the clinic or charged to the card
saved for them; a double submit sells once; no saved card, a clear error."""

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.test import Client

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.payments import packages
from klearmind.payments.models import (
    EntryKind,
    LedgerEntry,
    Membership,
    Package,
    Purpose,
)

from .card_factories import (
    DECLINED_WHEN_CHARGED,
    NOW,
    PAYER,
    clinic_with_deposit,
    save_card,
    set_fees,
    visit_in,
)
from .plan_factories import membership_plan, package_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def visit():
    return visit_in(clinic_with_deposit(deposit=50, price=450))


@pytest.fixture
def desk():
    return sign_in(Client(enforce_csrf_checks=True), staff("Front desk"))


def form_values(response) -> dict:
    form = BeautifulSoup(response.content, "html.parser").select_one("main form[method=post]")
    return {tag["name"]: tag.get("value", "") for tag in form.select("input[type=hidden]")}


def text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def sell(desk, visit, **data):
    url = f"/admin/payments/visit/{visit.pk}/package/"
    drawn = form_values(desk.get(url))
    return url, drawn, desk.post(url, {**drawn, **data})


def test_a_package_sold_for_cash_once_however_often_it_is_sent(desk, visit):
    plan = package_plan(visit.service, visits=6, price="2400.00")
    url, drawn, sold = sell(desk, visit, plan=plan.pk, method="cash")
    assert sold["Location"] == f"/admin/payments/visit/{visit.pk}/"
    again = desk.post(url, {**drawn, "plan": plan.pk, "method": "cash"})
    assert again.status_code == 302
    [package] = Package.objects.all()
    assert (package.payer_email_hash, package.credits_left()) == (PAYER, 6)
    payments = LedgerEntry.objects.filter(purpose=Purpose.PACKAGE, kind=EntryKind.PAYMENT)
    assert [entry.amount_cents for entry in payments] == [-240000]
    account = text(desk.get(sold["Location"]))
    assert "Sold: 6 visits (6 visits) for $2,400.00." in account


def test_the_saved_card_pays_for_a_package(stripe_on, desk, visit):
    save_card(visit)
    plan = package_plan(visit.service, visits=6, price="2400.00")
    _, _, sold = sell(desk, visit, plan=plan.pk, method="card_on_file")
    assert sold.status_code == 302
    package = Package.objects.get()
    assert package.stripe_payment_intent.startswith("pi_")


def test_without_a_saved_card_nothing_is_sold_and_the_form_says_why(desk, visit):
    plan = package_plan(visit.service)
    _, _, refused = sell(desk, visit, plan=plan.pk, method="card_on_file")
    assert refused.status_code == 400
    assert "No card is saved for this person" in text(refused)
    assert not Package.objects.exists()


def test_a_plan_that_is_not_offered_is_refused(desk, visit):
    plan = package_plan(visit.service, active=False)
    _, _, refused = sell(desk, visit, plan=plan.pk, method="cash")
    assert refused.status_code == 400
    assert "Please choose one of the packages listed." in text(refused)
    assert not Package.objects.exists()


def test_a_member_is_made_with_the_saved_card(stripe_on, desk, visit):
    save_card(visit)
    plan = membership_plan(visit.service, price="129.00")
    url = f"/admin/payments/visit/{visit.pk}/membership/"
    made = desk.post(url, {**form_values(desk.get(url)), "plan": plan.pk})
    assert made["Location"] == f"/admin/payments/visit/{visit.pk}/"
    member = Membership.objects.get()
    assert (member.payer_email_hash, member.status) == (PAYER, "active")
    assert "the first month ($129.00) is paid" in text(desk.get(made["Location"]))


def test_no_member_without_a_saved_card(desk, visit):
    plan = membership_plan(visit.service)
    url = f"/admin/payments/visit/{visit.pk}/membership/"
    refused = desk.post(url, {**form_values(desk.get(url)), "plan": plan.pk})
    assert refused.status_code == 400
    assert "a membership is charged to a saved card" in text(refused)
    assert not Membership.objects.exists()


def test_an_editor_may_not_sell(visit):
    editor = sign_in(Client(), staff("Editor"))
    response = editor.get(f"/admin/payments/visit/{visit.pk}/package/")
    assert response.status_code in (302, 403)
    assert not Package.objects.exists()


def charge_deposit(desk, visit):
    account = f"/admin/payments/visit/{visit.pk}/"
    page = BeautifulSoup(desk.get(account).content, "html.parser")
    form = page.find("form", action=f"/admin/payments/visit/{visit.pk}/deposit/")
    token = form.find("input", {"name": "csrfmiddlewaretoken"})["value"]
    return desk.post(form["action"], {"csrfmiddlewaretoken": token})


def test_the_desk_charges_the_deposit_to_the_saved_card_once(stripe_on, desk, visit):
    set_fees(timing="on_confirmation")
    save_card(visit)
    account = text(desk.get(f"/admin/payments/visit/{visit.pk}/"))
    assert "Charge the deposit ($50.00) to the saved card" in account
    charged = charge_deposit(desk, visit)
    assert "Deposit charged to the saved card: $50.00." in text(desk.get(charged["Location"]))
    deposits = LedgerEntry.objects.filter(appointment=visit, purpose=Purpose.DEPOSIT)
    assert [(entry.kind, entry.amount_cents) for entry in deposits] == [(EntryKind.PAYMENT, -5000)]
    after = text(desk.get(f"/admin/payments/visit/{visit.pk}/"))
    assert "Charge the deposit" not in after
    url = f"/admin/payments/visit/{visit.pk}/deposit/"
    page = BeautifulSoup(desk.get(f"/admin/payments/visit/{visit.pk}/").content, "html.parser")
    token = page.find("input", {"name": "csrfmiddlewaretoken"})["value"]
    again = desk.post(url, {"csrfmiddlewaretoken": token})
    assert "There is no deposit to charge" in text(desk.get(again["Location"]))
    assert deposits.count() == 1


def test_a_declined_saved_card_is_said_and_nothing_is_paid(stripe_on, desk, visit):
    set_fees(timing="on_confirmation")
    save_card(visit, DECLINED_WHEN_CHARGED)
    declined = charge_deposit(desk, visit)
    assert "The card was declined" in text(desk.get(declined["Location"]))
    assert not LedgerEntry.objects.filter(appointment=visit, kind=EntryKind.PAYMENT).exists()


def test_no_deposit_button_without_a_saved_card(desk, visit):
    assert "Charge the deposit" not in text(desk.get(f"/admin/payments/visit/{visit.pk}/"))


def post_button(desk, visit, action: str):
    account = f"/admin/payments/visit/{visit.pk}/"
    page = BeautifulSoup(desk.get(account).content, "html.parser")
    form = page.find("form", action=action)
    token = form.find("input", {"name": "csrfmiddlewaretoken"})["value"]
    return desk.post(action, {"csrfmiddlewaretoken": token})


def test_the_account_shows_a_package_and_cancelling_refunds_the_unused_visits(desk, visit):
    plan = package_plan(visit.service, visits=6, price="2400.00")
    sell(desk, visit, plan=plan.pk, method="cash")
    package = Package.objects.get()
    account = text(desk.get(f"/admin/payments/visit/{visit.pk}/"))
    assert f"{plan.name}: 6 of 6 visits left" in account
    action = f"/admin/payments/visit/{visit.pk}/package/{package.pk}/cancel/"
    cancelled = post_button(desk, visit, action)
    assert "Package cancelled: $2,400.00 refunded." in text(desk.get(cancelled["Location"]))
    package.refresh_from_db()
    assert package.cancelled_at is not None
    refunds = LedgerEntry.objects.filter(purpose=Purpose.PACKAGE, kind=EntryKind.REFUND)
    assert [entry.amount_cents for entry in refunds] == [240000]
    assert LedgerEntry.objects.of(PAYER).balance() == 0


def test_the_desk_cancels_a_membership(stripe_on, desk, visit):
    save_card(visit)
    member = membership_plan(visit.service, price="129.00")
    url = f"/admin/payments/visit/{visit.pk}/membership/"
    desk.post(url, {**form_values(desk.get(url)), "plan": member.pk})
    membership = Membership.objects.get()
    assert "Active; this month runs to" in text(desk.get(f"/admin/payments/visit/{visit.pk}/"))
    action = f"/admin/payments/visit/{visit.pk}/membership/{membership.pk}/cancel/"
    cancelled = post_button(desk, visit, action)
    assert "Membership cancelled" in text(desk.get(cancelled["Location"]))
    membership.refresh_from_db()
    assert membership.status == "cancelled"


def test_another_persons_package_is_not_found(desk, visit):
    plan = package_plan(visit.service)
    theirs = packages.sell(
        plan, email_hash="f" * 64, by=None, method="cash", idempotency_key="someone-else-sale"
    )
    page = BeautifulSoup(desk.get(f"/admin/payments/visit/{visit.pk}/").content, "html.parser")
    token = page.find("input", {"name": "csrfmiddlewaretoken"})["value"]
    action = f"/admin/payments/visit/{visit.pk}/package/{theirs.pk}/cancel/"
    response = desk.post(action, {"csrfmiddlewaretoken": token})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.cancelled_at is None
