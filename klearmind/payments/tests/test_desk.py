import time_machine
from bs4 import BeautifulSoup
from django.test import Client, RequestFactory, TestCase
from django.urls import reverse

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.audit.models import AuditEvent
from klearmind.booking.tests.factories import PATIENT, book
from klearmind.payments import admin_views
from klearmind.payments.models import (
    EntryKind,
    LedgerEntry,
    Method,
    Purpose,
)
from klearmind.payments.wagtail_hooks import register_menu_item

from .ledger_factories import DAY, NOW, PAYER, clinic_with_visit, entry, paid, prepaid_package


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def text(response) -> str:
    return " ".join(soup(response).get_text().split())


def form_values(response, selector="main form[method=post]") -> dict:
    form = soup(response).select_one(selector)
    return {
        tag["name"]: tag.get("value", "")
        for tag in form.select("input[name]")
        if tag.get("type") not in ("radio", "checkbox") or tag.has_attr("checked")
    }


def account_url(visit) -> str:
    return reverse("payments_admin:account", args=["visit", visit.pk])


def payment_url(visit) -> str:
    return reverse("payments_admin:payment", args=["visit", visit.pk])


@time_machine.travel(NOW, tick=False)
class DeskTestCase(TestCase):
    def setUp(self):
        self.clinic, self.visit = clinic_with_visit(price=450)
        self.desk = staff("Front desk", first_name="Ana", last_name="Lopez")
        self.client = sign_in(Client(enforce_csrf_checks=True), self.desk)

    def signed_in(self, *roles, csrf=True) -> Client:
        client = Client(enforce_csrf_checks=csrf, raise_request_exception=False)
        return sign_in(client, staff(*roles))

    def post_form(self, url, data, *, client=None, page=None):
        """Post `data` over the form as drawn at `page` (its CSRF token and form key)."""
        client = client or self.client
        drawn = form_values(client.get(page or url))
        return client.post(url, {**drawn, **data})


class FindTests(DeskTestCase):
    def test_finds_a_payer_by_email_phone_or_whole_name_and_audits_no_typed_text(self):
        paid(10000, appointment=self.visit)
        for typed in (PATIENT.email.upper(), "916.555.0199", "Reyes, Dana"):
            response = self.post_form(reverse("payments_admin:find"), {"find": typed})
            found = soup(response).select("table.listing tbody tr")
            assert len(found) == 1, typed
            assert "Dana Reyes" in found[0].get_text() and "−$100.00" in found[0].get_text()
            assert found[0].a["href"] == account_url(self.visit)
        details = list(
            AuditEvent.objects.filter(target_type="payments.payer_search")
            .order_by("pk")
            .values_list("detail", flat=True)
        )
        assert details == [
            "searched by e-mail for a payer: 1 found",
            "searched by phone number for a payer: 1 found",
            "searched by name for a payer: 1 found",
        ]
        assert not any("Reyes" in detail or "555" in detail for detail in details)

    def test_a_payer_without_a_visit_opens_from_their_entry(self):
        other = entry(EntryKind.CHARGE, 12900, payer="b" * 64, purpose=Purpose.MEMBERSHIP)
        response = self.post_form(reverse("payments_admin:find"), {"find": "  "})
        assert soup(response).select("table.listing") == []
        found = admin_views.found_payers(admin_views.CallerSearch("email", ("b" * 64,)))
        assert [payer.url for payer in found] == [
            reverse("payments_admin:account", args=["entry", other.pk])
        ]

    def test_says_when_nobody_is_found_and_keeps_what_was_typed(self):
        response = self.post_form(reverse("payments_admin:find"), {"find": "<b>Nobody</b>"})
        assert "Nobody with visits or payments was found with this whole name" in text(response)
        assert soup(response).select_one("#id_find")["value"] == "<b>Nobody</b>"
        assert b"<b>Nobody" not in response.content

    def test_an_editor_may_not_open_payments_nor_see_the_menu(self):
        editor = self.signed_in("Editor")
        assert editor.get(reverse("payments_admin:find")).status_code == 403
        assert editor.get(account_url(self.visit)).status_code == 403
        request = RequestFactory().get("/")
        request.user = staff("Editor")
        assert not register_menu_item().is_shown(request)
        request.user = self.desk
        assert register_menu_item().is_shown(request)


