"""The controlled-substance register (21 CFR 1304): ketamine vials and Spravato devices received
at each location, and every amount taken from each of them, with its running balance.

Append-only like the audit log: a row is inserted once and never changed or deleted, here in the
model layer and, by migration, in the database. A mistake is put right by a new entry (a
reversal), never by editing the old one. See docs/decisions/021.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from klearmind.audit import models as audit
from klearmind.booking.models import Location

from ...charts.models.charts import InfusionChart
from ...plans.models import Medicine

ZERO = Decimal("0")
CENT = Decimal("0.01")
# A Spravato nasal spray device holds 28 mg of esketamine (two sprays); it is used whole.
SPRAVATO_DEVICE_MG = Decimal("28")
# Ketamine hydrochloride injection is sold at 10, 50 and 100 mg/mL (Ketalar label).
KETAMINE_STRENGTHS_MG_PER_ML = (Decimal("10"), Decimal("50"), Decimal("100"))


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or remove a register row."""


REFUSAL = "The controlled-substance register is append-only: record a correction instead."


class AppendOnlyQuerySet(audit.AppendOnlyQuerySet):
    error = AppendOnlyError
    refusal = REFUSAL


class AppendOnlyModel(audit.AppendOnlyModel):
    """A register row: inserted once, never changed, never deleted."""

    error = AppendOnlyError
    refusal = REFUSAL

    class Meta:
        abstract = True
        base_manager_name = "objects"
        default_permissions = ()


def staff_link(related_name: str = "+", *, null: bool = False):
    # PROTECT: whoever appears in the register stays a findable account (deactivate, never
    # delete); DEA records name the person for at least two years (21 CFR 1304.04).
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name=related_name,
        null=null,
        blank=null,
    )


class Product(models.TextChoices):
    KETAMINE_VIAL = "ketamine_vial", "Ketamine vial"
    SPRAVATO_DEVICE = "spravato_device", "Spravato 28 mg nasal spray device"

    @classmethod
    def for_medicine(cls, medicine: str) -> "Product":
        return cls.SPRAVATO_DEVICE if medicine == Medicine.SPRAVATO else cls.KETAMINE_VIAL


class StockReceipt(AppendOnlyModel):
    """One delivery line: so many vials or devices of one lot, received at one location."""

    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    product = models.CharField(max_length=20, choices=Product.choices)
    supplier = models.CharField(max_length=120)
    invoice_number = models.CharField("invoice or packing slip number", max_length=60, blank=True)
    lot = models.CharField("lot number", max_length=40)
    expires_on = models.DateField("expiry date")
    mg_per_ml = models.DecimalField(
        "strength (mg/mL)", max_digits=6, decimal_places=2, null=True, blank=True
    )
    ml_per_unit = models.DecimalField(
        "volume per vial (mL)", max_digits=6, decimal_places=2, null=True, blank=True
    )
    mg_per_unit = models.DecimalField("mg per vial or device", max_digits=8, decimal_places=2)
    quantity = models.PositiveSmallIntegerField("vials or devices")
    received_on = models.DateField(default=timezone.localdate)
    recorded_at = models.DateTimeField(default=timezone.now)
    received_by = staff_link()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta(AppendOnlyModel.Meta):
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="receipt_quantity_positive"),
            models.CheckConstraint(condition=Q(mg_per_unit__gt=0), name="receipt_mg_positive"),
            models.CheckConstraint(
                condition=Q(product=Product.SPRAVATO_DEVICE, mg_per_unit=SPRAVATO_DEVICE_MG)
                | Q(
                    product=Product.KETAMINE_VIAL,
                    mg_per_ml__gt=0,
                    ml_per_unit__gt=0,
                    mg_per_unit=F("mg_per_ml") * F("ml_per_unit"),
                ),
                name="receipt_strength_fits_product",
            ),
        ]

    def __str__(self):
        return f"{self.get_product_display()}, lot {self.lot}"

    @property
    def strength(self) -> str:
        if self.product == Product.SPRAVATO_DEVICE:
            return f"{self.mg_per_unit.normalize():f} mg per device"
        return (
            f"{self.mg_per_ml.normalize():f} mg/mL, {self.ml_per_unit.normalize():f} mL "
            f"({self.mg_per_unit.normalize():f} mg) per vial"
        )

    @property
    def product_label(self) -> str:
        """The product with its strength: the register's unit of "per product"."""
        if self.product == Product.SPRAVATO_DEVICE:
            return self.get_product_display()
        return f"Ketamine {self.mg_per_ml.normalize():f} mg/mL, {self.ml_per_unit.normalize():f} mL"

    @property
    def is_vial(self) -> bool:
        return self.product == Product.KETAMINE_VIAL


class ContainerQuerySet(AppendOnlyQuerySet):
    def with_balance(self):
        """Each vial or device with `balance_mg`, the balance after its latest entry."""
        latest = RegisterEntry.objects.filter(container=OuterRef("pk")).order_by("-sequence")
        return self.select_related("receipt__location__page").annotate(
            balance_mg=Coalesce(
                Subquery(latest.values("balance_mg")[:1]),
                ZERO,
                output_field=models.DecimalField(max_digits=8, decimal_places=2),
            )
        )

    def at(self, location):
        return self.filter(receipt__location=location)

    def in_stock(self):
        return self.with_balance().filter(balance_mg__gt=0)

    def for_product(self, product: str):
        return self.filter(receipt__product=product)


