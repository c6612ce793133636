import datetime

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.test import Client, TestCase
from django.urls import reverse

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.audit.models import AuditEvent
from klearmind.booking.models import Appointment, AppointmentStatus
from klearmind.booking.tests.factories import PATIENT, book
from klearmind.care.models import Patient
from klearmind.payments import documents
from klearmind.payments.models import (
    BillingSettings,
    CreditReason,
    DiagnosisCode,
    EntryKind,
    LedgerEntry,
    Method,
    PackageCredit,
    ProviderBilling,
    Purpose,
    ServiceCodes,
)
from klearmind.payments.npi import check_digit, is_valid_npi, valid_npi

from .ledger_factories import (
    DAY,
    NOW,
    PAYER,
    clinic_with_visit,
    entry,
    paid,
    pdf_text,
    prepaid_package,
    uncompressed_pdfs,
)

SECOND_DAY = datetime.date(2026, 12, 4)


def set_up_billing():
    billing = BillingSettings.load()
    billing.legal_name = "Klearmind Health, PC"
    billing.tax_id = "12-3456789"
    billing.group_npi = "1999999992"
    billing.billing_address = "1 Test Street\nSacramento, CA 95811"
    billing.save()


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def inputs(response, selector) -> dict:
    form = soup(response).select_one(selector)
    return {
        tag["name"]: tag.get("value", "")
        for tag in form.select("input[name]")
        if tag.get("type") not in ("radio", "checkbox") or tag.has_attr("checked")
    }


@time_machine.travel(NOW, tick=False)
class NpiTests(TestCase):
    def test_the_check_digit_is_luhn_over_the_health_industry_prefix(self):
        # CMS's worked example: 123456789 gets the check digit 3.
        assert check_digit("123456789") == "3"
        assert is_valid_npi("1234567893")
        for wrong in (
            "1234567890",
            "123456789",
            "12345678930",
            "abcdefghij",
            "１２３４５６７８９３",
        ):
            assert not is_valid_npi(wrong), wrong

    def test_the_validator_says_what_is_wrong(self):
        valid_npi("1234567893")
        with pytest.raises(ValidationError) as short:
            valid_npi("12345")
        assert short.value.code == "npi_digits"
        with pytest.raises(ValidationError) as wrong:
            valid_npi("1234567894")
        assert wrong.value.code == "npi_check_digit"

    def test_the_npi_fields_refuse_an_invalid_number(self):
        clinic, _ = clinic_with_visit()
        billing = ProviderBilling(provider=clinic.providers[0], npi="1234567890")
        with pytest.raises(ValidationError) as refused:
            billing.full_clean()
        assert "npi" in refused.value.message_dict
        settings = BillingSettings.load()
        settings.group_npi = "2000000003"
        with pytest.raises(ValidationError):
            settings.full_clean()


@time_machine.travel(NOW, tick=False)
class ReceiptTests(TestCase):
    def setUp(self):
        set_up_billing()
        self.clinic, self.visit = clinic_with_visit(price=450)
        self.desk = staff("Front desk")
        self.client = sign_in(Client(), self.desk)
        paid(10000, appointment=self.visit, purpose=Purpose.DEPOSIT)
        entry(EntryKind.CHARGE, 45000, appointment=self.visit, service=self.clinic.service)
        paid(20000, appointment=self.visit, method=Method.HSA_FSA)

    def receipt(self, query: str, *, by="visit", pk=None):
        url = reverse("payments_admin:receipt", args=[by, pk or self.visit.pk])
        with uncompressed_pdfs():
            return self.client.get(f"{url}?{query}")

    def test_the_receipt_of_a_visit_itemises_it_with_the_clinics_details(self):
        response = self.receipt("scope=visit")
        assert response["Content-Type"] == "application/pdf"
        assert "no-store" in response["Cache-Control"]
        disposition = response["Content-Disposition"]
        assert disposition == f'attachment; filename="receipt-visit-{self.visit.pk}.pdf"'
        text = pdf_text(response.content)
        for expected in (
            "Klearmind Health, PC",
            "1 Test Street",
            "Sacramento, CA 95811",
            "Tax ID (EIN) 12-3456789",
            "Received from",
            "Dana Reyes",
            "Visit of 3 December 2026",
            "Payment: deposit, Midtown Drip on 3",
            "HSA or FSA card",
            "$450.00",
            "$300.00",  # paid: the deposit and the HSA payment
            "Balance of this visit",
            "$150.00 owed",
        ):
            assert expected in text, expected
        event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
        assert event.detail == f"receipt of visit {self.visit.pk}" and event.actor == self.desk

    def test_the_receipt_of_a_period_has_its_entries_and_the_balance_at_its_end(self):
        later = book(self.clinic, self.clinic.at(datetime.date(2027, 1, 5), 10))
        with time_machine.travel(datetime.datetime(2027, 1, 5, 20, tzinfo=datetime.UTC)):
            entry(EntryKind.CHARGE, 45000, appointment=later)
            paid(45000, appointment=later, method=Method.CASH)
        response = self.receipt("start=2027-01-01&end=2027-01-31")
        assert 'filename="receipt-2027-01-01-to-2027-01-31.pdf"' in response["Content-Disposition"]
        text = pdf_text(response.content)
        assert "1 January 2027 to 31 January 2027" in text
        assert "5 Jan 2027" in text and "3 Dec 2026" not in text
        assert "Account balance at the end of 31 January 2027" in text
        assert "$150.00 owed" in text  # December's balance carried
        assert "Total paid" in text and "$450.00" in text

    def test_without_a_period_the_page_asks_for_one_and_refuses_a_wrong_one(self):
        page = self.client.get(reverse("payments_admin:receipt", args=["visit", self.visit.pk]))
        assert page["Content-Type"].startswith("text/html")
        assert soup(page).select_one("#id_start")["value"] == "2026-11-04"
        wrong = self.receipt("start=2027-02-01&end=2027-01-01")
        assert wrong.status_code == 400
        assert "must be on or after" in soup(wrong).select_one("#id_end_error").get_text()
        hostile = self.receipt("start=%3Cscript%3E&end=99999-12-31")
        assert hostile.status_code == 400 and b"<script>" not in hostile.content
        assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()

    def test_an_editor_gets_no_receipt(self):
        editor = sign_in(Client(raise_request_exception=False), staff("Editor"))
        url = reverse("payments_admin:receipt", args=["visit", self.visit.pk])
        assert editor.get(f"{url}?scope=visit").status_code == 403


