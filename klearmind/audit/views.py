"""The audit log report in the back office: read-only, filtered, exported (and exports audited)."""

import django_filters
from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies import ModelPermissionPolicy

from klearmind.clinic.exports import text_cell

from . import services
from .models import AuditEvent


def people_in_the_log(request):
    User = get_user_model()
    return User.objects.filter(pk__in=AuditEvent.objects.values("actor")).order_by(
        User.USERNAME_FIELD
    )


class AuditEventFilterSet(WagtailFilterSet):
    actor = django_filters.ModelChoiceFilter(label="Person", queryset=people_in_the_log)
    actor_label = django_filters.CharFilter(
        label="Username as recorded", lookup_expr="iexact", help_text="Also finds deleted accounts"
    )
    action = django_filters.ChoiceFilter(choices=AuditEvent.Action.choices)
    target_type = django_filters.CharFilter(label="Record type", help_text="e.g. care.patient")
    target_id = django_filters.CharFilter(label="Record id")
    occurred_at = django_filters.DateFromToRangeFilter(label="Date", widget=DateRangePickerWidget)

    class Meta:
        model = AuditEvent
        fields = ["actor", "actor_label", "action", "target_type", "target_id", "occurred_at"]


class AuditLogReportView(ReportView):
    page_title = "Audit log"
    header_icon = "list-ul"
    results_template_name = "audit/auditevent_report_results.html"
    index_url_name = "audit:report"
    index_results_url_name = "audit:report_results"
    filterset_class = AuditEventFilterSet
    model = AuditEvent
    permission_policy = ModelPermissionPolicy(AuditEvent)
    permission_required = "view"
    list_export = [
        "occurred_at",
        "actor_label",
        "actor_id",
        "ip_address",
        "get_action_display",
        "target_type",
        "target_id",
        "detail",
    ]
    export_headings = {
        "occurred_at": "Date/time (UTC)",
        "actor_label": "Person",
        "actor_id": "Person id",
        "ip_address": "IP address",
        "get_action_display": "Action",
        "target_type": "Record type",
        "target_id": "Record id",
        "detail": "Detail",
    }
    # Failed-login usernames are typed by strangers: text cells are exported defused.
    custom_value_preprocess = {
        **ReportView.custom_value_preprocess,
        str: {ReportView.FORMAT_CSV: text_cell, ReportView.FORMAT_XLSX: text_cell},
    }

    def get_queryset(self):
        return AuditEvent.objects.order_by("-occurred_at", "-pk")

    def get_filename(self):
        return f"audit-log-{timezone.now():%Y-%m-%d}"

    def render_to_response(self, context, **response_kwargs):
        if self.is_export:
            services.record(
                action=AuditEvent.Action.EXPORT,
                request=self.request,
                target_type=AuditEvent._meta.label_lower,
                detail=self.export_detail(),
            )
        return super().render_to_response(context, **response_kwargs)

    def export_detail(self) -> str:
        """The format and the filters in force, as the person chose them."""
        query = self.request.GET
        used = ", ".join(
            f"{name}={value}"
            for name in sorted(query)
            if name not in {"export", "p"}
            for value in query.getlist(name)
            if value
        )
        if used and not self.filters.is_valid():
            # Wagtail lists everything when the filters do not validate; say so.
            used = f"none (invalid, so ignored: {used})"
        return f"{query['export']} export of the audit log; filters: {used or 'none'}"
