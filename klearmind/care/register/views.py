"""Screens of the controlled-substance register: stock and balances per location, stock received,
each vial's or device's own register, a chart's dose drawn, corrections, inventory counts and
their review (the CSV exports are in register_exports.py). Clinicians and the owner only:
reading needs view_health_record, recording change_health_record; every view and change is in
the audit log."""

import datetime
from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from klearmind.accounts.access import protected_view
from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record
from klearmind.booking.models import Location

from ..models import (
    ChartStatus,
    Container,
    CountLine,
    InfusionChart,
    InventoryCount,
    RegisterEntry,
    register_entry_missing,
)
from ..outcomes.forms import chosen_period
from . import forms as f
from . import services
from .models.counts import INVENTORY_EVERY_DAYS
from .models.entries import ZERO

HEALTH = "accounts.view_health_record"
CHANGE = "accounts.change_health_record"
EXPORT = "accounts.export_health_record"
REGISTER = "care.register"


def audit(request, action, *, target=None, detail: str) -> None:
    record(
        action=action,
        request=request,
        target=target,
        target_type="" if target else REGISTER,
        detail=detail,
    )


def form_errors(form, refusal: ValidationError) -> None:
    if hasattr(refusal, "error_dict"):
        for field, errors in refusal.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, refusal.messages)


# The register at a glance ----------------------------------------------------------------------


def location_summary(location: Location, today: datetime.date) -> dict:
    stock = list(Container.objects.at(location).in_stock())
    products = defaultdict(lambda: {"units": 0, "mg": ZERO, "ml": ZERO, "is_vial": False})
    for container in stock:
        row = products[container.receipt.product_label]
        row["units"] += 1
        row["mg"] += container.balance_mg
        row["is_vial"] = container.receipt.is_vial
        row["ml"] += container.in_ml(container.balance_mg) or ZERO
    last = InventoryCount.objects.at(location).first()
    due = (last.counted_at.date() if last else today) + datetime.timedelta(INVENTORY_EVERY_DAYS)
    return {
        "location": location,
        "products": dict(products),
        "stock": stock,
        "last_count": last,
        "count_due": due if last else None,
        "count_overdue": last is not None and due < today,
    }


def charts_awaiting_entries():
    charts = InfusionChart.objects.for_page().filter(
        status=ChartStatus.OPEN, dose_confirmed_at__isnull=False
    )
    return [(chart, missing) for chart in charts if (missing := register_entry_missing(chart))]


@protected_view(HEALTH)
def home(request):
    today = timezone.localdate()
    locations = Location.objects.select_related("page")
    awaiting = charts_awaiting_entries()
    context = {
        "summaries": [location_summary(location, today) for location in locations],
        "awaiting": awaiting,
        "open_counts": InventoryCount.objects.with_open_discrepancy().select_related(
            "location__page", "counted_by"
        ),
        "every_days": INVENTORY_EVERY_DAYS,
        # The CSV's period: bound to what was asked when the CSV sent it back refused.
        "export_form": chosen_period(request.GET)[0],
    }
    shown = ", ".join(str(chart.pk) for chart, _ in awaiting) or "none"
    audit(
        request,
        AuditEvent.Action.VIEW,
        detail=f"controlled-substance register; charts awaiting entries: {shown}",
    )
    return TemplateResponse(request, "care/admin/register_home.html", context)


@protected_view(CHANGE)
def receive(request):
    form = f.ReceiptForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        receipt = services.receive_stock(by=request.user, request=request, **form.cleaned_data)
        messages.success(request, f"{receipt.quantity} received into the register.")
        return redirect("care_admin:register")
    status = 400 if form.errors else 200
    return TemplateResponse(
        request, "care/admin/register_receive.html", {"form": form}, status=status
    )


# One vial or device ----------------------------------------------------------------------------


@protected_view(HEALTH)
def container(request, pk: int):
    item = get_object_or_404(Container.objects.with_balance(), pk=pk)
    entries = RegisterEntry.objects.for_page().filter(container=item).order_by("sequence")
    audit(request, AuditEvent.Action.VIEW, target=item, detail="register of one vial or device")
    context = {"container": item, "entries": entries, "form": f.ReversalForm()}
    return TemplateResponse(request, "care/admin/register_container.html", context)


@protected_view(CHANGE)
def reverse_entry(request, pk: int):
    entry = get_object_or_404(RegisterEntry.objects.for_page(), pk=pk)
    form = f.ReversalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reverse_entry(
                entry=entry, reason=form.cleaned_data["reason"], by=request.user, request=request
            )
        except ValidationError as refusal:
            form_errors(form, refusal)
        else:
            messages.success(request, "The entry is reversed. Record the right entry now.")
            return redirect("care_admin:register_container", entry.container_id)
    status = 400 if form.errors else 200
    context = {"entry": entry, "form": form}
    return TemplateResponse(request, "care/admin/register_reverse.html", context, status=status)


