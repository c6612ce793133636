"""What a patient does with their private link: see the visit, add it to a calendar, cancel
or move it; and the landing page of a clinician's invitation."""

import contextlib
import datetime

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .availability import Place, epoch, load_schedule
from .emails import ICS_NAME, calendar_file, when, where
from .flow import StepRefused, parse_start, read_invitation
from .links import BadLink, appointment_id, appointment_path
from .models import Appointment, Service
from .month import build_month, month_bounds, parse_month
from .services import (
    BOOKING_HORIZON_DAYS,
    SlotUnavailable,
    cancel_appointment,
    check_changeable,
    earliest_start,
    move_appointment,
)

BAD_LINK = (
    "This link is not valid. Please use the link from your e-mail exactly as it was sent, or "
    "call us."
)


def by_link(view):
    """Find the appointment a signed link names; a changed link finds nothing."""

    @never_cache
    def wrapped(request, token: str, *args, **kwargs):
        try:
            pk = appointment_id(token)
        except BadLink:
            pk = None
        appointment = (
            Appointment.objects.select_related("service", "location__page", "series")
            .filter(pk=pk)
            .first()
        )
        if appointment is None:
            context = {"message": BAD_LINK, "back": "/book/"}
            return TemplateResponse(request, "booking/refused.html", context, status=404)
        return view(request, appointment, token, *args, **kwargs)

    return wrapped


def describe(appointment: Appointment, token: str) -> dict:
    series = []
    if appointment.series_id:
        series = list(
            appointment.series.appointments.select_related("location__page").order_by("starts_at")
        )
    return {
        "appointment": appointment,
        "token": token,
        "when": when(appointment),
        "where": where(appointment),
        "preparation": appointment.service.preparation(),
        "series": series,
        "phone": appointment.location.page.phone,
        "inside_notice": appointment.inside_notice_window(),
    }


@by_link
def appointment(request, appointment, token):
    context = describe(appointment, token)
    context["booked"] = "booked" in request.GET
    context["moved"] = "moved" in request.GET
    return TemplateResponse(request, "booking/appointment.html", context)


@by_link
def calendar(request, appointment, token):
    response = HttpResponse(calendar_file(appointment), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{ICS_NAME}"'
    return response


@require_http_methods(["GET", "POST"])
@by_link
def cancel(request, appointment, token):
    context = describe(appointment, token)
    if request.method == "POST" and appointment.is_open:
        try:
            cancel_appointment(appointment=appointment, reason="Cancelled by the patient online")
        except ValidationError as refusal:
            context["refusal"] = refusal.messages[0]
            return TemplateResponse(request, "booking/cancel.html", context, status=409)
        return redirect(appointment_path(appointment))
    return TemplateResponse(request, "booking/cancel.html", context)


@require_http_methods(["GET", "POST"])
@by_link
def reschedule(request, appointment, token):
    context = describe(appointment, token)
    try:
        check_changeable(appointment, by=None)
    except SlotUnavailable as refusal:
        context["refusal"] = refusal.message
        return TemplateResponse(request, "booking/reschedule.html", context, status=409)
    place = Place(appointment.location, appointment.at_home)
    if request.method == "POST":
        starts_at = parse_start(request.POST.get("start"))
        try:
            if starts_at is None:
                raise SlotUnavailable("Please choose a new time.", code="no_time")
            move_appointment(appointment=appointment, starts_at=starts_at, place=place)
        except SlotUnavailable as refusal:
            context["error"] = refusal.message
        else:
            return redirect(appointment_path(appointment) + "?moved=1")
    context.update(choices(request, appointment, place))
    status = 409 if context.get("error") else 200
    return TemplateResponse(request, "booking/reschedule.html", context, status=status)


def choices(request, appointment, place) -> dict:
    zone = place.location.zone
    today = timezone.now().astimezone(zone).date()
    last_day = today + datetime.timedelta(days=BOOKING_HORIZON_DAYS)
    first = min(parse_month(request.GET.get("month"), today=today), last_day.replace(day=1))
    start, end = month_bounds(first)
    start, end = max(start, today), min(end, last_day)
    schedule = load_schedule(
        service=appointment.service, place=place, first=start, last=end, exclude=(appointment.pk,)
    )
    days = schedule.days(start, end, not_before=epoch(earliest_start(staff=False)))
    chosen = None
    with contextlib.suppress(ValueError):
        chosen = datetime.date.fromisoformat(request.GET.get("day", ""))
    times = [(s.starts_at.astimezone(zone), s.starts_at.isoformat()) for s in days.get(chosen, [])]
    return {
        "month": build_month(
            first,
            {d for d, s in days.items() if s},
            today=today,
            last_month=last_day.replace(day=1),
        ),
        "chosen": chosen,
        "times": times,
        "day_base": f"?month={first:%Y-%m}&day=",
    }


@never_cache
def invitation(request, token: str):
    try:
        invited = read_invitation(token)
    except StepRefused as refusal:
        context = {"message": refusal.message, "back": refusal.back}
        return TemplateResponse(request, "booking/refused.html", context, status=404)
    services = [s for s in Service.objects.active() if invited.unlocks(s)]
    context = {"invitation": invited, "services": services, "token": token}
    return TemplateResponse(request, "booking/invitation.html", context)
