"""Chart screens: today's treatments, one chart laid out in the order of a session (each section
a small form posting to its own address), and the REMS forms still to submit. Reading needs
view_health_record, every write change_health_record; every view and change is audited."""

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from klearmind.accounts.access import protected_view
from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record
from klearmind.booking.models import Appointment

from .. import rules
from . import forms as f
from .models import InfusionChart, RemsRecord
from .models.charts import VITAL_NAMES
from .services import open_chart, record_vitals, todays_visits

HEALTH = "accounts.view_health_record"
CHANGE = "accounts.change_health_record"


# Today's treatments ----------------------------------------------------------------------------


@protected_view(HEALTH)
def today(request):
    grouped = todays_visits(timezone.now())
    charts = [str(row["chart"].pk) for rows in grouped.values() for row in rows if row["chart"]]
    record(
        action=AuditEvent.Action.VIEW,
        request=request,
        target_type=InfusionChart._meta.label_lower,
        detail="today's treatments; charts " + (", ".join(charts) or "none"),
    )
    return TemplateResponse(request, "care/admin/chart_today.html", {"grouped": grouped})


@require_POST
@protected_view(CHANGE)
def open_for_visit(request, appointment_pk: int):
    visit = get_object_or_404(
        Appointment.objects.select_related("service", "location"), pk=appointment_pk
    )
    try:
        chart = open_chart(appointment=visit, by=request.user, request=request)
    except ValidationError as refusal:
        messages.error(request, refusal.messages[0])
        return redirect("care_admin:today")
    return redirect("care_admin:chart", chart.pk)


# One chart ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """One part of the chart page: its form and what a valid post does."""

    form: Callable
    act: Callable
    done: str


def _dose_form(chart, *args, **kwargs):
    form = f.FixedDoseForm if chart.is_spravato else f.DoseForm
    return form(*args, chart=chart, **kwargs)


def _confirm_dose(chart, form, user):
    if chart.is_spravato:
        chart.confirm_fixed_dose(by=user, dose_mg=form.cleaned_data["dose_mg"])
    else:
        chart.confirm_dose(by=user, **form.cleaned_data)


def _vitals_form(chart, *args, **kwargs):
    kwargs.setdefault("initial", f.grid_initial(chart))
    return f.VitalsFormSet(*args, prefix="vitals", form_kwargs={"chart": chart}, **kwargs)


def record_grid(chart, formset, user):
    readings = formset.readings()
    if not readings:
        raise ValidationError("Enter at least one row of vital signs.", code="no_readings")
    record_vitals(chart=chart, readings=readings, by=user)


def _save_rems(chart, form, user):
    chart.refuse_if_signed()
    form.save_to(chart.rems)


def _add_event(chart, form, user):
    event = form.event()
    event.recorded_by = user
    event.full_clean()
    event.save()


def _discharge(chart, form, user):
    checklist = {name: form.cleaned_data[name] for name in f.DISCHARGE_CHECKLIST}
    chart.discharge(by=user, at=form.at(), **checklist)


def _stop(chart, form, user):
    chart.stop(by=user, at=form.at(), short_reason=form.cleaned_data["short_reason"])


def _acknowledge(chart, form, user):
    alert = form.cleaned_data["alert"]
    alert.acknowledge(by=user, note=form.cleaned_data["note"])


def _enrol(chart, form, user):
    data = form.cleaned_data
    chart.patient.record_rems_enrolment(
        by=user, enrolled_on=data["enrolled_on"], patient_id=data["patient_id"]
    )


def _chart_form(form_class):
    return lambda chart, *args, **kwargs: form_class(*args, chart=chart, **kwargs)


