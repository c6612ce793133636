"""Inventory counts of the controlled-substance register (21 CFR 1304.11): each vial or device
counted against the balance the register expects, and each discrepancy reviewed by someone
other than the person who counted. Append-only, like the register itself."""

from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from klearmind.booking.models import Location

from .entries import AppendOnlyModel, AppendOnlyQuerySet, Container, staff_link

# The DEA asks for a full inventory at least every two years (21 CFR 1304.11(c)).
INVENTORY_EVERY_DAYS = 730


class CountLineQuerySet(AppendOnlyQuerySet):
    def with_discrepancy(self):
        return self.exclude(counted_mg=F("expected_mg"))

    def with_open_discrepancy(self):
        """Lines whose counted amount differs from the register and that nobody has reviewed
        yet: the register's entries on the clinic's "needs attention" list."""
        return self.with_discrepancy().filter(review__isnull=True)


class InventoryCountQuerySet(AppendOnlyQuerySet):
    def with_open_discrepancy(self):
        """Counts with at least one line still to review."""
        open_lines = CountLine.objects.with_open_discrepancy().filter(count=OuterRef("pk"))
        return self.filter(Exists(open_lines))

    def at(self, location):
        return self.filter(location=location)


class InventoryCount(AppendOnlyModel):
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    counted_at = models.DateTimeField(default=timezone.now)
    counted_by = staff_link()
    notes = models.CharField(max_length=500, blank=True)

    objects = InventoryCountQuerySet.as_manager()

    class Meta(AppendOnlyModel.Meta):
        ordering = ["-counted_at", "-pk"]

    def __str__(self):
        return f"Inventory count {self.pk}"


class CountLine(AppendOnlyModel):
    """One vial or device as counted, beside the balance the register held at that moment."""

    count = models.ForeignKey(InventoryCount, on_delete=models.PROTECT, related_name="lines")
    container = models.ForeignKey(Container, on_delete=models.PROTECT, related_name="+")
    expected_mg = models.DecimalField(max_digits=8, decimal_places=2)
    counted_mg = models.DecimalField(max_digits=8, decimal_places=2)
    reason = models.CharField("reason for the difference", max_length=500, blank=True)

    objects = CountLineQuerySet.as_manager()

    class Meta(AppendOnlyModel.Meta):
        ordering = ["count_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["count", "container"], name="count_line_once"),
            models.CheckConstraint(
                condition=Q(expected_mg__gte=0, counted_mg__gte=0), name="count_line_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.container} in count {self.count_id}"

    @property
    def difference_mg(self):
        return self.counted_mg - self.expected_mg

    @property
    def is_discrepancy(self) -> bool:
        return self.counted_mg != self.expected_mg

    @property
    def is_open(self) -> bool:
        return self.is_discrepancy and not hasattr(self, "review")


class DiscrepancyReview(AppendOnlyModel):
    """A discrepancy explained and closed by a second person; with `adjusted`, the register
    took the counted amount as true through an adjustment entry."""

    line = models.OneToOneField(CountLine, on_delete=models.PROTECT, related_name="review")
    reason = models.CharField(max_length=500)
    adjusted = models.BooleanField("register adjusted to the count", default=False)
    reported_to_dea = models.BooleanField("reported to the DEA as a loss (Form 106)", default=False)
    reviewed_at = models.DateTimeField(default=timezone.now)
    reviewed_by = staff_link()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta(AppendOnlyModel.Meta):
        ordering = ["-reviewed_at", "-pk"]

    def __str__(self):
        return f"Review of {self.line}"
