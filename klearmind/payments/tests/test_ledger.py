import datetime
from decimal import Decimal
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import TestCase

from klearmind.accounts.demo import ensure_demo_staff
from klearmind.accounts.tests.factories import staff
from klearmind.audit.models import AuditEvent
from klearmind.booking.demo import ensure_demo_booking
from klearmind.booking.models import AppointmentStatus, Provider
from klearmind.booking.services import Patient as Caller
from klearmind.booking.tests.factories import PATIENT, book
from klearmind.care.demo import SERIES_PATIENT_EMAIL, TODAY_PATIENT_EMAIL, load_care_demo
from klearmind.encryption.keys import email_lookup_hash
from klearmind.pages.demo import load_demo
from klearmind.payments import ledger
from klearmind.payments.demo.billing import (
    DIAGNOSES,
    PROVIDER_NPIS,
    SERVICE_CODES,
    load_billing_demo,
)
from klearmind.payments.models import (
    BillingSettings,
    DiagnosisCode,
    EntryKind,
    LedgerEntry,
    Method,
    ProviderBilling,
    Purpose,
    ServiceCodes,
)
from klearmind.payments.npi import is_valid_npi

from .ledger_factories import NOW, PAYER, clinic_with_visit, entry, paid, prepaid_package


def pay(cents=12550, *, key="desk-1", method=Method.CASH, **fields):
    fields.setdefault("email_hash", PAYER)
    fields.setdefault("by", None)
    return ledger.record_clinic_payment(
        amount_cents=cents, method=method, idempotency_key=key, **fields
    )


@time_machine.travel(NOW, tick=False)
class ChargeVisitTests(TestCase):
    def setUp(self):
        self.clinic, self.visit = clinic_with_visit(price=450)
        self.desk = staff("Front desk")

    def test_charges_the_service_price_once_and_audits_it(self):
        first = ledger.charge_visit(self.visit, by=self.desk)
        again = ledger.charge_visit(self.visit, by=self.desk)
        assert again == first
        assert (first.kind, first.purpose, first.amount_cents) == ("charge", "visit", 45000)
        assert first.payer_email_hash == PAYER and first.recorded_by == self.desk
        assert (first.service, first.location) == (self.clinic.service, self.clinic.location)
        assert LedgerEntry.objects.count() == 1
        event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, actor=self.desk)
        assert event.target_type == "payments.ledgerentry" and event.target_id == str(first.pk)
        assert event.detail == "visit charged: $450.00"

    def test_a_drip_is_charged_at_its_booked_price_with_the_home_visit_fee(self):
        self.visit.price, self.visit.dispatch_fee = Decimal("199.00"), Decimal("75.50")
        self.visit.save(update_fields=["price", "dispatch_fee"])
        assert ledger.charge_visit(self.visit, by=None).amount_cents == 27450

    def test_without_a_booked_price_the_service_price_and_fee_count(self):
        self.visit.dispatch_fee = Decimal("50")
        assert ledger.visit_price_cents(self.visit) == 50000

    def test_refuses_a_cancelled_or_missed_visit(self):
        for status in (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW):
            self.visit.status = status
            with pytest.raises(ValidationError) as refused:
                ledger.charge_visit(self.visit, by=None)
            assert refused.value.code == "not_chargeable"
        assert not LedgerEntry.objects.exists()

    def test_refuses_a_free_visit(self):
        _, free = clinic_with_visit(price=0, location="uptown", service_slug="free")
        with pytest.raises(ValidationError) as refused:
            ledger.charge_visit(free, by=None)
        assert refused.value.code == "free_visit"

    def test_refuses_a_visit_a_package_pays_for(self):
        prepaid_package(self.clinic.service)
        with pytest.raises(ValidationError) as refused:
            ledger.charge_visit(self.visit, by=None)
        assert refused.value.code == "paid_by_package"

    def test_a_charge_written_by_a_concurrent_request_is_returned_not_duplicated(self):
        earlier = entry(
            EntryKind.CHARGE, 45000, idempotency_key=ledger.visit_charge_key(self.visit)
        )
        with mock.patch.object(ledger, "already_written", side_effect=[None, earlier]):
            assert ledger.charge_visit(self.visit, by=None) == earlier
        assert LedgerEntry.objects.count() == 1
        assert not AuditEvent.objects.filter(action=AuditEvent.Action.CREATE).exists()