SECTIONS = {
    "checklist": Section(
        _chart_form(f.ChecklistForm),
        lambda chart, form, user: chart.record_checklist(**form.cleaned_data),
        "Checklist saved.",
    ),
    "baseline": Section(
        _chart_form(f.BaselineForm),
        lambda chart, form, user: record_vitals(chart=chart, readings=[form.reading()], by=user),
        "Baseline vital signs saved.",
    ),
    "dose": Section(_dose_form, _confirm_dose, "Dose confirmed."),
    "start": Section(
        _chart_form(f.TimeForm),
        lambda chart, form, user: chart.start(by=user, at=form.at()),
        "Started.",
    ),
    "vitals": Section(
        _vitals_form,
        lambda chart, form, user: record_grid(chart, form, user),
        "Vital signs saved.",
    ),
    "event": Section(_chart_form(f.EventForm), _add_event, "Event recorded."),
    "acknowledge": Section(_chart_form(f.AcknowledgeForm), _acknowledge, "Alert acknowledged."),
    "stop": Section(_chart_form(f.StopForm), _stop, "Stopped."),
    "duration": Section(
        _chart_form(f.ShortReasonForm),
        lambda chart, form, user: chart.record_short_reason(form.cleaned_data["reason"]),
        "Reason for the short infusion saved.",
    ),
    "discharge": Section(_chart_form(f.DischargeForm), _discharge, "Discharge recorded."),
    "enrolment": Section(_chart_form(f.EnrolmentForm), _enrol, "REMS enrolment recorded."),
    "rems": Section(_chart_form(f.RemsForm), _save_rems, "REMS monitoring record saved."),
    "notes": Section(
        _chart_form(f.NotesForm),
        lambda chart, form, user: chart.record_notes(form.cleaned_data["notes"]),
        "Notes saved.",
    ),
    "sign": Section(
        _chart_form(f.SignForm),
        lambda chart, form, user: chart.sign(by=user),
        "Chart signed and locked.",
    ),
    "addendum": Section(
        _chart_form(f.AddendumForm),
        lambda chart, form, user: form.addendum(user).save(),
        "Addendum added.",
    ),
}


# Sections whose forms share field names (each has a "time"): their ids carry the section's
# name, so every label on the page points at its own input.
NAMED_IDS = {"baseline", "start", "event", "stop", "discharge"}


def section_form(name: str, chart, *args, **kwargs):
    if name in NAMED_IDS:
        kwargs["auto_id"] = f"id_{name}_%s"
    return SECTIONS[name].form(chart, *args, **kwargs)


def initial_forms(chart: InfusionChart) -> dict:
    now = {"time": f.now_local(chart)}
    initial = {
        "checklist": {name: getattr(chart, name) for name in f.CHECKLIST},
        "baseline": {**now, "phase": "baseline"},
        "dose": {
            "weight_kg": chart.weight_kg or last_weight(chart),
            "mg_per_kg": chart.mg_per_kg,
            "override_reason": chart.override_reason,
            "dose_mg": int(chart.dose_mg) if chart.dose_mg else None,
        },
        "start": now,
        "event": now,
        "stop": now,
        "duration": {"reason": chart.short_infusion_reason},
        "discharge": {**now, **{name: getattr(chart, name) for name in f.DISCHARGE_CHECKLIST}},
        "notes": {"notes": chart.notes},
        "rems": f.rems_initial(chart.rems) if chart.is_spravato else {},
    }
    forms = {
        name: section_form(name, chart, initial=initial.get(name))
        for name in SECTIONS
        if name != "vitals"
    }
    forms["vitals"] = _vitals_form(chart)
    return forms


def last_weight(chart: InfusionChart):
    earlier = InfusionChart.objects.filter(patient=chart.patient, weight_kg__isnull=False).exclude(
        pk=chart.pk
    )
    latest = earlier.order_by("-session_date", "-pk").first()
    return latest.weight_kg if latest else None


def vital_cells(vital) -> dict:
    cells = [(getattr(vital, name), vital.flag_for(name)) for name in VITAL_NAMES]
    return {"vital": vital, "cells": cells}


def load_chart(pk: int) -> InfusionChart:
    return get_object_or_404(InfusionChart.objects.for_page(), pk=pk)


def render_chart(request, chart, *, bound=None, status=200):
    forms = initial_forms(chart)
    if bound:
        forms.update(bound)
    vitals = list(chart.vitals.select_related("recorded_by"))
    # Before the start, each consent's standing today; after it, what start() recorded.
    consents = None if chart.is_signed or chart.started_at else chart.consent_lines()
    context = {
        "chart": chart,
        "forms": forms,
        "vitals": vitals,
        "flags": [flag.text for vital in vitals for flag in vital.flags],
        "alerts": list(chart.alerts.select_related("acknowledged_by")),
        "short_warning": chart.short_infusion_warning(),
        "recovery_ends_at": chart.recovery_ends_at(),
        "vital_rows": [vital_cells(vital) for vital in vitals],
        "thresholds": json.dumps({**rules.DEFAULT_THRESHOLDS, **chart.thresholds}),
        "limits": {**rules.DEFAULT_THRESHOLDS, **chart.thresholds},
        "baseline_minutes": rules.BASELINE_MAX_AGE_MINUTES,
        "events": chart.events.select_related("recorded_by"),
        "addenda": chart.addenda.select_related("author"),
        "rems": getattr(chart, "rems", None),
        "start_refusals": chart.start_refusals() if not chart.started_at else [],
        "consents": consents,
        "consent_refusals": chart.consent_refusals(consents) if consents is not None else [],
        "setting_refusal": chart.setting_refusal(),
        "enrolment_refusal": chart.rems_enrolment_refusal(),
        "sign_refusals": [] if chart.is_signed else chart.sign_refusals(),
        "zone": chart.zone,
    }
    return TemplateResponse(request, "care/admin/chart_detail.html", context, status=status)