# A chart's dose --------------------------------------------------------------------------------


@protected_view(CHANGE)
def draw(request, chart_pk: int):
    chart = get_object_or_404(InfusionChart.objects.for_page(), pk=chart_pk)
    given = RegisterEntry.objects.for_chart(chart).standing().given_mg()
    left = (chart.dose_mg - given) if chart.dose_mg is not None else None
    form = f.DrawForm(
        request.POST or None, chart=chart, user=request.user, initial={"given_mg": left}
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                record_draw(form, chart, request)
            except ValidationError as refusal:
                form_errors(form, refusal)
            else:
                return after_draw(request, chart)
        audit(request, AuditEvent.Action.VIEW, target=chart, detail="register dose refused")
        audit_wrong_witness_password(request, form)
    else:
        audit(request, AuditEvent.Action.VIEW, target=chart, detail="register dose form")
    context = {
        "chart": chart,
        "form": form,
        "given": given,
        "left": left,
        "entries": RegisterEntry.objects.for_page().for_chart(chart),
    }
    status = 400 if form.errors else 200
    return TemplateResponse(request, "care/admin/register_draw.html", context, status=status)


def audit_wrong_witness_password(request, form) -> None:
    """A wrong witness password is a failed sign-in as that person, so guessing shows up in
    the audit log under the witness's name."""
    if "witness_password" in form.errors and form.cleaned_data.get("witness"):
        witness = form.cleaned_data["witness"]
        record(
            action=AuditEvent.Action.FAILED_LOGIN,
            request=request,
            target=witness,
            detail=f"witness password refused for {witness.get_username()}",
        )


def record_draw(form, chart, request) -> RegisterEntry:
    data = form.cleaned_data
    return services.record_dose(
        chart=chart,
        container=data["container"],
        drawn_mg=data["drawn_mg"],
        given_mg=data["given_mg"],
        wasted_mg=data["wasted_mg"],
        by=request.user,
        witness=data["witness"] if data["wasted_mg"] else None,
        request=request,
    )


def after_draw(request, chart):
    if missing := register_entry_missing(chart):
        messages.warning(request, f"Recorded. Still needed: {missing}.")
        return redirect("care_admin:register_draw", chart.pk)
    messages.success(request, "Recorded in the register. The chart can be signed.")
    return redirect(reverse("care_admin:chart", args=[chart.pk]) + "#sign")


# Inventory counts ------------------------------------------------------------------------------


@protected_view(CHANGE)
def count_new(request, location_pk: int):
    location = get_object_or_404(Location.objects.select_related("page"), pk=location_pk)
    stock = Container.objects.at(location).in_stock()
    form = f.CountForm(request.POST or None, containers=stock)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.record_count(
                location=location,
                by=request.user,
                counted=form.counted(),
                notes=form.cleaned_data["notes"],
                request=request,
            )
        except ValidationError as refusal:
            form_errors(form, refusal)
        else:
            messages.success(request, "Count recorded.")
            return redirect("care_admin:register_count", count.pk)
    status = 400 if form.errors else 200
    context = {"location": location, "form": form}
    return TemplateResponse(request, "care/admin/register_count_form.html", context, status=status)


@protected_view(HEALTH)
def count(request, pk: int, *, bound=None, status=200):
    inventory = get_object_or_404(
        InventoryCount.objects.select_related("location__page", "counted_by"), pk=pk
    )
    lines = inventory.lines.select_related("container__receipt", "review__reviewed_by").order_by(
        "pk"
    )
    rows = [
        {"line": line, "form": (bound or {}).get(line.pk) or f.ReviewForm(prefix=f"line{line.pk}")}
        for line in lines
    ]
    audit(request, AuditEvent.Action.VIEW, target=inventory, detail="inventory count")
    context = {"count": inventory, "rows": rows}
    return TemplateResponse(request, "care/admin/register_count.html", context, status=status)


@require_POST
@protected_view(CHANGE)
def review(request, pk: int):
    line = get_object_or_404(CountLine.objects.select_related("count", "container__receipt"), pk=pk)
    form = f.ReviewForm(request.POST, prefix=f"line{line.pk}")
    if form.is_valid():
        try:
            services.review_discrepancy(
                line=line, by=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as refusal:
            form_errors(form, refusal)
        else:
            messages.success(request, "Discrepancy reviewed and closed.")
            return redirect("care_admin:register_count", line.count_id)
    return count(request, line.count_id, bound={line.pk: form}, status=400)