class AccountTests(DeskTestCase):
    def test_lists_entries_with_running_balance_and_audits_the_view(self):
        paid(10000, appointment=self.visit, purpose=Purpose.DEPOSIT)
        entry(EntryKind.CHARGE, 45000, appointment=self.visit, service=self.clinic.service)
        response = self.client.get(account_url(self.visit))
        assert "no-store" in response["Cache-Control"]
        rows = [
            [cell.get_text(" ", strip=True) for cell in row.select("td")]
            for row in soup(response).select(".payments-admin__ledger tbody tr")
        ]
        assert [row[4:] for row in rows] == [["−$100.00", "−$100.00"], ["$450.00", "$350.00"]]
        assert rows[0][1].startswith("Payment: deposit") and rows[0][2] == "Card, online"
        assert "Owes $350.00" in text(response)
        assert "Dana Reyes" in text(response)
        event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
        assert (event.target_type, event.target_id) == (
            "payments.account_by_visit",
            str(self.visit.pk),
        )
        assert event.actor == self.desk

    def test_the_visit_can_be_charged_once_from_its_account(self):
        page = self.client.get(account_url(self.visit))
        button = soup(page).select_one(
            f'form[action="{reverse("payments_admin:charge", args=[self.visit.pk])}"] button'
        )
        assert button.get_text() == "Charge for this visit ($450.00)"
        charge = reverse("payments_admin:charge", args=[self.visit.pk])
        token = form_values(page, f'form[action="{charge}"]')
        first = self.client.post(charge, token, follow=True)
        second = self.client.post(charge, token, follow=True)
        assert "Charged: $450.00." in text(first)
        assert "This visit was already charged ($450.00)." in text(second)
        assert LedgerEntry.objects.get().amount_cents == 45000
        assert "Charge for this visit" not in text(second)

    def test_a_visit_a_package_pays_for_is_not_charged(self):
        prepaid_package(self.clinic.service)
        page = self.client.get(account_url(self.visit))
        assert "Charge for this visit" not in text(page)
        charge = reverse("payments_admin:charge", args=[self.visit.pk])
        token = form_values(self.client.get(payment_url(self.visit)))["csrfmiddlewaretoken"]
        refused = self.client.post(charge, {"csrfmiddlewaretoken": token}, follow=True)
        assert "A package the patient bought pays for this visit" in text(refused)
        assert not LedgerEntry.objects.exists()

    def test_a_charge_without_the_csrf_token_is_refused(self):
        response = self.client.post(reverse("payments_admin:charge", args=[self.visit.pk]))
        assert response.status_code == 403 and not LedgerEntry.objects.exists()

    def test_a_clinician_reads_the_account_but_records_nothing(self):
        clinician = self.signed_in("Clinician")
        page = clinician.get(account_url(self.visit))
        assert page.status_code == 200
        assert "Record a payment" not in text(page) and "Superbill" in text(page)
        assert clinician.get(payment_url(self.visit)).status_code == 403
        without_csrf = self.signed_in("Clinician", csrf=False)
        charge = reverse("payments_admin:charge", args=[self.visit.pk])
        assert without_csrf.post(charge).status_code == 403
        assert not LedgerEntry.objects.exists()

    def test_notes_are_shown_as_text(self):
        paid(500, memo="<script>alert(1)</script>", appointment=self.visit, method=Method.CASH)
        response = self.client.get(account_url(self.visit))
        assert b"<script>alert(1)" not in response.content
        assert "(<script>alert(1)</script>)" in text(response)


