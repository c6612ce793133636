"""What receipts and superbills print about the clinic, its payment policy, and the billing
codes per service, condition and provider."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from klearmind.booking.models import Provider, Service

from ..npi import valid_npi


class DepositTiming(models.TextChoices):
    AT_BOOKING = "at_booking", "When the patient books"
    ON_CONFIRMATION = "on_confirmation", "When the clinic confirms the visit"


@register_setting(icon="form")
class BillingSettings(BaseGenericSetting):
    """What receipts and superbills print about the clinic, and its payment policy."""

    legal_name = models.CharField(
        max_length=200, blank=True, help_text="The clinic's legal name on receipts and superbills."
    )
    tax_id = models.CharField(
        "tax ID (EIN)", max_length=20, blank=True, help_text="For example 12-3456789."
    )
    group_npi = models.CharField(
        "group NPI",
        max_length=10,
        blank=True,
        validators=[valid_npi],
        help_text="The clinic's type 2 NPI, if it has one.",
    )
    billing_address = models.TextField(blank=True)
    late_cancel_fee = models.DecimalField(
        max_digits=7,
        decimal_places=2,
        default=0,
        help_text="Charged to the card on file for a cancellation inside the notice period.",
    )
    no_show_fee = models.DecimalField(
        max_digits=7,
        decimal_places=2,
        default=0,
        help_text="Charged to the card on file when a patient does not come.",
    )
    deposit_timing = models.CharField(
        "deposits are charged",
        max_length=20,
        choices=DepositTiming.choices,
        default=DepositTiming.AT_BOOKING,
        help_text="When a patient books online: the deposit is charged to their card then, or "
        "their card is saved and the deposit charged when the clinic confirms the visit.",
    )

    panels = [
        FieldPanel("legal_name"),
        FieldPanel("tax_id"),
        FieldPanel("group_npi"),
        FieldPanel("billing_address"),
        FieldPanel("late_cancel_fee"),
        FieldPanel("no_show_fee"),
        FieldPanel("deposit_timing"),
    ]

    class Meta:
        verbose_name = "billing"


class ServiceCodes(models.Model):
    """The CPT and HCPCS codes a service is billed under on a superbill, for example 90791
    for a psychiatric evaluation, 96365 and 96366 for an infusion's first and added hours,
    G2082 and G2083 for esketamine visits."""

    service = models.OneToOneField(Service, on_delete=models.CASCADE, related_name="billing_codes")
    codes = models.CharField(
        max_length=200, help_text="CPT or HCPCS codes, separated by commas: 96365, 96366."
    )

    class Meta:
        verbose_name_plural = "service codes"

    def __str__(self):
        return f"{self.service}: {self.codes}"

    def code_list(self) -> list[str]:
        return [code.strip() for code in self.codes.split(",") if code.strip()]


class DiagnosisCode(models.Model):
    """An ICD-10-CM code a clinician may put on a superbill, for example F33.2."""

    code = models.CharField("ICD-10-CM code", max_length=8, unique=True)
    description = models.CharField(max_length=200)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.description}"


class ProviderBilling(models.Model):
    """A provider's individual NPI, printed on the superbills of the visits they gave."""

    provider = models.OneToOneField(Provider, on_delete=models.CASCADE, related_name="billing")
    npi = models.CharField("NPI", max_length=10, validators=[valid_npi])

    def __str__(self):
        return f"{self.provider}: {self.npi}"


# Packages and memberships: visits paid ahead, and a monthly plan for IV hydration. Both are
# sold through the ledger above; what a payer has left is kept in rows of their own.
