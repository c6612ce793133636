"""What a patient does with their private link: see the visit, add it to a calendar, cancel
or move it; and the landing page of a clinician's invitation.

An e-mailed link (`/book/visit/<token>/`, `/book/invitation/<token>/`) is exchanged for a grant
in the session and the browser sent on to an address without the token, so the token stays out
of the pages, the later requests and the logs of them."""

import contextlib
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from klearmind.clinic.http import private_page

from . import hooks
from .availability import Place, epoch, load_schedule
from .emails import ICS_NAME, calendar_file, when, where
from .flow import StepRefused, granted_invitation, invitation_used, parse_start, read_invitation
from .links import (
    INVITATION_GRANTED,
    VISITS_GRANTED,
    BadLink,
    appointment_id,
    grant,
    may_open_visit,
    visit_link_expired,
    visit_path,
)
from .models import Appointment, Service
from .models.appointments import new_form_token, posted_form_token
from .month import build_month, month_bounds, parse_month
from .services import (
    BOOKING_HORIZON_DAYS,
    SeriesPlan,
    SlotUnavailable,
    cancel_appointment,
    cancel_series,
    check_changeable,
    earliest_start,
    move_appointment,
    move_series,
    plan_series,
    series_window,
)

BAD_LINK = _(
    "This link is not valid. Please use the link from your e-mail exactly as it was sent, or "
    "call us."
)
NOT_OPENED = _(
    "To see your visit, please open the private link in your booking e-mail again. If you "
    "cannot find the e-mail, call us."
)
# The refusals of check_changeable: the visit itself cannot be moved online, at any time.
UNCHANGEABLE = {"wrong_status", "inside_notice"}


def refused(request, message: str, *, status: int, back: str = ""):
    context = {"message": message, "back": back or reverse("booking:start")}
    return TemplateResponse(request, "booking/refused.html", context, status=status)


def expired(request, appointment: Appointment):
    context = {"days": settings.VISIT_LINK_DAYS_AFTER, "phone": appointment.location.page.phone}
    return TemplateResponse(request, "booking/link_expired.html", context, status=410)


def find_appointment(pk: int | None) -> Appointment | None:
    return (
        Appointment.objects.select_related("service", "location__page", "series")
        .filter(pk=pk)
        .first()
    )


@private_page
def open_visit(request, token: str):
    """The e-mailed link: let this browser open the visit, then go to its tokenless address."""
    try:
        appointment = find_appointment(appointment_id(token))
    except BadLink:
        appointment = None
    if appointment is None:
        return refused(request, BAD_LINK, status=404)
    if visit_link_expired(appointment):
        return expired(request, appointment)
    grant(request.session, VISITS_GRANTED, appointment.pk)
    return redirect(visit_path(appointment))


def by_grant(view):
    """Find the appointment this browser opened with its link, while the link is valid."""

    @private_page
    def wrapped(request, pk: int, *args, **kwargs):
        appointment = find_appointment(pk)
        if appointment is None or not may_open_visit(request.session, appointment):
            return refused(request, NOT_OPENED, status=404)
        if visit_link_expired(appointment):
            return expired(request, appointment)
        return view(request, appointment, *args, **kwargs)

    return wrapped


def describe(appointment: Appointment) -> dict:
    plan = plan_series(appointment.series) if appointment.series_id else None
    return {
        "appointment": appointment,
        "when": when(appointment),
        "where": where(appointment),
        "preparation": appointment.service.preparation(),
        "series": series_rows(plan),
        "plan": plan,
        "phone": appointment.location.page.phone,
        "inside_notice": appointment.inside_notice_window(),
    }


def series_rows(plan: SeriesPlan | None) -> list[dict]:
    """Each visit of the series with its time and place in words and what may be done now."""
    if plan is None:
        return []
    return [
        {
            "visit": visit,
            "number": number,
            "when": when(visit),
            "where": where(visit),
            "changeable": visit in plan.changeable,
            "kept": visit in plan.kept,
        }
        for number, visit in enumerate(plan.visits, start=1)
    ]


@by_grant
def appointment(request, appointment):
    context = describe(appointment)
    context["booked"] = "booked" in request.GET
    context["moved"] = "moved" in request.GET
    context["series_moved"] = "series_moved" in request.GET
    context["series_cancelled"] = "series_cancelled" in request.GET
    context["deposit_paid"] = "deposit" in request.GET
    context["card_saved"] = "card" in request.GET
    context["payments"] = hooks.visit_payments(appointment)
    if appointment.is_open:
        hooks.mark_consents_to_sign([appointment])
    return TemplateResponse(request, "booking/appointment.html", context)


