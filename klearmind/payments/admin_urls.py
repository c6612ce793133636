"""The back office's payment screens (namespace payments_admin). An account is opened from one
of the payer's visits or, for a payer without one, from one of their ledger entries."""

from django.urls import path, register_converter

from . import admin_views, plan_views


class OpenedFrom:
    """What an account's address is keyed by: a visit or a ledger entry."""

    regex = "visit|entry"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(OpenedFrom, "opened_from")

app_name = "payments_admin"

urlpatterns = [
    path("", admin_views.find, name="find"),
    path("reports/", admin_views.report, name="report"),
    path("reports/csv/", admin_views.report_csv, name="report_csv"),
    path("visit/<int:pk>/charge/", admin_views.charge, name="charge"),
    path("visit/<int:pk>/deposit/", plan_views.charge_deposit, name="charge_deposit"),
    path("<opened_from:by>/<int:pk>/", admin_views.account, name="account"),
    path("<opened_from:by>/<int:pk>/payment/", admin_views.payment, name="payment"),
    path("<opened_from:by>/<int:pk>/adjustment/", admin_views.adjustment, name="adjustment"),
    path("<opened_from:by>/<int:pk>/package/", plan_views.sell_package, name="sell_package"),
    path(
        "<opened_from:by>/<int:pk>/package/<int:package>/cancel/",
        plan_views.cancel_package,
        name="cancel_package",
    ),
    path(
        "<opened_from:by>/<int:pk>/membership/<int:membership>/cancel/",
        plan_views.cancel_membership,
        name="cancel_membership",
    ),
    path("<opened_from:by>/<int:pk>/membership/", plan_views.join_membership, name="membership"),
    path("<opened_from:by>/<int:pk>/receipt/", admin_views.receipt, name="receipt"),
    path("<opened_from:by>/<int:pk>/superbill/", admin_views.superbill, name="superbill"),
]
