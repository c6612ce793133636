"""The front desk's screens for an induction series as one thing: book the whole series for a
caller, see every visit of it, and move or cancel all its remaining visits at once. Each
checks its permission itself, and a page that shows the patient's contact is audited."""

import datetime

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from klearmind.accounts.access import protected_view
from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record

from .availability import Place, epoch, load_schedule
from .emails import when, where
from .flow import parse_start
from .forms import MoveForm, StaffBookingForm
from .models import Series, Service, ServiceKind
from .models.appointments import new_form_token, posted_form_token
from .series import SERIES_MAX_DAYS, propose_series
from .services import (
    Patient,
    SlotUnavailable,
    book_series,
    cancel_series,
    earliest_start,
    find_slot,
    move_series,
    plan_series,
)

MANAGE = "accounts.manage_appointments"
CONTACT = "accounts.view_patient_contact"


class StaffSeriesForm(StaffBookingForm):
    """A series for a caller: the services given as a series, the first visit's time."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        services = Service.objects.active().filter(kind=ServiceKind.KETAMINE)
        self.fields["service"].queryset = services
        self.fields["day"].label, self.fields["time"].label = "First day", "First time"


@protected_view(MANAGE)
def series_book(request):
    """Propose the whole series from the first time, then book all of it or none."""
    form = StaffSeriesForm(request.POST or None)
    context = {"form": form, "token": posted_form_token(request.POST) or new_form_token()}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        place = Place(data["location"], at_home=data["at_home_visit"])
        try:
            if "confirm" in request.POST:
                return confirm_series(request, form, place)
            context["proposals"] = propose(data["service"], place, form.starts_at())
        except SlotUnavailable as refusal:
            form.add_error(None, refusal.message)
    status = 400 if request.method == "POST" and form.errors else 200
    return TemplateResponse(request, "booking/admin/series_book.html", context, status=status)


def propose(service, place, starts_at) -> list[dict]:
    first = find_slot(service=service, place=place, starts_at=starts_at, staff=True)
    day = starts_at.astimezone(place.location.zone).date()
    schedule = load_schedule(
        service=service,
        place=place,
        first=day,
        last=day + datetime.timedelta(days=SERIES_MAX_DAYS),
    )
    proposals = propose_series(schedule, first, not_before=epoch(earliest_start(staff=True)))
    return [
        {
            "number": proposal.number,
            "start": proposal.slot.starts_at.astimezone(place.location.zone)
            if proposal.slot
            else None,
            "value": proposal.slot.starts_at.isoformat() if proposal.slot else "",
            "alternative": proposal.alternative,
        }
        for proposal in proposals
    ]


def confirm_series(request, form, place):
    data = form.cleaned_data
    series = book_series(
        service=data["service"],
        place=place,
        starts=[parse_start(value) for value in request.POST.getlist("series_start")],
        first=form.starts_at(),
        patient=Patient(data["name"], data["email"], data["phone"], data.get("home_address", "")),
        by=request.user,
        request=request,
        token=posted_form_token(request.POST),
    )
    messages.success(request, "The series is booked; the patient gets one confirmation e-mail.")
    return redirect("booking_admin:series", series.pk)


@protected_view(MANAGE)
def series_detail(request, pk: int):
    series = get_object_or_404(Series.objects.select_related("service"), pk=pk)
    return render_series(request, series)


def render_series(request, series, *, move_form=None, status: int = 200):
    plan = plan_series(series, by=request.user)
    show_contact = request.user.has_perm(CONTACT)
    if show_contact:
        shown = ", ".join(str(visit.pk) for visit in plan.visits) or "none"
        record(
            action=AuditEvent.Action.VIEW,
            request=request,
            target=series,
            detail=f"series with appointments {shown}",
        )
    first = plan.changeable[0] if plan.changeable else None
    if move_form is None and first is not None:
        local = first.local_start
        move_form = MoveForm(
            initial={"location": first.location, "day": local.date(), "time": local.time()}
        )
    context = {
        "series": series,
        "plan": plan,
        "rows": [{"visit": v, "when": when(v), "where": where(v)} for v in plan.visits],
        "patient": plan.visits[0] if plan.visits and show_contact else None,
        "move_form": move_form,
        "token": new_form_token(),
    }
    return TemplateResponse(request, "booking/admin/series_detail.html", context, status=status)


@require_POST
@protected_view(MANAGE)
def series_move(request, pk: int):
    series = get_object_or_404(Series, pk=pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        first = series.appointments.order_by("starts_at").first()
        place = Place(form.cleaned_data["location"], first.at_home if first else False)
        try:
            moved = move_series(
                series=series,
                starts_at=form.starts_at(),
                place=place,
                by=request.user,
                request=request,
                version=request.POST.get("version", ""),
                token=posted_form_token(request.POST),
            )
        except SlotUnavailable as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request, f"{len(moved)} visits have moved; the patient gets one e-mail."
            )
            return redirect("booking_admin:series", pk)
    return render_series(request, series, move_form=form, status=400)


@require_POST
@protected_view(MANAGE)
def series_cancel(request, pk: int):
    series = get_object_or_404(Series, pk=pk)
    try:
        cancelled = cancel_series(
            series=series,
            by=request.user,
            request=request,
            reason="Cancelled by the clinic",
            version=request.POST.get("version", ""),
            token=posted_form_token(request.POST),
        )
    except SlotUnavailable as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request, f"{len(cancelled)} visits are cancelled; the patient gets one e-mail."
        )
    return redirect("booking_admin:series", pk)