@by_grant
def calendar(request, appointment):
    response = HttpResponse(calendar_file(appointment), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{ICS_NAME}"'
    return response


@require_http_methods(["GET", "POST"])
@by_grant
def cancel(request, appointment):
    context = describe(appointment)
    if request.method == "POST" and appointment.is_open:
        try:
            cancel_appointment(appointment=appointment, reason="Cancelled by the patient online")
        except ValidationError as refusal:
            context["refusal"] = refusal.messages[0]
            return TemplateResponse(request, "booking/cancel.html", context, status=409)
        return redirect(visit_path(appointment))
    return TemplateResponse(request, "booking/cancel.html", context)


@require_http_methods(["GET", "POST"])
@by_grant
def reschedule(request, appointment):
    context = describe(appointment)
    place = Place(appointment.location, appointment.at_home)
    try:
        starts_at = parse_start(request.POST.get("start")) if request.method == "POST" else None
        if starts_at is not None:  # move_appointment checks that the visit may move
            move_appointment(appointment=appointment, starts_at=starts_at, place=place)
            return redirect(visit_path(appointment) + "?moved=1")
        check_changeable(appointment, by=None)
        if request.method == "POST":
            context["error"] = gettext("Please choose a new time.")
    except SlotUnavailable as refusal:
        if refusal.code in UNCHANGEABLE:
            context["refusal"] = refusal.message
            return TemplateResponse(request, "booking/reschedule.html", context, status=409)
        context["error"] = refusal.message
    context.update(choices(request, appointment, place))
    status = 409 if context.get("error") else 200
    return TemplateResponse(request, "booking/reschedule.html", context, status=status)


@require_http_methods(["GET", "POST"])
@by_grant
def series_cancel(request, appointment):
    """Cancel every remaining visit of the series at once (those inside the notice window
    stay, and the page says so before anything is done)."""
    if not appointment.series_id:
        return redirect(visit_path(appointment, "booking:cancel"))
    context = describe(appointment)
    if request.method == "POST":
        try:
            cancel_series(
                series=appointment.series,
                reason="Cancelled by the patient online",
                version=request.POST.get("version", ""),
                token=posted_form_token(request.POST),
            )
        except SlotUnavailable as refusal:
            context = describe(appointment)  # the series as it stands now
            context["refusal"] = refusal.message
        else:
            return redirect(visit_path(appointment) + "?series_cancelled=1")
    context["token"] = new_form_token()
    status = 409 if context.get("refusal") else 200
    return TemplateResponse(request, "booking/series_cancel.html", context, status=status)


@require_http_methods(["GET", "POST"])
@by_grant
def series_reschedule(request, appointment):
    """Move every remaining visit at once: the patient picks the first new time, the others
    follow every two to three days; all of them move, or none."""
    if not appointment.series_id:
        return redirect(visit_path(appointment, "booking:reschedule"))
    context = describe(appointment)
    plan = context["plan"]
    place = Place(appointment.location, appointment.at_home)
    if request.method == "POST":
        starts_at = parse_start(request.POST.get("start"))
        try:
            if starts_at is None:
                raise SlotUnavailable(gettext("Please choose a new time."), code="no_time")
            move_series(
                series=appointment.series,
                starts_at=starts_at,
                place=place,
                version=request.POST.get("version", ""),
                token=posted_form_token(request.POST),
            )
        except SlotUnavailable as refusal:
            context = describe(appointment)
            plan = context["plan"]
            context["error"] = refusal.message
        else:
            return redirect(visit_path(appointment) + "?series_moved=1")
    if plan.changeable:
        exclude = tuple(visit.pk for visit in plan.changeable)
        context.update(choices(request, appointment, place, exclude=exclude))
    context["token"] = new_form_token()
    status = 409 if context.get("error") else 200
    return TemplateResponse(request, "booking/series_reschedule.html", context, status=status)


def choices(request, appointment, place, *, exclude: tuple[int, ...] = ()) -> dict:
    zone = place.location.zone
    today = timezone.now().astimezone(zone).date()
    last_day = today + datetime.timedelta(days=BOOKING_HORIZON_DAYS)
    first = min(parse_month(request.GET.get("month"), today=today), last_day.replace(day=1))
    start, end = month_bounds(first)
    start, end = max(start, today), min(end, last_day)
    schedule = load_schedule(
        service=appointment.booked_service,  # a drip is offered times its own length fits
        place=place,
        first=start,
        last=end,
        exclude=exclude or (appointment.pk,),
    )
    days = schedule.days(start, end, not_before=epoch(earliest_start(staff=False)))
    if appointment.series_id and not exclude:  # one visit keeps its series' spacing
        first_day, last_day_allowed, _ = series_window(appointment, zone)
        days = {day: slots for day, slots in days.items() if first_day <= day <= last_day_allowed}
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


@private_page
def open_invitation(request, token: str):
    """The e-mailed invitation: remember it in this browser, then go to its landing page."""
    try:
        invited = read_invitation(token)
    except StepRefused as refusal:
        return refused(request, refusal.message, status=404, back=refusal.back)
    request.session[INVITATION_GRANTED] = invited.pk
    return redirect(reverse("booking:invitation"))


@private_page
def invitation(request):
    invited = granted_invitation(request)
    if invited is None:
        return refused(request, BAD_LINK, status=404)
    if not invited.is_usable:
        return refused(request, invitation_used().message, status=410)
    services = [s for s in Service.objects.active() if invited.unlocks(s)]
    context = {"invitation": invited, "services": services}
    return TemplateResponse(request, "booking/invitation.html", context)