class PaymentFormTests(DeskTestCase):
    def test_records_a_payment_taken_in_the_clinic(self):
        response = self.post_form(
            payment_url(self.visit),
            {"amount": "$1,250.5", "method": "card_terminal", "memo": "slip 7"},
        )
        assert response.status_code == 302 and response["Location"] == account_url(self.visit)
        payment = LedgerEntry.objects.get()
        assert (payment.amount_cents, payment.method, payment.memo) == (
            -125050,
            "card_terminal",
            "slip 7",
        )
        assert payment.recorded_by == self.desk and payment.appointment == self.visit
        shown = text(self.client.get(response["Location"]))
        assert "Recorded: payment of $1,250.50." in shown

    def test_a_double_click_writes_one_entry(self):
        drawn = form_values(self.client.get(payment_url(self.visit)))
        data = {**drawn, "amount": "125", "method": "cash"}
        first = self.client.post(payment_url(self.visit), data)
        second = self.client.post(payment_url(self.visit), data, follow=True)
        assert first.status_code == 302
        assert LedgerEntry.objects.count() == 1
        assert "This form was already sent: the payment of $125.00 is recorded once." in text(
            second
        )

    def test_each_form_drawn_writes_its_own_entry(self):
        for _ in range(2):
            self.post_form(payment_url(self.visit), {"amount": "10", "method": "cash"})
        assert LedgerEntry.objects.count() == 2

    def test_refuses_what_is_not_an_amount_in_plain_words_and_keeps_what_was_typed(self):
        cases = {
            "": "Please enter the amount in dollars, like 125 or 125.50.",
            "abc": "Please enter the amount in dollars, like 125 or 125.50.",
            "-5": "An amount paid is above zero: please leave out the minus sign.",
            "0": "Please enter an amount above zero.",
            "0.00": "Please enter an amount above zero.",
            "1e9": "Please enter the amount in dollars, like 125 or 125.50.",
            "999999999": "This is more than $100,000.00: please check the amount.",
            "9" * 400: "Please enter the amount in dollars, like 125 or 125.50.",
            "12.345": "Please give at most two digits after the point, for the cents: like 12.35.",
            "<script>alert(1)</script>": "Please enter the amount in dollars, like 125 or 125.50.",
            "12\x00": "Please enter the amount in dollars, like 125 or 125.50.",
            "١٢٣": "Please enter the amount in dollars, like 125 or 125.50.",
        }
        for typed, message in cases.items():
            response = self.post_form(payment_url(self.visit), {"amount": typed, "method": "cash"})
            assert response.status_code == 400, typed
            error = soup(response).select_one("#id_amount_error")
            assert error.get_text() == message, typed
            field = soup(response).select_one("#id_amount")
            if "\x00" not in typed:
                assert field.get("value", "") == typed, typed
            assert field["aria-invalid"] == "true"
            assert b"<script>alert(1)" not in response.content
        assert not LedgerEntry.objects.exists()

    def test_refuses_an_online_method_a_missing_one_and_a_marked_up_note(self):
        for data, field, message in [
            ({"method": "card_online"}, "method", "Please choose one of the ways listed"),
            ({}, "method", "Please choose how it was paid."),
            ({"method": "cash", "memo": "x" * 201}, "memo", "Please keep it to 200 characters"),
            ({"method": "cash", "memo": "a\u202eb"}, "memo", "invisible control character"),
        ]:
            response = self.post_form(payment_url(self.visit), {"amount": "20", **data})
            assert response.status_code == 400
            assert message in soup(response).select_one(f"#id_{field}_error").get_text()
        assert not LedgerEntry.objects.exists()

    def test_a_tampered_form_key_is_refused_and_replaced(self):
        response = self.post_form(
            payment_url(self.visit), {"amount": "20", "method": "cash", "token": "bad\x00key"}
        )
        assert response.status_code == 400
        assert "This form is out of date" in text(response)
        fresh = soup(response).select_one("input[name=token]")["value"]
        assert fresh != "bad\x00key" and len(fresh) >= 20
        assert not LedgerEntry.objects.exists()

    def test_without_the_csrf_token_nothing_is_written(self):
        response = self.client.post(
            payment_url(self.visit), {"amount": "20", "method": "cash", "token": "t" * 32}
        )
        assert response.status_code == 403 and not LedgerEntry.objects.exists()

    def test_a_payment_from_an_account_opened_by_its_entry_has_no_visit(self):
        charge = entry(EntryKind.CHARGE, 12900, purpose=Purpose.MEMBERSHIP)
        url = reverse("payments_admin:payment", args=["entry", charge.pk])
        self.post_form(url, {"amount": "129", "method": "cash"})
        payment = LedgerEntry.objects.get(kind="payment")
        assert (payment.appointment, payment.purpose) == (None, "other")
        assert LedgerEntry.objects.of(PAYER).balance() == 0


class AdjustmentTests(DeskTestCase):
    def adjustment_url(self):
        return reverse("payments_admin:adjustment", args=["visit", self.visit.pk])

    def test_only_the_owner_adjusts_with_a_reason(self):
        assert self.client.get(self.adjustment_url()).status_code == 403
        owner = self.signed_in("Owner")
        refused = self.post_form(self.adjustment_url(), {"amount": "-20"}, client=owner)
        assert refused.status_code == 400
        assert soup(refused).select_one("#id_reason_error").get_text() == "Please write the reason."
        assert soup(refused).select_one("#id_amount")["value"] == "-20"
        done = self.post_form(
            self.adjustment_url(), {"amount": "−20", "reason": "Late start"}, client=owner
        )
        assert done.status_code == 302
        adjustment = LedgerEntry.objects.get()
        assert (adjustment.kind, adjustment.amount_cents, adjustment.memo) == (
            "adjustment",
            -2000,
            "Late start",
        )
        zero = self.post_form(self.adjustment_url(), {"amount": "0", "reason": "x"}, client=owner)
        assert "An adjustment of zero changes nothing" in text(zero)
        assert LedgerEntry.objects.count() == 1


class OtherDaysTests(DeskTestCase):
    def test_the_account_lists_the_payers_visits_with_links(self):
        later = book(self.clinic, self.clinic.at(DAY.replace(day=4), 10))
        response = self.client.get(account_url(self.visit))
        links = [a["href"] for a in soup(response).select("h2 + table a")]
        assert links == [account_url(later), account_url(self.visit)]
        assert soup(response).select_one('[aria-current="true"] a')["href"] == account_url(
            self.visit
        )