@time_machine.travel(NOW, tick=False)
class ClinicPaymentTests(TestCase):
    def setUp(self):
        self.clinic, self.visit = clinic_with_visit()

    def test_records_money_received_as_a_negative_payment_of_the_visit(self):
        payment = pay(12550, method=Method.HSA_FSA, appointment=self.visit, memo=" slip 42 ")
        assert (payment.kind, payment.purpose, payment.method) == ("payment", "visit", "hsa_fsa")
        assert payment.amount_cents == -12550 and payment.memo == "slip 42"
        assert payment.service == self.clinic.service
        event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE)
        assert event.detail == "payment taken in the clinic (hsa or fsa card): $125.50"

    def test_without_a_visit_the_payment_is_for_something_else(self):
        assert pay().purpose == Purpose.OTHER

    def test_the_same_key_writes_one_entry_whatever_was_sent_again(self):
        first = pay(12550, key="form-token")
        assert pay(99900, key="form-token", method=Method.CARD_TERMINAL) == first
        assert LedgerEntry.objects.get().amount_cents == -12550

    def test_refuses_what_is_not_a_payment_taken_in_the_clinic(self):
        for cents, method, code in [
            (0, Method.CASH, "amount_not_positive"),
            (-500, Method.CASH, "amount_not_positive"),
            (10_000_001, Method.CASH, "amount_too_large"),
            (100, Method.CARD_ONLINE, "not_a_clinic_method"),
            (100, "bitcoin", "not_a_clinic_method"),
        ]:
            with pytest.raises(ValidationError) as refused:
                pay(cents, method=method, key=f"k-{cents}-{method}")
            assert refused.value.code == code
        with pytest.raises(TypeError):
            pay(12.5)
        assert not LedgerEntry.objects.exists()

    def test_refuses_a_visit_on_another_persons_account(self):
        with pytest.raises(ValidationError) as refused:
            pay(appointment=self.visit, email_hash=email_lookup_hash("else@example.org"))
        assert refused.value.code == "another_payers_visit"

    def test_refuses_control_characters_and_long_notes(self):
        for memo in ("slip\x00 42", "\u202eevil", "x" * 201):
            with pytest.raises(ValidationError):
                pay(memo=memo, key=f"k{len(memo)}")
        assert not LedgerEntry.objects.exists()

    def test_refuses_a_key_that_could_not_be_stored(self):
        for key in ("", "k" * 201, "a\x00b"):
            with pytest.raises(ValueError):
                pay(key=key)


@time_machine.travel(NOW, tick=False)
class AdjustmentTests(TestCase):
    def setUp(self):
        self.owner = staff("Owner")

    def adjust(self, cents, reason="Goodwill for a late start", key="adj-1"):
        return ledger.record_adjustment(
            email_hash=PAYER, amount_cents=cents, reason=reason, by=self.owner, idempotency_key=key
        )

    def test_adds_to_or_takes_off_what_is_owed_with_its_reason(self):
        assert self.adjust(-2000).amount_cents == -2000
        assert self.adjust(500, key="adj-2").memo == "Goodwill for a late start"
        assert LedgerEntry.objects.of(PAYER).balance() == -1500
        assert set(LedgerEntry.objects.values_list("kind", flat=True)) == {"adjustment"}

    def test_needs_a_reason_and_an_amount(self):
        for cents, reason in ((500, "   "), (0, "Zero"), (-10_000_001, "Huge")):
            with pytest.raises(ValidationError):
                self.adjust(cents, reason, key=f"adj-{cents}")
        assert not LedgerEntry.objects.exists()


