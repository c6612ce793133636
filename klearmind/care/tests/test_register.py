"""The controlled-substance register (CLINICAL.md, "Controlled substance (Schedule III)", 21 CFR
1304): stock received, doses drawn with witnessed waste, the running balance that never goes
below zero, nothing changed or deleted, counts and their discrepancies, and the chart that
cannot be signed without its register entry."""

import datetime
from decimal import Decimal
from unittest import mock

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import TestCase

from klearmind.accounts.tests.factories import staff
from klearmind.audit.models import AuditEvent
from klearmind.booking.models import ServiceKind
from klearmind.booking.tests.factories import make_clinic, make_location
from klearmind.care.charts.services import start_chart
from klearmind.care.models import (
    AppendOnlyError,
    Container,
    CountLine,
    EntryKind,
    InventoryCount,
    Patient,
    RegisterEntry,
    StockReceipt,
    register_entry_missing,
)
from klearmind.care.register import services
from klearmind.care.register.services import (
    record_count,
    record_dose,
    reverse_entry,
    review_discrepancy,
)

from .chart_factories import complete, make_chart, ready_to_start
from .factories import make_patient, make_protocol
from .register_factories import chart_location, receive
from .test_chart_views import visit


def code_of(context, field=None) -> str:
    error = context.exception
    if field is not None:
        return error.error_dict[field][0].code
    return error.error_list[0].code


class RegisterCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.nurse = staff("Clinician", first_name="Ana", last_name="Ruiz")
        cls.witness = staff("Clinician", first_name="Ben", last_name="Cole")
        cls.chart = complete(make_chart(), by=cls.nurse, register=False)  # dose 36.25 mg
        cls.receipt = receive(chart_location(cls.chart), by=cls.nurse)
        cls.vial = cls.receipt.containers.first()

    def draw(self, *, drawn, given, wasted="0", vial=None, by=None, witness=None, chart=None):
        return record_dose(
            chart=chart or self.chart,
            container=vial or self.vial,
            drawn_mg=Decimal(drawn),
            given_mg=Decimal(given),
            wasted_mg=Decimal(wasted),
            by=by or self.nurse,
            witness=witness,
        )