@time_machine.travel(NOW, tick=False)
class SuperbillTests(TestCase):
    def setUp(self):
        set_up_billing()
        self.clinic, self.visit = clinic_with_visit(price=450, kind="ketamine")
        self.home = book(self.clinic, self.clinic.at(SECOND_DAY, 13))
        Appointment.objects.filter(pk=self.home.pk).update(at_home=True, chair=None)
        self.home.refresh_from_db()
        provider = self.clinic.providers[0]
        ProviderBilling.objects.create(provider=provider, npi="1234567893")
        ServiceCodes.objects.create(service=self.clinic.service, codes="96365, 96366")
        self.f33 = DiagnosisCode.objects.create(
            code="F33.2",
            description="Major depressive disorder, recurrent severe without psychotic features",
        )
        self.f41 = DiagnosisCode.objects.create(
            code="F41.1", description="Generalized anxiety disorder"
        )
        Patient.objects.create(
            full_name="Dana M. Reyes",
            date_of_birth=datetime.date(1984, 2, 29),
            email=PATIENT.email,
            phone=PATIENT.phone,
        )
        for visit in (self.visit, self.home):
            visit.status = AppointmentStatus.COMPLETED
            visit.save(update_fields=["status"])
        entry(EntryKind.CHARGE, 45000, appointment=self.visit)
        paid(45000, appointment=self.visit, method=Method.CARD_TERMINAL)
        self.clinician = sign_in(Client(enforce_csrf_checks=True), staff("Clinician"))
        self.url = reverse("payments_admin:superbill", args=["visit", self.visit.pk])

    def draw(self, query="start=2026-12-01&end=2026-12-31"):
        return self.clinician.get(f"{self.url}?{query}")

    def send(self, page, **chosen):
        data = inputs(page, 'form[method="post"]')
        data |= chosen
        with uncompressed_pdfs():
            return self.clinician.post(self.url, data)

    def test_lists_the_visits_of_the_period_with_their_usual_code_ticked(self):
        page = self.draw()
        rows = soup(page).select('form[method="post"] tbody tr')
        assert len(rows) == 2
        ticked = [box["value"] for box in soup(page).select("input[name=codes][checked]")]
        assert ticked == [f"{self.visit.pk}:96365", f"{self.home.pk}:96365"]
        offered = [box["value"] for box in soup(page).select("input[name=codes]")]
        assert f"{self.visit.pk}:96366" in offered
        assert [
            box.parent.get_text(strip=True) for box in soup(page).select("input[name=diagnoses]")
        ] == [
            "F33.2 Major depressive disorder, recurrent severe without psychotic features",
            "F41.1 Generalized anxiety disorder",
        ]

    def test_the_superbill_prints_the_patient_providers_codes_and_diagnoses(self):
        page = self.draw()
        response = self.send(
            page,
            diagnoses=[str(self.f33.pk), str(self.f41.pk)],
            codes=[f"{self.visit.pk}:96365", f"{self.visit.pk}:96366", f"{self.home.pk}:96365"],
        )
        assert response.status_code == 200, response.content[:2000]
        assert response["Content-Type"] == "application/pdf"
        assert "no-store" in response["Cache-Control"]
        disposition = response["Content-Disposition"]
        assert disposition == 'attachment; filename="superbill-2026-12-01-to-2026-12-31.pdf"'
        text = pdf_text(response.content)
        for expected in (
            "Superbill",
            "Klearmind Health, PC",
            "Tax ID (EIN) 12-3456789",
            "Group NPI 1999999992",
            "Dana M. Reyes",
            "29 February 1984",
            "F33.2",
            "Major depressive disorder, recurrent severe without",
            "F41.1",
            "Generalized anxiety disorder",
            "3 Dec 2026",
            "4 Dec 2026",
            "11 Office",
            "12 Home",
            "NPI 1234567893",
            "96365, 96366",
            "A, B",
            "Total charges",
            "$900.00",
            "$450.00",  # paid: the first visit
        ):
            assert expected in text, expected

    def test_the_diagnosis_is_kept_nowhere_and_the_export_is_audited(self):
        before = LedgerEntry.objects.count()
        self.send(self.draw(), diagnoses=[str(self.f33.pk)], codes=[f"{self.visit.pk}:96365"])
        assert LedgerEntry.objects.count() == before
        event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
        assert event.detail == "superbill 2026-12-01 to 2026-12-31: 1 visits"
        assert "F33" not in event.detail
        assert not AuditEvent.objects.filter(detail__contains="F33").exists()
        assert not LedgerEntry.objects.filter(memo__contains="F33").exists()

    def test_by_default_a_visits_superbill_covers_its_own_day(self):
        page = self.clinician.get(self.url)
        assert len(soup(page).select('form[method="post"] tbody tr')) == 1
        assert soup(page).select_one("input[name=start]")["value"] == "2026-12-03"

    def test_refuses_without_a_diagnosis_or_a_code_and_with_forged_ones(self):
        page = self.draw()
        for chosen, field, message in [
            ({"codes": [f"{self.visit.pk}:96365"]}, "diagnoses", "at least one diagnosis"),
            ({"diagnoses": [str(self.f33.pk)], "codes": []}, "codes", "at least one procedure"),
            (
                {"diagnoses": ["<script>"], "codes": [f"{self.visit.pk}:96365"]},
                "diagnoses",
                "from the list",
            ),
            (
                {"diagnoses": ["9" * 40], "codes": [f"{self.visit.pk}:96365"]},
                "diagnoses",
                "from the list",
            ),
            ({"diagnoses": [str(self.f33.pk)], "codes": ["999:99999"]}, "codes", "from the list"),
        ]:
            data = inputs(page, 'form[method="post"]')
            data.pop("codes", None)
            response = self.clinician.post(self.url, data | chosen)
            assert response.status_code == 400, chosen
            assert response["Content-Type"].startswith("text/html")
            error = soup(response).select_one(f"#id_{field}_error")
            assert message in error.get_text(), (chosen, error)
            assert b"<script>" not in response.content
        assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()

    def test_the_front_desk_may_not_make_a_superbill(self):
        desk = sign_in(Client(raise_request_exception=False), staff("Front desk"))
        assert desk.get(self.url).status_code == 403
        data = {"start": "2026-12-01", "end": "2026-12-31", "diagnoses": [str(self.f33.pk)]}
        assert desk.post(self.url, data | {"codes": [f"{self.visit.pk}:96365"]}).status_code == 403
        refusal = AuditEvent.objects.filter(action=AuditEvent.Action.PERMISSION_DENIED).first()
        assert refusal.detail == "needs payments.make_superbill"
        assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()

    def test_a_visit_a_package_paid_for_shows_the_packages_price_per_visit(self):
        package = prepaid_package(self.clinic.service, credits=0)
        PackageCredit.objects.create(
            package=package,
            change=-1,
            appointment=self.home,
            reason=CreditReason.USED,
            idempotency_key="used",
        )
        assert documents.visit_money(self.home) == (40000, 40000)
        assert documents.visit_money(self.visit) == (45000, 45000)

    def test_without_a_patient_record_the_name_comes_from_the_booking(self):
        Patient.objects.all().delete()
        visits = documents.superbill_visits(PAYER, DAY, SECOND_DAY)
        bill = documents.superbill(
            PAYER, visits, codes={self.visit.pk: ["96365"]}, diagnoses=[self.f41]
        )
        assert (bill.patient, bill.date_of_birth) == ("Dana Reyes", None)
        assert [line.place for line in bill.lines] == ["11"]
        with uncompressed_pdfs():
            assert "Not on file" in pdf_text(documents.superbill_pdf(bill))

    def test_names_and_notes_in_any_script_make_a_pdf(self):
        billing = BillingSettings.load()
        billing.legal_name = "Clínica <b>Ñúñez</b> & 王 🙂"
        billing.save()
        with uncompressed_pdfs():
            pdf = documents.receipt_pdf(documents.visit_receipt(self.visit))
        assert "nica <b>" in pdf_text(pdf)  # drawn as text, not read as markup
