"""The register's screens (CLINICAL.md, "Controlled substance (Schedule III)"): who may open them,
stock received, a dose drawn with its witness's password, the count and its review, and the
inspector's CSV, each audited."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.test import Client, RequestFactory, TestCase
from django.urls import reverse
from django.utils import timezone

from klearmind.accounts.tests.factories import PASSWORD, sign_in, staff
from klearmind.audit.models import AuditEvent
from klearmind.care.models import CountLine, InventoryCount, RegisterEntry, StockReceipt
from klearmind.care.register.services import record_dose
from klearmind.care.wagtail_hooks import care_menu_items
from klearmind.intake.tests.factories import csrf_token

from .chart_factories import complete, make_chart
from .factories import PATIENT_NAME
from .register_factories import chart_location, receive


class RegisterViewCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.nurse = staff("Clinician", first_name="Ana", last_name="Ruiz")
        cls.witness = staff("Clinician", first_name="Ben", last_name="Cole")
        cls.chart = complete(make_chart(), by=cls.nurse, register=False)  # dose 36.25 mg
        cls.location = chart_location(cls.chart)
        cls.receipt = receive(cls.location, by=cls.nurse)
        cls.vial = cls.receipt.containers.first()

    def setUp(self):
        self.client = Client(enforce_csrf_checks=True)
        sign_in(self.client, self.nurse)

    def post(self, url, data, *, page=None):
        token = csrf_token(self.client.get(page or url))
        return self.client.post(url, {"csrfmiddlewaretoken": token, **data})


class RegisterAccessTests(RegisterViewCase):
    def test_front_desk_and_editors_get_403_and_an_audit_entry_everywhere(self):
        urls = [
            reverse("care_admin:register"),
            reverse("care_admin:register_container", args=[self.vial.pk]),
            reverse("care_admin:register_draw", args=[self.chart.pk]),
            reverse("care_admin:register_receive"),
            reverse("care_admin:register_csv"),
        ]
        for role in ("Front desk", "Editor"):
            person = staff(role)
            client = sign_in(Client(), person)
            for url in urls:
                response = client.get(url)
                assert response.status_code == 403, (role, url)
                assert b"500.00" not in response.content
            refusals = AuditEvent.objects.filter(
                action=AuditEvent.Action.PERMISSION_DENIED, actor=person
            )
            assert refusals.count() == len(urls)

    def test_front_desk_cannot_record_a_dose(self):
        client = sign_in(Client(), staff("Front desk"))
        url = reverse("care_admin:register_draw", args=[self.chart.pk])
        data = {"container": self.vial.pk, "drawn_mg": "36.25", "given_mg": "36.25"}
        assert client.post(url, {**data, "wasted_mg": "0"}).status_code == 403
        assert not RegisterEntry.objects.for_chart(self.chart).exists()

    def test_the_register_shows_balances_per_product_and_vial_and_is_audited(self):
        page = self.client.get(reverse("care_admin:register")).content.decode()
        assert "Ketamine 50 mg/mL, 10 mL" in page
        assert "1000.00 mg (20.00 mL)" in page  # two vials of 500 mg
        assert f"R{self.receipt.pk}-1" in page
        assert "500.00 mg (10.00 mL)" in page
        assert "Charts waiting for their register entry" in page
        assert PATIENT_NAME in page
        assert "No inventory count yet." in page
        event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
        assert event.detail == (
            f"controlled-substance register; charts awaiting entries: {self.chart.pk}"
        )


class ReceiveViewTests(RegisterViewCase):
    def data(self, **changes):
        values = {
            "location": self.location.pk,
            "product": "ketamine_vial",
            "supplier": "Henry Schein",
            "lot": "KX-7781",
            "expires_on": "2030-01-31",
            "mg_per_ml": "50",
            "ml_per_unit": "10",
            "quantity": "4",
            "received_on": "2026-01-15",
        }
        return {**values, **changes}

    def test_a_vial_without_its_strength_is_refused_on_the_field_and_kept(self):
        url = reverse("care_admin:register_receive")
        response = self.post(url, self.data(mg_per_ml=""))
        page = response.content.decode()
        assert response.status_code == 400
        assert (
            '<p class="error-message" id="id_mg_per_ml_error">Give this for a ketamine vial.'
            in (page)
        )
        assert 'aria-describedby="id_mg_per_ml_helptext id_mg_per_ml_error"' in page
        assert 'value="KX-7781"' in page
        assert StockReceipt.objects.count() == 1

    def test_stock_received_is_recorded_and_audited(self):
        response = self.post(reverse("care_admin:register_receive"), self.data())
        assert response.status_code == 302
        receipt = StockReceipt.objects.get(lot="KX-7781")
        assert (receipt.quantity, receipt.containers.count(), receipt.mg_per_unit) == (4, 4, 500)
        event = AuditEvent.objects.get(
            action=AuditEvent.Action.CREATE, target_type="care.stockreceipt", target_id=receipt.pk
        )
        assert (event.actor_id, event.ip_address) == (self.nurse.pk, "127.0.0.1")


class DrawViewTests(RegisterViewCase):
    def url(self):
        return reverse("care_admin:register_draw", args=[self.chart.pk])

    def data(self, **changes):
        values = {
            "container": self.vial.pk,
            "drawn_mg": "40",
            "given_mg": "36.25",
            "wasted_mg": "3.75",
            "witness": self.witness.pk,
            "witness_password": PASSWORD,
        }
        return {**values, **changes}

    def test_a_wrong_witness_password_is_a_field_error_and_stores_nothing(self):
        response = self.post(self.url(), self.data(witness_password="guessed-Pa55word"))
        page = response.content.decode()
        assert response.status_code == 400
        assert "That is not the password of Ben Cole. Nothing was recorded." in page
        assert 'id="id_witness_password_error"' in page
        assert 'value="40"' in page  # what was typed is kept
        assert "guessed-Pa55word" not in page  # but never the password
        assert not RegisterEntry.objects.for_chart(self.chart).exists()
        event = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).last()
        assert event.detail == "register dose form"
        assert AuditEvent.objects.filter(detail="register dose refused").count() == 1
        failed = AuditEvent.objects.get(action=AuditEvent.Action.FAILED_LOGIN)
        assert (failed.actor, failed.target_id) == (self.nurse, str(self.witness.pk))
        assert failed.detail == f"witness password refused for {self.witness.username}"

    def test_the_witness_cannot_be_the_person_recording(self):
        response = self.post(self.url(), self.data(witness=self.nurse.pk))
        assert "The witness must be someone other than you." in response.content.decode()
        assert not RegisterEntry.objects.for_chart(self.chart).exists()

    def test_more_than_the_vial_holds_is_refused_on_the_field(self):
        big = self.receipt.containers.last()
        self.post(self.url(), self.data(drawn_mg="36.25", wasted_mg="0", container=big.pk))
        chart = complete(make_chart(), by=self.nurse, register=False)
        url = reverse("care_admin:register_draw", args=[chart.pk])
        data = self.data(container=big.pk, drawn_mg="500", given_mg="36.25", wasted_mg="463.75")
        page = self.post(url, data).content.decode()
        assert "holds 463.75 mg; 500 mg cannot come out of it." in page
        assert big.current_balance() == Decimal("463.75")

    def test_a_witnessed_draw_is_recorded_audited_and_the_chart_can_be_signed(self):
        response = self.post(self.url(), self.data())
        assert response["Location"].endswith(f"/charts/{self.chart.pk}/#sign")
        entry = RegisterEntry.objects.for_chart(self.chart).get()
        assert (entry.drawn_mg, entry.given_mg, entry.wasted_mg) == (40, Decimal("36.25"), 3.75)
        assert (entry.recorded_by, entry.witness, entry.balance_mg) == (
            self.nurse,
            self.witness,
            460,
        )
        event = AuditEvent.objects.get(
            action=AuditEvent.Action.CREATE, target_type="care.registerentry", target_id=entry.pk
        )
        assert event.detail == f"dose drawn for chart {self.chart.pk}"
        self.chart.sign(by=self.nurse)


class ContainerViewTests(RegisterViewCase):
    def test_a_vial_shows_its_running_register_and_a_correction_is_a_new_line(self):
        entry = record_dose(
            chart=self.chart,
            container=self.vial,
            drawn_mg=Decimal("36.25"),
            given_mg=Decimal("36.25"),
            wasted_mg=Decimal("0"),
            by=self.nurse,
        )
        url = reverse("care_admin:register_container", args=[self.vial.pk])
        page = self.client.get(url).content.decode()
        assert "463.75 mg" in page and PATIENT_NAME in page
        reverse_url = reverse("care_admin:register_reverse", args=[entry.pk])
        empty = self.post(reverse_url, {"reason": ""})
        assert empty.status_code == 400
        assert 'id="id_reason_error"' in empty.content.decode()
        response = self.post(reverse_url, {"reason": "Recorded against the wrong vial"})
        assert response["Location"] == url
        page = self.client.get(url).content.decode()
        assert "Correction (reverses an entry)" in page
        assert "Recorded against the wrong vial" in page and "— reversed" in page
        assert self.vial.current_balance() == Decimal("500")
        assert self.post(reverse_url, {"reason": "again"}).status_code == 400
        assert RegisterEntry.objects.filter(kind="reversal").count() == 1


class CountViewTests(RegisterViewCase):
    def test_a_count_with_a_difference_awaits_review_by_someone_else(self):
        url = reverse("care_admin:register_count_new", args=[self.location.pk])
        first, second = self.receipt.containers.all()
        data = {f"counted_{first.pk}": "9.9", f"reason_{first.pk}": "Residue in the hub"}
        data |= {f"counted_{second.pk}": "10"}
        response = self.post(url, data)
        count = InventoryCount.objects.get()
        assert response["Location"] == reverse("care_admin:register_count", args=[count.pk])
        page = self.client.get(response["Location"]).content.decode()
        assert "-5.00 mg" in page and "Awaiting review." in page
        line = CountLine.objects.with_open_discrepancy().get()
        review_url = reverse("care_admin:register_review", args=[line.pk])
        count_url = response["Location"]
        own = self.post(review_url, {f"line{line.pk}-adjust": "on"}, page=count_url)
        assert "Someone other than the person who counted" in own.content.decode()
        sign_in(self.client, self.witness)
        self.post(review_url, {f"line{line.pk}-adjust": "on"}, page=count_url)
        assert not CountLine.objects.with_open_discrepancy().exists()
        assert first.current_balance() == Decimal("495")
        exported = self.client.get(reverse("care_admin:register_count_csv", args=[count.pk]))
        rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
        assert [row["Difference (mg)"] for row in rows] == ["-5.00", "0.00"]
        short = rows[0]
        assert (short["Counted by"], short["Counter's reason"]) == (
            "Ana Ruiz",
            "Residue in the hub",
        )
        assert (short["Reviewed by"], short["Review"]) == ("Ben Cole", "Residue in the hub")
        assert (short["Register adjusted"], short["Reported to the DEA"]) == ("yes", "no")
        event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
        assert (event.target_id, event.detail) == (str(count.pk), "inventory count CSV")

    def test_a_count_field_left_empty_is_named_and_nothing_is_stored(self):
        url = reverse("care_admin:register_count_new", args=[self.location.pk])
        response = self.post(url, {})
        assert response.status_code == 400
        assert "This field is required." in response.content.decode()
        assert not InventoryCount.objects.exists()


@pytest.mark.clock  # the CSV's default period ends today
class CsvTests(RegisterViewCase):
    def test_the_inspectors_csv_lists_every_entry_with_balance_witness_and_patient(self):
        owner = staff("Owner", first_name="Olivia", last_name="Marsh")
        record_dose(
            chart=self.chart,
            container=self.vial,
            drawn_mg=Decimal("40"),
            given_mg=Decimal("36.25"),
            wasted_mg=Decimal("3.75"),
            by=self.nurse,
            witness=owner,
        )
        response = self.client.get(reverse("care_admin:register_csv"))
        assert response["Content-Disposition"].startswith('attachment; filename="controlled')
        assert response.streaming
        text = b"".join(response.streaming_content).decode()
        rows = list(csv.DictReader(io.StringIO(text)))
        assert len(rows) == 3
        dose = rows[-1]
        assert dose["Entry"] == "Dose drawn"
        assert dose["Patient"] == PATIENT_NAME
        assert (dose["Drawn (mg)"], dose["Given (mg)"], dose["Wasted (mg)"]) == (
            "40.00",
            "36.25",
            "3.75",
        )
        assert (dose["Balance (mg)"], dose["Balance (mL)"]) == ("460.00", "9.20")
        assert (dose["Recorded by"], dose["Witness"]) == ("Ana Ruiz", "Olivia Marsh")
        assert (dose["Lot"], dose["Supplier"]) == ("KET-24117", "Henry Schein")
        event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
        today = timezone.localdate()
        ninety_days_ago = today - datetime.timedelta(days=90)
        assert event.detail == f"controlled-substance register CSV {ninety_days_ago} to {today}"

    def test_the_csv_holds_only_the_entries_of_the_period_asked(self):
        today = timezone.localdate()
        recorded = RegisterEntry.objects.count()
        assert recorded >= 1

        def rows(start, end):
            asked = {"start": start.isoformat(), "end": end.isoformat()}
            response = self.client.get(reverse("care_admin:register_csv"), asked)
            assert response["Content-Disposition"].endswith(f'{start}-to-{end}.csv"')
            text = b"".join(response.streaming_content).decode()
            return list(csv.DictReader(io.StringIO(text)))

        week_ago = today - datetime.timedelta(days=7)
        assert rows(week_ago, today - datetime.timedelta(days=1)) == []
        assert len(rows(today, today)) == recorded

    def test_a_period_that_is_not_one_goes_back_to_the_form_with_its_error(self):
        asked = {"start": "2026-05-01", "end": "2026-04-01"}
        response = self.client.get(reverse("care_admin:register_csv"), asked)
        assert response.status_code == 302
        assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
        page = self.client.get(response["Location"]).content.decode()
        assert "The “to” date must be on or after the “from” date." in page
        assert 'value="2026-05-01"' in page


class MenuTests(TestCase):
    def test_the_care_menu_leads_clinicians_and_the_owner_to_the_register(self):
        item = next(i for i in care_menu_items() if i.label == "Controlled substances")
        assert item.url == reverse("care_admin:register")
        request = RequestFactory().get("/admin/")
        for role, shown in (("Clinician", True), ("Owner", True), ("Front desk", False)):
            request.user = staff(role)
            assert item.is_shown(request) is shown, role
