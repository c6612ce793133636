"""The audit log report in the back office: read-only, filtered, exported (and exports audited)."""

import datetime

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils import timezone
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies import ModelPermissionPolicy

from klearmind.clinic.exports import csv_stream, text_cell

from . import services
from .models import AuditEvent

# An export without dates covers this many days up to today.
EXPORT_DAYS = 90
EXPORT_CHUNK = 2000


def people_in_the_log(request):
    """Staff with at least one event: one indexed look-up per person (audit_actor_idx), never
    a pass over the whole log."""
    User = get_user_model()
    in_the_log = AuditEvent.objects.filter(actor=OuterRef("pk"))
    return User.objects.filter(Exists(in_the_log)).order_by(User.USERNAME_FIELD)


class AuditFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        dates = cleaned.get("occurred_at")
        if dates and dates.start and dates.stop and dates.start > dates.stop:
            self.add_error(
                "occurred_at",
                f"The start date ({dates.start:%Y-%m-%d}) is after the end date "
                f"({dates.stop:%Y-%m-%d}): choose a start on or before the end.",
            )
        return cleaned


class AuditEventFilterSet(WagtailFilterSet):
    actor = django_filters.ModelChoiceFilter(label="Person", queryset=people_in_the_log)
    actor_label = django_filters.CharFilter(
        label="Username as recorded", lookup_expr="iexact", help_text="Also finds deleted accounts"
    )
    action = django_filters.ChoiceFilter(choices=AuditEvent.Action.choices)
    target_type = django_filters.CharFilter(label="Record type", help_text="e.g. care.patient")
    target_id = django_filters.CharFilter(label="Record id")
    occurred_at = django_filters.DateFromToRangeFilter(
        label="Date",
        widget=DateRangePickerWidget,
        help_text=f"An export without dates covers the last {EXPORT_DAYS} days.",
    )

    class Meta:
        model = AuditEvent
        form = AuditFilterForm
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

    def get(self, request, *args, **kwargs):
        if self.is_export and self.filters and not self.filters.is_valid():
            # Nothing is exported on filters that do not hold: the page says why, the
            # choices kept in the form to correct.
            self.is_export = False
            messages.error(request, "No export was made: correct the filters below.")
            response = super().get(request, *args, **kwargs)
            response.status_code = 400
            return response
        return super().get(request, *args, **kwargs)

    def get_filtered_queryset(self):
        queryset = super().get_filtered_queryset()
        if self.is_export and not self.chosen_dates():
            queryset = queryset.filter(occurred_at__gte=self.default_start())
        return queryset

    def chosen_dates(self) -> bool:
        dates = self.filters.form.cleaned_data.get("occurred_at") if self.filters else None
        return bool(dates and (dates.start or dates.stop))

    def default_start(self) -> datetime.datetime:
        """Midnight, in the clinic's time, at the start of the first of the last EXPORT_DAYS
        days (today being the last)."""
        first = timezone.localdate() - datetime.timedelta(days=EXPORT_DAYS - 1)
        return timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))

    def get_filename(self):
        return f"audit-log-{timezone.now():%Y-%m-%d}"

    def write_csv_response(self, queryset):
        """Streamed, read from the database a chunk at a time."""
        header = [self.get_heading(queryset, name) for name in self.list_export]
        rows = (
            [
                self.preprocess_field_value(name, value, self.FORMAT_CSV)
                for name, value in self.to_row_dict(event).items()
            ]
            for event in queryset.iterator(chunk_size=EXPORT_CHUNK)
        )
        return csv_stream(f"{self.get_filename()}.csv", rows, header=header)

    def write_xlsx(self, queryset, output):
        """Read a chunk at a time too; the workbook itself is built in memory."""
        return super().write_xlsx(queryset.iterator(chunk_size=EXPORT_CHUNK), output)

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
        if not self.chosen_dates():
            first = self.default_start()
            used = ", ".join(
                filter(None, [used, f"the last {EXPORT_DAYS} days from {first:%Y-%m-%d}"])
            )
        return f"{query['export']} export of the audit log; filters: {used or 'none'}"