class StockTests(RegisterCase):
    def test_each_vial_received_opens_its_own_register_with_what_it_holds(self):
        assert self.receipt.quantity == 2
        assert [c.label for c in self.receipt.containers.all()] == [
            f"R{self.receipt.pk}-1",
            f"R{self.receipt.pk}-2",
        ]
        assert self.receipt.strength == "50 mg/mL, 10 mL (500 mg) per vial"
        entry = self.vial.entries.get()
        assert (entry.kind, entry.change_mg, entry.balance_mg) == ("received", 500, 500)
        assert Container.objects.with_balance().get(pk=self.vial.pk).balance_mg == 500

    def test_a_spravato_device_holds_28_mg(self):
        devices = receive(self.receipt.location, by=self.nurse, spravato=True, quantity=3)
        assert devices.mg_per_unit == Decimal("28")
        assert devices.strength == "28 mg per device"
        assert [
            c.balance_mg for c in Container.objects.in_stock().for_product(devices.product)
        ] == [
            28,
            28,
            28,
        ]

    def test_the_database_refuses_a_vial_whose_strength_does_not_add_up(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            StockReceipt.objects.create(
                location=self.receipt.location,
                product="ketamine_vial",
                supplier="X",
                lot="L",
                expires_on=self.receipt.expires_on,
                mg_per_ml=Decimal("50"),
                ml_per_unit=Decimal("10"),
                mg_per_unit=Decimal("600"),
                quantity=1,
                received_by=self.nurse,
            )


class DoseTests(RegisterCase):
    def test_a_dose_drawn_lowers_the_vial_balance_by_what_was_drawn(self):
        entry = self.draw(drawn="40", given="36.25", wasted="3.75", witness=self.witness)
        assert (entry.balance_mg, entry.change_mg, entry.sequence) == (460, -40, 2)
        assert entry.witness == self.witness
        assert self.vial.current_balance() == Decimal("460")

    def test_drawing_more_than_the_vial_holds_is_refused_and_nothing_is_stored(self):
        """Boundary: 500 mg in the vial; 500.01 mg is refused, the balance never negative."""
        big = complete(make_chart(), by=self.nurse, register=False)
        big.dose_mg = Decimal("600")  # only to reach past the vial here
        with self.assertRaises(ValidationError) as refused:
            self.draw(chart=big, drawn="500.01", given="500.01")
        assert code_of(refused, "drawn_mg") == "exceeds_balance"
        assert "holds 500.00 mg" in refused.exception.messages[0]
        assert self.vial.entries.count() == 1

    def test_the_whole_vial_may_be_drawn_down_to_zero(self):
        big = complete(make_chart(), by=self.nurse, register=False)
        big.dose_mg = Decimal("500")
        assert self.draw(chart=big, drawn="500", given="500").balance_mg == 0
        assert not Container.objects.in_stock().filter(pk=self.vial.pk).exists()

    def test_the_database_refuses_a_negative_balance_whatever_the_caller(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            RegisterEntry.objects.create(
                container=self.vial,
                sequence=2,
                kind=EntryKind.ADJUSTMENT,
                change_mg=Decimal("-501"),
                balance_mg=Decimal("-1"),
                recorded_by=self.nurse,
            )

    def test_waste_needs_a_witness(self):
        with self.assertRaises(ValidationError) as refused:
            self.draw(drawn="40", given="36.25", wasted="3.75")
        assert code_of(refused, "witness") == "witness_needed"
        assert self.vial.entries.count() == 1

    def test_the_witness_cannot_be_the_person_recording(self):
        with self.assertRaises(ValidationError) as refused:
            self.draw(drawn="40", given="36.25", wasted="3.75", witness=self.nurse)
        assert code_of(refused, "witness") == "witness_same_person"
        assert self.vial.entries.count() == 1

    def test_the_database_refuses_a_self_witnessed_waste_too(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            RegisterEntry.objects.create(
                container=self.vial,
                sequence=2,
                kind=EntryKind.DOSE,
                chart=self.chart,
                drawn_mg=Decimal("40"),
                given_mg=Decimal("36.25"),
                wasted_mg=Decimal("3.75"),
                change_mg=Decimal("-40"),
                balance_mg=Decimal("460"),
                recorded_by=self.nurse,
                witness=self.nurse,
            )

    def test_front_desk_and_editors_cannot_witness(self):
        for role in ("Front desk", "Editor"):
            with self.assertRaises(ValidationError) as refused:
                self.draw(drawn="40", given="36.25", wasted="3.75", witness=staff(role))
            assert code_of(refused, "witness") == "witness_role"
        owner = staff("Owner")
        assert self.draw(drawn="40", given="36.25", wasted="3.75", witness=owner).witness == owner

    def test_drawn_must_be_given_plus_wasted(self):
        with self.assertRaises(ValidationError) as refused:
            self.draw(drawn="40", given="36.25", wasted="3", witness=self.witness)
        assert code_of(refused, "drawn_mg") == "drawn_not_given_plus_wasted"

    def test_more_than_the_charts_dose_cannot_be_given(self):
        self.draw(drawn="30", given="30")
        with self.assertRaises(ValidationError) as refused:
            self.draw(drawn="6.26", given="6.26")
        assert code_of(refused, "given_mg") == "given_exceeds_dose"
        assert "at most 6.25 mg more" in refused.exception.messages[0]
        self.draw(drawn="6.25", given="6.25", vial=self.receipt.containers.last())
        assert register_entry_missing(self.chart) == ""

    def test_a_spravato_chart_takes_whole_devices_not_ketamine_vials(self):
        chart = complete(make_chart(spravato=True), by=self.nurse, register=False)
        with self.assertRaises(ValidationError) as refused:
            self.draw(chart=chart, drawn="28", given="28")
        assert code_of(refused, "container") == "wrong_product"
        device = receive(chart_location(chart), by=self.nurse, spravato=True).containers.first()
        with self.assertRaises(ValidationError) as refused:
            self.draw(chart=chart, vial=device, drawn="14", given="14")
        assert code_of(refused, "drawn_mg") == "whole_device"

    def test_a_lot_expired_before_the_session_is_refused(self):
        old = receive(
            self.receipt.location,
            by=self.nurse,
            lot="OLD",
            expires_on=self.chart.session_date - datetime.timedelta(days=1),
        )
        with self.assertRaises(ValidationError) as refused:
            self.draw(vial=old.containers.first(), drawn="36.25", given="36.25")
        assert code_of(refused, "container") == "expired"


class LocationTests(TestCase):
    def test_a_charts_dose_comes_from_stock_at_its_own_location(self):
        nurse = staff("Clinician")
        clinic = make_clinic(slug="roseville", kind=ServiceKind.KETAMINE)
        make_patient()
        protocol = make_protocol()
        booking = visit(clinic, clinic.service)
        chart = start_chart(
            patient=Patient.objects.get(),
            plan=None,
            protocol=protocol,
            day=booking.local_start.date(),
            by=nurse,
            appointment=booking,
        )
        ready_to_start(chart, by=nurse)
        elsewhere = receive(make_location("sacramento"), by=nurse).containers.first()
        with self.assertRaises(ValidationError) as refused:
            record_dose(
                chart=chart,
                container=elsewhere,
                drawn_mg=chart.dose_mg,
                given_mg=chart.dose_mg,
                wasted_mg=Decimal("0"),
                by=nurse,
            )
        assert code_of(refused, "container") == "other_location"
        here = receive(clinic.location, by=nurse, lot="RSV-1").containers.first()
        entry = record_dose(
            chart=chart,
            container=here,
            drawn_mg=chart.dose_mg,
            given_mg=chart.dose_mg,
            wasted_mg=Decimal("0"),
            by=nurse,
        )
        assert entry.balance_mg == Decimal("500") - chart.dose_mg


class SignGateTests(RegisterCase):
    def test_a_chart_cannot_be_signed_without_its_register_entry(self):
        with self.assertRaises(ValidationError) as refused:
            self.chart.sign(by=self.nurse)
        assert code_of(refused) == "register_entry_missing"
        assert "controlled-substance register" in refused.exception.messages[0]
        self.chart.refresh_from_db()
        assert self.chart.status == "open"

    def test_part_of_the_dose_recorded_is_not_enough(self):
        self.draw(drawn="30", given="30")
        with self.assertRaises(ValidationError) as refused:
            self.chart.sign(by=self.nurse)
        assert code_of(refused) == "register_entry_missing"
        assert (
            "gives 30.00 mg against this chart's dose of 36.25 mg"
            in (refused.exception.messages[0])
        )

    def test_with_the_whole_dose_given_the_chart_signs(self):
        self.draw(drawn="40", given="36.25", wasted="3.75", witness=self.witness)
        self.chart.sign(by=self.nurse)
        assert self.chart.is_signed

    def test_a_reversed_entry_no_longer_counts(self):
        entry = self.draw(drawn="36.25", given="36.25")
        reverse_entry(entry=entry, reason="Wrong vial chosen", by=self.nurse)
        assert "record the dose drawn" in register_entry_missing(self.chart)

    def test_the_factory_records_the_entry_before_signing(self):
        chart = complete(make_chart(), by=self.nurse)
        entry = RegisterEntry.objects.for_chart(chart).get()
        assert entry.given_mg == chart.dose_mg
        chart.sign(by=self.nurse)


class AppendOnlyTests(RegisterCase):
    def test_an_entry_cannot_be_changed_or_deleted_through_the_model(self):
        entry = self.vial.entries.get()
        entry.balance_mg = Decimal("9999")
        for action in (entry.save, entry.delete):
            with self.assertRaises(AppendOnlyError):
                action()
        assert self.vial.entries.get().balance_mg == 500

    def test_no_queryset_update_or_delete_on_any_register_table(self):
        for model in (StockReceipt, Container, RegisterEntry, InventoryCount, CountLine):
            with self.assertRaises(AppendOnlyError):
                model.objects.update(pk=0)
            with self.assertRaises(AppendOnlyError):
                model.objects.all().delete()
        assert RegisterEntry.objects.count() == 2

    def test_a_receipt_cannot_be_edited(self):
        self.receipt.lot = "CHANGED"
        with self.assertRaises(AppendOnlyError):
            self.receipt.save()
        assert StockReceipt.objects.get().lot == "KET-24117"

    def raw(self, sql: str) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)

    def test_the_database_refuses_an_update_from_any_client(self):
        for table in ("care_registerentry", "care_stockreceipt", "care_container"):
            with self.assertRaisesRegex(DatabaseError, "append-only"):
                self.raw(f"UPDATE {table} SET id = id")  # noqa: S608
        assert self.vial.entries.get().balance_mg == 500

    def test_postgresql_refuses_a_delete_from_any_client(self):
        if connection.vendor != "postgresql":
            self.skipTest("SQLite keeps DELETE for the test runner's flush (decision 021)")
        with self.assertRaisesRegex(DatabaseError, "append-only"):
            self.raw("DELETE FROM care_registerentry")
        assert self.vial.entries.exists()

    def test_a_correction_is_a_new_entry_and_the_old_one_stays(self):
        entry = self.draw(drawn="36.25", given="36.25")
        reversal = reverse_entry(entry=entry, reason="  Drawn from the wrong vial ", by=self.nurse)
        assert (reversal.kind, reversal.change_mg, reversal.balance_mg) == ("reversal", 36.25, 500)
        assert reversal.reason == "Drawn from the wrong vial"
        assert list(self.vial.entries.values_list("sequence", "kind")) == [
            (1, "received"),
            (2, "dose"),
            (3, "reversal"),
        ]
        with self.assertRaises(ValidationError) as refused:
            reverse_entry(entry=entry, reason="again", by=self.nurse)
        assert code_of(refused) == "already_reversed"

    def test_a_correction_needs_a_reason(self):
        with self.assertRaises(ValidationError) as refused:
            reverse_entry(entry=self.vial.entries.get(), reason="  ", by=self.nurse)
        assert code_of(refused, "reason") == "reason_needed"


class CountTests(RegisterCase):
    def count(self, short_mg="0", reason=""):
        containers = Container.objects.at(self.receipt.location).in_stock()
        counted = {c.pk: (c.balance_mg, "") for c in containers}
        counted[self.vial.pk] = (Decimal("500") - Decimal(short_mg), reason)
        return record_count(location=self.receipt.location, by=self.nurse, counted=counted)

    def test_a_count_matching_the_register_has_no_open_discrepancy(self):
        count = self.count()
        assert [line.expected_mg for line in count.lines.all()] == [500, 500]
        assert not CountLine.objects.with_open_discrepancy().exists()
        assert not InventoryCount.objects.with_open_discrepancy().exists()

    def test_a_difference_is_an_open_discrepancy_with_who_counted_and_why(self):
        count = self.count(short_mg="5", reason="Residue in the syringe hub")
        line = CountLine.objects.with_open_discrepancy().get()
        assert (line.difference_mg, line.reason) == (Decimal("-5"), "Residue in the syringe hub")
        assert line.count.counted_by == self.nurse
        assert list(InventoryCount.objects.with_open_discrepancy()) == [count]

    def test_every_vial_in_stock_must_be_counted(self):
        with self.assertRaises(ValidationError) as refused:
            record_count(location=self.receipt.location, by=self.nurse, counted={})
        assert code_of(refused) == "count_incomplete"
        assert not InventoryCount.objects.exists()

    def test_the_counter_cannot_review_their_own_discrepancy(self):
        self.count(short_mg="5", reason="Residue")
        line = CountLine.objects.with_open_discrepancy().get()
        with self.assertRaises(ValidationError) as refused:
            review_discrepancy(line=line, by=self.nurse, reason="", adjust=True)
        assert code_of(refused) == "reviewer_same_person"

    def test_a_review_closes_it_and_adjusts_the_register_to_the_count(self):
        self.count(short_mg="5")
        line = CountLine.objects.with_open_discrepancy().get()
        with self.assertRaises(ValidationError) as refused:
            review_discrepancy(line=line, by=self.witness, reason="", adjust=True)
        assert code_of(refused, "reason") == "no_reason"
        review = review_discrepancy(line=line, by=self.witness, reason="Hub residue", adjust=True)
        assert review.adjusted and line.adjustment.change_mg == Decimal("-5")
        assert self.vial.current_balance() == Decimal("495")
        assert not CountLine.objects.with_open_discrepancy().exists()
        with self.assertRaises(ValidationError) as refused:
            review_discrepancy(line=line, by=self.witness, reason="again", adjust=True)
        assert code_of(refused) == "not_open"


class RegisterAuditTests(RegisterCase):
    def test_each_workflow_writes_its_audit_event_with_its_rows(self):
        receipt = receive(chart_location(self.chart), by=self.nurse, quantity=1, lot="KET-1")
        entry = self.draw(drawn="36.25", given="36.25")
        reversal = reverse_entry(entry=entry, reason="Wrong vial", by=self.nurse)
        events = AuditEvent.objects.filter(actor=self.nurse, action=AuditEvent.Action.CREATE)
        assert {(e.target_type, e.target_id, e.detail) for e in events} >= {
            ("care.stockreceipt", str(receipt.pk), "stock received: 1 × Ketamine 50 mg/mL, 10 mL"),
            ("care.registerentry", str(entry.pk), f"dose drawn for chart {self.chart.pk}"),
            (
                "care.registerentry",
                str(reversal.pk),
                f"correction reversing register entry {entry.pk}",
            ),
        }

    def test_a_failure_after_the_audit_event_rolls_it_back_with_the_receipt(self):
        before = (AuditEvent.objects.count(), StockReceipt.objects.count())
        with (
            mock.patch.object(services, "append", side_effect=DatabaseError("disk full")),
            self.assertRaises(DatabaseError),
        ):
            receive(chart_location(self.chart), by=self.nurse, quantity=1, lot="KET-2")
        assert (AuditEvent.objects.count(), StockReceipt.objects.count()) == before
