"""The demo clinic's controlled-substance register: ketamine vials at both locations and Spravato
devices in Sacramento; each signed demo chart drawn against a vial, the leftover drawn-up
ketamine wasted in front of the owner as witness; and one inventory count in Sacramento with a
discrepancy the counting clinician explained and the owner has still to review (so it stands on
the "needs attention" list). Safe to run again: what exists is left alone."""

import datetime
from decimal import Decimal

from django.utils import timezone

from klearmind.accounts import roles
from klearmind.accounts.demo import DEMO_USERNAMES, demo_user
from klearmind.booking.models import Location

from ..models import Container, InventoryCount, Product, StockReceipt, register_entry_missing
from ..register.forms import eligible_witnesses
from ..register.services import receive_stock, record_count, record_dose

KETAMINE = {
    "product": Product.KETAMINE_VIAL,
    "mg_per_ml": Decimal("50"),
    "ml_per_unit": Decimal("10"),
}
# (location slug, product values, supplier, lot, vials or devices)
STOCK = (
    ("sacramento", KETAMINE, "Henry Schein Medical", "KX24-0713", 5),
    ("sacramento", {"product": Product.SPRAVATO_DEVICE}, "Cardinal Health", "SPV-3388A", 6),
    ("roseville", KETAMINE, "Henry Schein Medical", "KX24-0809", 4),
)
# Drawn up in whole 0.2 mL steps at 50 mg/mL (10 mg); what is left in the syringe is wasted.
DRAW_STEP_MG = Decimal("10")
COUNT_SHORT_MG = Decimal("5")  # 0.1 mL
COUNT_REASON = (
    "About 0.1 mL short in the open vial: likely left in the syringe hub over three draws. "
    "Nothing found missing."
)


def location(slug: str) -> Location | None:
    return Location.objects.filter(page__slug=slug).select_related("page").first()


def ensure_stock(by) -> list[str]:
    """Stock at both locations, received a month ago (only where none was ever received)."""
    made = []
    received_on = timezone.localdate() - datetime.timedelta(days=30)
    for slug, product, supplier, lot, quantity in STOCK:
        place = location(slug)
        if place is None or by is None or StockReceipt.objects.filter(lot=lot).exists():
            continue
        receive_stock(
            location=place,
            supplier=supplier,
            lot=lot,
            expires_on=received_on + datetime.timedelta(days=540),
            quantity=quantity,
            received_on=received_on,
            invoice_number=f"INV-{lot}",
            at=datetime.datetime.combine(
                received_on, datetime.time(11), tzinfo=timezone.get_current_timezone()
            ),
            by=by,
            **product,
        )
        made.append(f"{quantity} × {lot} at {place}")
    return made


def witness_for(by):
    """The owner if there is one, else another clinician: never the person drawing."""
    people = eligible_witnesses().exclude(pk=by.pk)
    return people.filter(username=DEMO_USERNAMES[roles.OWNER.name]).first() or people.first()


def draw_demo_dose(chart, by) -> None:
    """Record a demo chart's dose in the register, as drawn up just before it started."""
    if not register_entry_missing(chart):
        return
    ensure_stock(by)
    place = chart.appointment.location if chart.appointment_id else location("sacramento")
    stock = Container.objects.at(place).for_product(Product.for_medicine(chart.medicine))
    if chart.is_spravato:
        for device in list(stock.in_stock())[: int(chart.dose_mg // 28)]:
            record_dose(
                chart=chart,
                container=device,
                drawn_mg=device.balance_mg,
                given_mg=device.balance_mg,
                wasted_mg=Decimal("0"),
                by=by,
                at=chart.started_at,
            )
        return
    draw_ketamine(chart, stock, by)


def draw_ketamine(chart, stock, by) -> None:
    witness = witness_for(by)
    drawn = (chart.dose_mg / DRAW_STEP_MG).to_integral_value(
        rounding="ROUND_CEILING"
    ) * DRAW_STEP_MG
    if witness is None:
        drawn = chart.dose_mg  # no second person to witness waste: draw the exact dose
    vial = stock.in_stock().filter(balance_mg__gte=drawn).order_by("receipt_id", "number").first()
    record_dose(
        chart=chart,
        container=vial,
        drawn_mg=drawn,
        given_mg=chart.dose_mg,
        wasted_mg=drawn - chart.dose_mg,
        by=by,
        witness=witness,
        at=chart.started_at,
    )


def load_register_demo(clinician) -> list[str]:
    """Stock at both locations and one inventory count with a discrepancy awaiting review."""
    if clinician is None:
        clinician = demo_user(roles.CLINICIAN)
    made = ensure_stock(clinician)
    place = location("sacramento")
    if place is None or clinician is None or InventoryCount.objects.at(place).exists():
        return made
    counted = {}
    stock = list(Container.objects.at(place).in_stock())
    opened = next(
        (c for c in stock if c.receipt.is_vial and c.balance_mg < c.receipt.mg_per_unit), None
    )
    for container in stock:
        if container == opened:
            counted[container.pk] = (container.balance_mg - COUNT_SHORT_MG, COUNT_REASON)
        else:
            counted[container.pk] = (container.balance_mg, "")
    record_count(location=place, by=clinician, counted=counted, notes="Monthly count.")
    made.append(f"an inventory count at {place} with a discrepancy awaiting review")
    return made
