"""The portal's Payments page: the person's balance and entries, their packages and their
membership, which they cancel themselves; the year's receipt as a PDF; nobody else's money."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from klearmind.audit.models import AuditEvent
from klearmind.booking.tests.factories import make_clinic
from klearmind.care.tests.factories import PATIENT_EMAIL
from klearmind.payments import memberships, packages
from klearmind.payments.models import LedgerEntry, Membership, MembershipStatus, Method
from klearmind.payments.tests.plan_factories import membership_plan, package_plan, saved_card

from .factories import OTHER_EMAIL, person, signed_in

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


@pytest.fixture
def clinic():
    return make_clinic(chairs=1, slug="midtown", price=180)


@pytest.fixture
def patient():
    client = Client(enforce_csrf_checks=True)
    signed_in(client)
    return client


def csrf(client, url) -> str:
    page = BeautifulSoup(client.get(url).content, "html.parser")
    return page.find("input", {"name": "csrfmiddlewaretoken"})["value"]


def test_the_page_needs_a_signed_in_person():
    response = Client().get("/my/payments/")
    assert response["Location"] == "/my/sign-in/"


def test_home_links_to_payments(patient):
    page = BeautifulSoup(patient.get("/my/").content, "html.parser")
    assert page.find("a", href="/my/payments/").get_text().startswith("Your account")


def test_the_page_shows_the_balance_the_entries_and_the_packages(patient, clinic):
    plan = package_plan(clinic.service, visits=6, price="2700.00")
    packages.sell(
        plan, email_hash=person(), by=None, method=Method.CASH, idempotency_key="sale-" + "1" * 20
    )
    response = patient.get("/my/payments/")
    page = text(response)
    assert "You owe nothing." in page
    assert f"{plan.name}: 6 of 6 visits left" in page
    assert "Payment: package" in page
    assert "−$2,700.00" in page
    assert "no-store" in response["Cache-Control"]
    viewed = AuditEvent.objects.filter(detail="patient portal: payments").get()
    assert viewed.action == AuditEvent.Action.VIEW


def test_someone_elses_money_is_not_shown(patient, clinic):
    plan = package_plan(clinic.service)
    packages.sell(
        plan,
        email_hash=person(OTHER_EMAIL),
        by=None,
        method=Method.CASH,
        idempotency_key="sale-" + "2" * 20,
    )
    page = text(patient.get("/my/payments/"))
    assert "visits left" not in page
    assert "Nothing yet." in page


def test_the_receipt_is_a_pdf_of_the_years_payments_and_is_audited(patient, clinic):
    plan = package_plan(clinic.service, price="2700.00")
    packages.sell(
        plan, email_hash=person(), by=None, method=Method.CASH, idempotency_key="sale-" + "3" * 20
    )
    response = patient.get("/my/payments/receipt.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith('attachment; filename="receipt-')
    assert "no-store" in response["Cache-Control"]
    exported = AuditEvent.objects.get(detail="patient portal: receipt")
    assert exported.action == AuditEvent.Action.EXPORT


def test_a_member_cancels_their_membership_and_it_stops_renewing(stripe_on, patient, clinic):
    plan = membership_plan(clinic.service, price="129.00")
    member = memberships.join(
        plan, email_hash=person(), email=PATIENT_EMAIL, payment_method_id=saved_card(person())
    )
    page = text(patient.get("/my/payments/"))
    assert "Drip club : Active." in page  # the plan's name is in bold
    assert "then renews" in page
    url = f"/my/payments/membership/{member.pk}/cancel/"
    cancelled = patient.post(url, {"csrfmiddlewaretoken": csrf(patient, "/my/payments/")})
    assert cancelled["Location"] == "/my/payments/?cancelled=1"
    member.refresh_from_db()
    assert member.status == MembershipStatus.CANCELLED
    after = text(patient.get(cancelled["Location"]))
    assert "Your membership is cancelled: nothing more will be charged." in after
    assert "Cancel my membership" not in after
    assert LedgerEntry.objects.of(person()).filter(purpose="membership").count() == 2


def test_nobody_cancels_anothers_membership(stripe_on, patient, clinic):
    plan = membership_plan(clinic.service)
    other = memberships.join(
        plan,
        email_hash=person(OTHER_EMAIL),
        email=OTHER_EMAIL,
        payment_method_id=saved_card(person(OTHER_EMAIL)),
    )
    url = f"/my/payments/membership/{other.pk}/cancel/"
    response = patient.post(url, {"csrfmiddlewaretoken": csrf(patient, "/my/payments/")})
    assert response.status_code == 404
    assert Membership.objects.get(pk=other.pk).status == MembershipStatus.ACTIVE


def test_cancelling_needs_the_form_token(stripe_on, patient, clinic):
    plan = membership_plan(clinic.service)
    member = memberships.join(
        plan, email_hash=person(), email=PATIENT_EMAIL, payment_method_id=saved_card(person())
    )
    response = patient.post(f"/my/payments/membership/{member.pk}/cancel/")
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.status == MembershipStatus.ACTIVE
