"""Register stock and doses for care tests, made through the register's own services."""

import datetime
from decimal import Decimal

from django.utils import timezone

from klearmind.booking.models import Location
from klearmind.booking.tests.factories import make_location
from klearmind.care.models import Product, StockReceipt
from klearmind.care.register.services import receive_stock, record_dose

STORE_SLUG = "register-store"


def chart_location(chart) -> Location:
    """Where the chart's dose comes from: its visit's location, or else a store of the tests."""
    if chart.appointment_id:
        return chart.appointment.location
    return Location.objects.filter(page__slug=STORE_SLUG).first() or make_location(STORE_SLUG)


def receive(location, *, by, spravato=False, quantity=2, lot="KET-24117", **fields) -> StockReceipt:
    """Ketamine 50 mg/mL, 10 mL vials (500 mg each), or Spravato 28 mg devices."""
    values = {
        "location": location,
        "product": Product.SPRAVATO_DEVICE if spravato else Product.KETAMINE_VIAL,
        "supplier": "Henry Schein",
        "lot": lot,
        "expires_on": timezone.localdate() + datetime.timedelta(days=400),
        "quantity": quantity,
        "by": by,
        **({} if spravato else {"mg_per_ml": Decimal("50"), "ml_per_unit": Decimal("10")}),
        **fields,
    }
    return receive_stock(**values)


def draw_dose(chart, *, by, witness=None, wasted_mg=Decimal("0")):
    """Draw the chart's whole dose: from one vial, or from as many Spravato devices as it takes."""
    chart.refresh_from_db()
    receipt = receive(chart_location(chart), by=by, spravato=chart.is_spravato, quantity=3)
    containers = list(receipt.containers.all())
    if chart.is_spravato:
        devices = int(chart.dose_mg // receipt.mg_per_unit)
        return [
            record_dose(
                chart=chart,
                container=device,
                drawn_mg=receipt.mg_per_unit,
                given_mg=receipt.mg_per_unit,
                wasted_mg=Decimal("0"),
                by=by,
            )
            for device in containers[:devices]
        ]
    return [
        record_dose(
            chart=chart,
            container=containers[0],
            drawn_mg=chart.dose_mg + wasted_mg,
            given_mg=chart.dose_mg,
            wasted_mg=wasted_mg,
            by=by,
            witness=witness,
        )
    ]