@time_machine.travel(NOW, tick=False)
class AccountTests(TestCase):
    def test_lists_entries_oldest_first_with_the_running_balance(self):
        entry(EntryKind.CHARGE, 45000, recorded_at=NOW - datetime.timedelta(days=2))
        paid(10000, recorded_at=NOW - datetime.timedelta(days=3), purpose=Purpose.DEPOSIT)
        paid(35000, recorded_at=NOW)
        entry(EntryKind.CHARGE, 999, payer=email_lookup_hash("else@example.org"))
        account = ledger.account(PAYER)
        assert [line.balance_cents for line in account.lines] == [-10000, 35000, 0]
        assert [line.amount for line in account.lines] == ["−$100.00", "$450.00", "−$350.00"]
        assert account.balance_cents == 0 and account.earlier_entries == 0

    def test_a_long_account_sums_its_oldest_entries_into_one_line(self):
        for day in range(5):
            entry(EntryKind.CHARGE, 1000, recorded_at=NOW - datetime.timedelta(days=10 - day))
        with mock.patch.object(ledger, "ACCOUNT_LINES", 2):
            account = ledger.account(PAYER)
        assert account.earlier_entries == 3 and account.brought_forward_cents == 3000
        assert [line.balance_cents for line in account.lines] == [4000, 5000]
        assert account.balance == "$50.00"

    def test_a_payer_in_credit(self):
        paid(2500)
        account = ledger.account(PAYER)
        assert (account.balance_cents, account.credit) == (-2500, "$25.00")


class BillingDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        ensure_demo_staff()
        ensure_demo_booking()
        load_care_demo()
        cls.summary = load_billing_demo()

    def test_sets_up_the_clinic_the_codes_and_the_npis(self):
        billing = BillingSettings.load()
        assert (billing.legal_name, billing.tax_id) == ("Klearmind Health, PC", "12-3456789")
        assert (billing.late_cancel_fee, billing.no_show_fee) == (Decimal("50"), Decimal("75"))
        assert is_valid_npi(billing.group_npi) and "Sacramento, CA" in billing.billing_address
        codes = dict(ServiceCodes.objects.values_list("service__slug", "codes"))
        assert codes == SERVICE_CODES
        assert list(DiagnosisCode.objects.values_list("code", "description")) == DIAGNOSES
        npis = dict(ProviderBilling.objects.values_list("provider__name", "npi"))
        assert npis == PROVIDER_NPIS
        assert Provider.objects.filter(billing=None).count() == 0
        assert all(is_valid_npi(npi) for npi in npis.values())

    def test_alex_paid_part_of_todays_booster_and_owes_the_rest(self):
        entries = LedgerEntry.objects.of(email_lookup_hash(TODAY_PATIENT_EMAIL))
        assert sorted(entries.values_list("kind", "amount_cents")) == [
            ("charge", 42500),
            ("payment", -20000),
        ]
        assert entries.balance() == 22500
        assert "Alex Moreno owes $225.00 at the desk" in self.summary

    def test_runs_again_without_changing_or_adding_anything(self):
        counts = [LedgerEntry.objects.count(), ServiceCodes.objects.count()]
        counts += [DiagnosisCode.objects.count(), ProviderBilling.objects.count()]
        billing = BillingSettings.load()
        billing.legal_name = "Renamed by the clinic"
        billing.save()
        load_billing_demo()
        again = [LedgerEntry.objects.count(), ServiceCodes.objects.count()]
        again += [DiagnosisCode.objects.count(), ProviderBilling.objects.count()]
        assert again == counts
        assert BillingSettings.load().legal_name == "Renamed by the clinic"

    def test_jamies_series_is_left_to_the_package(self):
        jamie = LedgerEntry.objects.of(email_lookup_hash(SERIES_PATIENT_EMAIL))
        assert not jamie.filter(purpose=Purpose.VISIT).exists()


@time_machine.travel(NOW, tick=False)
class BillingDemoBeforeTheOtherDemosTests(TestCase):
    def test_does_nothing_it_cannot_and_says_so(self):
        summary = load_billing_demo()
        assert "owes" not in summary and not LedgerEntry.objects.exists()
        assert DiagnosisCode.objects.count() == len(DIAGNOSES)

    def test_a_cancelled_booster_is_not_charged(self):
        clinic, visit = clinic_with_visit(kind="booster", service_slug="ketamine-booster")
        cancelled = book(
            clinic,
            clinic.at(datetime.date(2026, 12, 4), 10),
            patient=Caller("Alex Moreno", TODAY_PATIENT_EMAIL, PATIENT.phone, ""),
        )
        cancelled.status = AppointmentStatus.CANCELLED
        cancelled.save(update_fields=["status"])
        load_billing_demo()
        alex = LedgerEntry.objects.of(email_lookup_hash(TODAY_PATIENT_EMAIL))
        assert list(alex.values_list("kind", flat=True)) == ["payment"]
        assert visit.patient_email_hash == PAYER
