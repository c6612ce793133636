"""The demo clinic's register: stock at both clinics, every signed chart drawn against a vial
or device with its waste witnessed, and one count with a discrepancy awaiting review."""

from django.test import TestCase

from klearmind.care.demo import load_care_demo
from klearmind.care.models import (
    Container,
    CountLine,
    InfusionChart,
    InventoryCount,
    RegisterEntry,
    StockReceipt,
    register_entry_missing,
)
from klearmind.pages.tests.test_pages import load_demo


class RegisterDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()  # the whole demo clinic, as `manage.py load_demo` builds it

    def test_both_clinics_hold_stock(self):
        places = set(StockReceipt.objects.values_list("location__page__slug", flat=True))
        assert places == {"sacramento", "roseville"}
        assert Container.objects.in_stock().for_product("spravato_device").exists()

    def test_every_signed_chart_has_its_dose_in_the_register_with_witnessed_waste(self):
        charts = list(InfusionChart.objects.signed())
        assert len(charts) == 4
        assert all(register_entry_missing(chart) == "" for chart in charts)
        ketamine = RegisterEntry.objects.filter(chart__medicine="ketamine_iv")
        assert ketamine.count() == 3
        for entry in ketamine:
            assert entry.wasted_mg > 0
            assert entry.witness.username == "olivia.marsh"
            assert entry.recorded_by.username == "daniel.okafor"

    def test_one_count_has_an_explained_discrepancy_awaiting_review(self):
        line = CountLine.objects.with_open_discrepancy().get()
        assert line.reason.startswith("About 0.1 mL short")
        assert line.difference_mg == -5
        assert InventoryCount.objects.with_open_discrepancy().count() == 1

    def test_loading_again_adds_nothing_to_the_register(self):
        counts = (StockReceipt.objects.count(), RegisterEntry.objects.count())
        load_care_demo()
        assert (StockReceipt.objects.count(), RegisterEntry.objects.count()) == counts
        assert InventoryCount.objects.count() == 1
