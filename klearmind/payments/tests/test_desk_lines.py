"""The staff appointment screen's payment lines (booking's `register_staff_visit_lines`): the
deposit, what the person owes and a link to their account, for those who may see the ledger."""

import time_machine
from bs4 import BeautifulSoup
from django.test import Client, TestCase
from django.urls import reverse

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.booking.models import DepositRule
from klearmind.payments import desk_lines
from klearmind.payments.models import EntryKind, Purpose

from .ledger_factories import NOW, clinic_with_visit, entry, paid


def lines(response) -> list[tuple[str, str]]:
    page = BeautifulSoup(response.content, "html.parser")
    heading = page.find("dt", string="Payments")
    if heading is None:
        return []
    items = heading.find_next_sibling("dd").find_all("li")
    return [(item.get_text(), item.a["href"] if item.a else "") for item in items]


@time_machine.travel(NOW, tick=False)
class StaffVisitLinesTests(TestCase):
    def setUp(self):
        self.clinic, self.visit = clinic_with_visit(
            price=150, deposit_rule=DepositRule.FIXED, deposit_amount=25
        )
        self.url = reverse("booking_admin:appointment", args=[self.visit.pk])
        self.account = f"/admin/payments/visit/{self.visit.pk}/"

    def page(self, *roles):
        return sign_in(Client(), staff(*roles)).get(self.url)

    def test_the_desk_sees_the_deposit_due_and_the_account(self):
        assert lines(self.page("Front desk")) == [
            ("Deposit of $25.00 not paid", ""),
            ("Nothing owed: open the account", self.account),
        ]

    def test_a_paid_deposit_and_what_is_owed(self):
        paid(2500, appointment=self.visit, purpose=Purpose.DEPOSIT)
        entry(EntryKind.CHARGE, 15000, appointment=self.visit)
        assert lines(self.page("Front desk")) == [
            ("Deposit paid: $25.00", ""),
            ("Owes $125.00: open the account", self.account),
        ]

    def test_a_credit_on_account(self):
        paid(2500, appointment=self.visit, purpose=Purpose.DEPOSIT)
        assert lines(self.page("Owner"))[-1] == (
            "In credit by $25.00: open the account",
            self.account,
        )

    def test_a_user_without_the_ledger_gets_no_lines(self):
        editor = staff("Editor")
        assert not editor.has_perm("payments.view_ledger")
        assert desk_lines.visit_lines(self.visit, editor) == []
        assert desk_lines.visit_lines(self.visit, staff("Clinician"))
