from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import admin_urls
from .models import DiagnosisCode, ProviderBilling, ServiceCodes

LEDGER = "payments.view_ledger"


class PaymentsMenuItem(MenuItem):
    # The front desk, clinicians and the owner: a permission check, no query.
    def is_shown(self, request):
        return request.user.has_perm(LEDGER)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("payments/", include(admin_urls, namespace="payments_admin"))]


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return PaymentsMenuItem(
        "Payments",
        reverse("payments_admin:find"),
        name="payments",
        icon_name="form",
        order=250,
    )


class ServiceCodesViewSet(SnippetViewSet):
    model = ServiceCodes
    icon = "list-ul"
    menu_label = "Service codes (CPT/HCPCS)"
    list_display = ["service", "codes"]


class DiagnosisCodeViewSet(SnippetViewSet):
    model = DiagnosisCode
    icon = "list-ol"
    menu_label = "Diagnosis codes (ICD-10-CM)"
    list_display = ["code", "description"]


class ProviderBillingViewSet(SnippetViewSet):
    model = ProviderBilling
    icon = "user"
    menu_label = "Providers' NPIs"
    list_display = ["provider", "npi"]


class BillingCodesGroup(SnippetViewSetGroup):
    """What superbills print: the codes of each service, the diagnoses a clinician may choose
    and each provider's NPI (the clinic's own are in Settings, Billing)."""

    menu_label = "Billing codes"
    menu_icon = "list-ul"
    menu_order = 251
    items = (ServiceCodesViewSet, DiagnosisCodeViewSet, ProviderBillingViewSet)


register_snippet(BillingCodesGroup)