@protected_view(HEALTH)
def chart(request, pk: int):
    chart = load_chart(pk)
    record(action=AuditEvent.Action.VIEW, request=request, target=chart, detail="infusion chart")
    return render_chart(request, chart)


@require_POST
@protected_view(CHANGE)
def chart_section(request, pk: int, section: str):
    chart = load_chart(pk)
    spravato_only = section in ("rems", "enrolment") and not chart.is_spravato
    if section not in SECTIONS or spravato_only:
        raise Http404("No such part of a chart.")
    part = SECTIONS[section]
    form = section_form(section, chart, request.POST)
    if form.is_valid():
        try:
            part.act(chart, form, request.user)
        except ValidationError as refusal:
            if chart.is_signed:
                messages.error(request, refusal.messages[0])
                return redirect(reverse("care_admin:chart", args=[chart.pk]) + "#addendum")
            form_errors(form, refusal)
        else:
            record(
                action=AuditEvent.Action.CHANGE,
                request=request,
                target=chart,
                detail=change_detail(section, form),
            )
            messages.success(request, part.done)
            return redirect(reverse("care_admin:chart", args=[chart.pk]) + f"#{section}")
    chart.refresh_from_db()
    record(
        action=AuditEvent.Action.VIEW,
        request=request,
        target=chart,
        detail=f"chart {section} refused",
    )
    return render_chart(request, chart, bound={section: form}, status=400)


def change_detail(section: str, form) -> str:
    """What the audit log says of a change: the section, and which alert or record it was."""
    if section == "acknowledge":
        return f"chart alert {form.cleaned_data['alert'].pk} acknowledged"
    if section == "enrolment":
        return f"patient {form.chart.patient_id} Spravato REMS enrolment recorded"
    return f"chart {section}"


def form_errors(form, refusal: ValidationError) -> None:
    if isinstance(form, f.forms.BaseFormSet):
        form._non_form_errors = form.error_class(refusal.messages)
    elif hasattr(refusal, "error_dict"):
        for field, errors in refusal.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, refusal.messages)


# REMS forms due --------------------------------------------------------------------------------


REMS_PAGE_SIZE = 50


@protected_view(HEALTH)
def rems_due(request):
    """The forms not yet submitted, the earliest due first, 50 to a page: only the page shown
    is read and decrypted."""
    today_ = timezone.localdate()
    records = (
        RemsRecord.objects.not_submitted().select_related("chart__patient").order_by("due_on", "pk")
    )
    listing = Paginator(records, REMS_PAGE_SIZE).get_page(request.GET.get("p"))
    rows = []
    for rems in listing:
        days = (rems.due_on - today_).days
        rows.append({"rems": rems, "days": days, "late": max(0, -days)})
    record(
        action=AuditEvent.Action.VIEW,
        request=request,
        target_type=RemsRecord._meta.label_lower,
        detail=f"REMS forms due page {listing.number}: "
        + (", ".join(str(row["rems"].pk) for row in rows) or "none"),
    )
    context = {"rows": rows, "listing": listing, "form": f.SubmitRemsForm()}
    return TemplateResponse(request, "care/admin/rems_due.html", context)


@require_POST
@protected_view(CHANGE)
def rems_submitted(request, pk: int):
    rems = get_object_or_404(RemsRecord.objects.select_related("chart"), pk=pk)
    form = f.SubmitRemsForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Give the confirmation reference (up to 60 characters).")
        rems.mark_submitted(by=request.user, reference=form.cleaned_data["reference"])
    except ValidationError as refusal:
        messages.error(request, refusal.messages[0])
    else:
        record(
            action=AuditEvent.Action.CHANGE,
            request=request,
            target=rems,
            detail="REMS form submitted",
        )
        messages.success(request, "Marked as submitted.")
    return redirect("care_admin:rems_due")