class Container(AppendOnlyModel):
    """One vial or one device, numbered within its delivery line."""

    receipt = models.ForeignKey(StockReceipt, on_delete=models.PROTECT, related_name="containers")
    number = models.PositiveSmallIntegerField()

    objects = ContainerQuerySet.as_manager()

    class Meta(AppendOnlyModel.Meta):
        ordering = ["receipt__expires_on", "receipt_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["receipt", "number"], name="container_number_unique")
        ]

    def __str__(self):
        kind = "Vial" if self.receipt.is_vial else "Device"
        return f"{kind} {self.label}"

    @property
    def label(self) -> str:
        return f"R{self.receipt_id}-{self.number}"

    def current_balance(self) -> Decimal:
        last = self.entries.order_by("-sequence").first()
        return last.balance_mg if last else ZERO

    @property
    def balance_ml(self) -> Decimal | None:
        """A vial's balance in mL (from the annotated balance when there is one)."""
        balance = getattr(self, "balance_mg", None)
        return self.in_ml(self.current_balance() if balance is None else balance)

    def in_ml(self, mg: Decimal) -> Decimal | None:
        if not self.receipt.is_vial:
            return None
        return (mg / self.receipt.mg_per_ml).quantize(CENT)


class EntryKind(models.TextChoices):
    RECEIVED = "received", "Received"
    DOSE = "dose", "Dose drawn"
    REVERSAL = "reversal", "Correction (reverses an entry)"
    ADJUSTMENT = "adjustment", "Adjustment after a count"


class RegisterEntryQuerySet(AppendOnlyQuerySet):
    def for_chart(self, chart):
        return self.filter(chart=chart, kind=EntryKind.DOSE)

    def standing(self):
        """Entries not reversed by a later correction."""
        return self.filter(reversal__isnull=True)

    def given_mg(self) -> Decimal:
        total = self.aggregate(total=Coalesce(Sum("given_mg"), ZERO))["total"]
        return Decimal(total).quantize(CENT)

    def for_page(self):
        return self.select_related(
            "container__receipt__location__page", "chart__patient", "recorded_by", "witness"
        )


class RegisterEntry(AppendOnlyModel):
    """One line of a vial's or device's register: what came in or went out, and the balance
    after it. Amounts are in mg; a vial's mL follow from its strength."""

    container = models.ForeignKey(Container, on_delete=models.PROTECT, related_name="entries")
    sequence = models.PositiveIntegerField(editable=False)
    kind = models.CharField(max_length=12, choices=EntryKind.choices)
    chart = models.ForeignKey(
        InfusionChart,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="register_entries",
    )
    drawn_mg = models.DecimalField(max_digits=8, decimal_places=2, default=ZERO)
    given_mg = models.DecimalField(max_digits=8, decimal_places=2, default=ZERO)
    wasted_mg = models.DecimalField(max_digits=8, decimal_places=2, default=ZERO)
    change_mg = models.DecimalField("change (mg)", max_digits=8, decimal_places=2)
    balance_mg = models.DecimalField("balance (mg)", max_digits=8, decimal_places=2)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = staff_link()
    witness = staff_link(null=True)
    reason = models.CharField(max_length=500, blank=True)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversal"
    )
    count_line = models.OneToOneField(
        "care.CountLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adjustment",
    )

    objects = RegisterEntryQuerySet.as_manager()

    class Meta(AppendOnlyModel.Meta):
        ordering = ["container_id", "sequence"]
        verbose_name_plural = "register entries"
        # The register's CSV over a period, in the order entries were recorded.
        indexes = [models.Index(fields=["recorded_at", "id"], name="care_register_recorded_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["container", "sequence"], name="register_entry_sequence_unique"
            ),
            models.CheckConstraint(
                condition=Q(balance_mg__gte=0), name="register_balance_never_negative"
            ),
            models.CheckConstraint(
                condition=Q(drawn_mg__gte=0, given_mg__gte=0, wasted_mg__gte=0)
                & Q(drawn_mg=F("given_mg") + F("wasted_mg")),
                name="register_drawn_is_given_plus_wasted",
            ),
            models.CheckConstraint(
                condition=Q(wasted_mg=0) | Q(witness__isnull=False),
                name="register_waste_witnessed",
            ),
            models.CheckConstraint(
                condition=Q(witness__isnull=True) | ~Q(witness=F("recorded_by")),
                name="register_witness_is_someone_else",
            ),
            models.CheckConstraint(
                condition=~Q(kind=EntryKind.DOSE) | Q(chart__isnull=False, change_mg__lt=0),
                name="register_dose_has_a_chart",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.container.label} #{self.sequence}"

    @property
    def is_reversed(self) -> bool:
        return hasattr(self, "reversal")


def register_entry_missing(chart) -> str:
    """What the register still lacks before `chart` may be signed, in words; "" when the
    doses drawn against its vials or devices give exactly the chart's dose."""
    if chart.dose_mg is None:
        return ""  # the chart itself asks for a confirmed dose first
    given = RegisterEntry.objects.for_chart(chart).standing().given_mg()
    if not given:
        return "record the dose drawn in the controlled-substance register"
    if given != chart.dose_mg:
        return (
            f"the register gives {given} mg against this chart's dose of {chart.dose_mg} mg; "
            "record the rest or correct the entry"
        )
    return ""
