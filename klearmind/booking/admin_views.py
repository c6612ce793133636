"""The front desk's screens: calendars, one appointment, booking for a caller, moving and
cancelling, the printable day sheet, and invitations. Each checks its permission itself."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from klearmind.accounts.access import protected_view
from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record

from . import desk, hooks
from .availability import Place
from .forms import (
    CalendarFilterForm,
    InvitationForm,
    MoveForm,
    ScheduleForm,
    StaffBookingForm,
    VisitChooserForm,
)
from .models import Appointment, AppointmentStatus, Location, Provider
from .models.appointments import new_form_token, posted_form_token
from .month import build_month, month_bounds, parse_month
from .services import (
    BOOKING_HORIZON_DAYS,
    Patient,
    SlotUnavailable,
    book_appointment,
    change_status,
    issue_invitation,
    move_appointment,
)

MANAGE = "accounts.manage_appointments"
CONTACT = "accounts.view_patient_contact"
ACTIONS = {
    "arrived": "Arrived",
    "completed": "Completed",
    "no_show": "No-show",
    "cancel": "Cancel the visit",
}


def read_filters(request):
    form = CalendarFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    location = data.get("location") or Location.objects.select_related("page").first()
    day = (
        data.get("day")
        or timezone.now().astimezone(location.zone if location else datetime.UTC).date()
    )
    return form, location, day, data.get("view") or "day", data.get("provider")


def audit_listing(request, place, detail: str, visits) -> None:
    """One event per page that shows patients' names, naming the appointments shown."""
    if request.user.has_perm(CONTACT):
        shown = ", ".join(str(visit.pk) for visit in visits) or "none"
        record(
            action=AuditEvent.Action.VIEW,
            request=request,
            target_type="booking.appointment",
            detail=f"{detail} at {place}: appointments {shown}",
        )


@protected_view(MANAGE)
def calendar(request):
    form, location, day, view, provider = read_filters(request)
    context = {"filters": form, "location": location, "day": day, "view": view}
    if location is None:
        return TemplateResponse(request, "booking/admin/calendar.html", context)
    if view == "week":
        monday = day - datetime.timedelta(days=day.weekday())
        context["grid"] = desk.week_grid(location, monday, provider=provider)
        step = datetime.timedelta(days=7)
    else:
        context["grid"] = desk.day_grid(location, day, provider=provider)
        step = datetime.timedelta(days=1)
    query = {"location": location.pk, "view": view, "provider": provider.pk if provider else ""}
    context["previous"] = "?" + urlencode({**query, "day": day - step})
    context["next"] = "?" + urlencode({**query, "day": day + step})
    context["show_names"] = request.user.has_perm(CONTACT)
    hooks.mark_consents_to_sign(context["grid"].visits)
    audit_listing(request, location, f"{view} calendar {day}", context["grid"].visits)
    return TemplateResponse(request, "booking/admin/calendar.html", context)


@protected_view(MANAGE)
def my_schedule(request):
    """The signed-in clinician's own visits, a day or a week, at every location."""
    provider = Provider.objects.filter(user=request.user).first()
    form = ScheduleForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    zone = timezone.get_current_timezone()
    day, view = data.get("day") or timezone.localdate(), data.get("view") or "day"
    first = day - datetime.timedelta(days=day.weekday()) if view == "week" else day
    days = [first + datetime.timedelta(days=n) for n in range(7 if view == "week" else 1)]
    context = {"provider": provider, "filters": form, "view": view, "day": day}
    if provider is not None:
        start = datetime.datetime.combine(first, datetime.time(0), tzinfo=zone)
        visits = desk.schedule_of(provider, start, start + datetime.timedelta(days=len(days)))
        hooks.mark_consents_to_sign(visits)
        step = datetime.timedelta(days=len(days))
        context |= {
            "days": desk.by_day(visits, days, zone),
            "count": len(visits),
            "show_names": request.user.has_perm(CONTACT),
            "previous": "?" + urlencode({"view": view, "day": first - step}),
            "next": "?" + urlencode({"view": view, "day": first + step}),
        }
        audit_listing(request, provider, f"schedule {view} of {first}", visits)
    return TemplateResponse(request, "booking/admin/my_schedule.html", context)


@protected_view(MANAGE)
def day_sheet(request):
    form, location, day, _, provider = read_filters(request)
    if location is None:  # nothing set up yet: the calendar says what to do
        context = {"filters": form, "location": None}
        return TemplateResponse(request, "booking/admin/calendar.html", context)
    start, end = desk.local_day_range(location, day)
    visits = desk.appointments_between(location, start, end, provider=provider)
    shown = [v for v in visits if v.status != "cancelled"]
    hooks.mark_consents_to_sign(shown)
    audit_listing(request, location, f"day sheet {day}", shown)
    context = {
        "location": location,
        "day": day,
        "visits": shown,
        "show_names": request.user.has_perm(CONTACT),
    }
    return TemplateResponse(request, "booking/admin/day_sheet.html", context)


@protected_view(MANAGE)
def appointment(request, pk: int):
    visit = get_object_or_404(
        Appointment.objects.for_calendar().select_related(
            "series", "booked_by", "status_changed_by"
        ),
        pk=pk,
    )
    local = visit.local_start
    move_form = MoveForm(
        initial={"location": visit.location, "day": local.date(), "time": local.time()}
    )
    return render_appointment(request, visit, move_form)


def render_appointment(request, visit, move_form, *, status: int = 200):
    show_contact = request.user.has_perm(CONTACT)
    hooks.mark_consents_to_sign([visit])
    if show_contact:
        record(action=AuditEvent.Action.VIEW, request=request, target=visit)
    context = {
        "visit": visit,
        "show_contact": show_contact,
        "move_form": move_form,
        "actions": allowed_actions(visit),
        "money": hooks.staff_visit_lines(visit, request.user),
    }
    return TemplateResponse(request, "booking/admin/appointment.html", context, status=status)


def allowed_actions(visit) -> dict[str, str]:
    """The status buttons that would succeed now: the rest are hidden, not refused later."""
    booked = visit.status == AppointmentStatus.BOOKED
    allowed = {
        "arrived": booked and visit.arrival_refusal() is None,
        "completed": visit.status in (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED),
        "no_show": booked and visit.no_show_refusal() is None,
        "cancel": booked,
    }
    return {action: label for action, label in ACTIONS.items() if allowed[action]}


@require_POST
@protected_view(MANAGE)
def appointment_action(request, pk: int):
    visit = get_object_or_404(Appointment, pk=pk)
    action = request.POST.get("action", "")
    try:
        change_status(appointment=visit, action=action, by=request.user, request=request)
    except ValidationError as refusal:
        messages.error(request, refusal.messages[0])
    else:
        messages.success(request, f"Marked: {ACTIONS.get(action, action)}.")
    return redirect("booking_admin:appointment", pk)


@require_POST
@protected_view(MANAGE)
def appointment_move(request, pk: int):
    visit = get_object_or_404(Appointment.objects.for_calendar(), pk=pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        place = Place(form.cleaned_data["location"], visit.at_home)
        try:
            move_appointment(
                appointment=visit,
                starts_at=form.starts_at(),
                place=place,
                by=request.user,
                request=request,
            )
        except SlotUnavailable as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, "The visit has moved; the patient gets an e-mail.")
            return redirect("booking_admin:appointment", pk)
    return render_appointment(request, visit, form, status=400)


@protected_view(MANAGE)
def book(request):
    """Book for a caller: choose the visit, a day from the month of free times and a time
    (with its chair and provider), then the patient, found by name, phone or e-mail, or typed
    in."""
    chooser = VisitChooserForm(
        request.GET if "service" in request.GET else None, auto_id="visit_%s"
    )
    context = {"chooser": chooser, "token": new_form_token()}
    initial = {}
    if chooser.is_valid():
        initial = choose_visit(chooser.cleaned_data, context)
    searching = request.method == "POST" and "find" in request.POST
    initial |= find_patient(request, context)
    form = StaffBookingForm(None if searching else request.POST or None, initial=initial)
    if context.get("times") is not None:
        form.offer_times(context["times"])
    if request.method == "POST" and not searching and form.is_valid():
        data = form.cleaned_data
        place = Place(data["location"], at_home=data["at_home_visit"])
        patient = Patient(data["name"], data["email"], data["phone"], data.get("home_address", ""))
        try:
            visit = book_appointment(
                service=form.timed_service(),  # a drip holds the chair for its own minutes
                choice=data["choice"],
                place=place,
                starts_at=form.starts_at(),
                patient=patient,
                by=request.user,
                request=request,
                token=posted_form_token(request.POST),
            )
        except SlotUnavailable as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, "Booked; the patient gets a confirmation e-mail.")
            return redirect("booking_admin:appointment", visit.pk)
    context["form"] = form
    status = 400 if request.method == "POST" and not searching else 200
    return TemplateResponse(request, "booking/admin/book.html", context, status=status)


def choose_visit(data, context) -> dict:
    """The month of free days for the chosen visit and, once a day is chosen, its free times."""
    service, location, at_home = data["service"], data["location"], data["at_home_visit"]
    choice = data["choice"]
    if choice is not None:  # the drip's minutes decide which times are free
        service = service.lasting(choice.minutes)
    place = Place(location, at_home=at_home)
    today = timezone.now().astimezone(location.zone).date()
    last_month = (today + datetime.timedelta(days=BOOKING_HORIZON_DAYS)).replace(day=1)
    first = min(parse_month(data["month"] or None, today=today), last_month)
    month_start, month_end = month_bounds(first)
    free = desk.free_days(service, place, max(month_start, today), month_end)
    query = {"service": service.pk, "location": location.pk, "at_home_visit": at_home or ""}
    if choice is not None:
        query |= choice.query()
    context |= {
        "choice": choice,
        "month": build_month(first, free, today=today, last_month=last_month),
        "month_query": "?" + urlencode(query, doseq=True) + "&month=",
        "day_base": "?" + urlencode({**query, "month": f"{first:%Y-%m}"}, doseq=True) + "&day=",
        "place": place,
    }
    day = data.get("day")
    if day is None:
        return {}
    context |= {"chosen_day": day, "times": desk.free_times(service, place, day)}
    initial = {"service": data["service"], "location": location, "at_home_visit": at_home}
    if choice is not None:
        initial |= {"drip": str(choice.variant.pk), "add": [str(a.pk) for a in choice.add_ons]}
    return initial | {"day": day}


def find_patient(request, context) -> dict:
    """A patient (care), a candidate (intake) or a caller who booked before, found by the keyed
    hash of their whole e-mail, whole name or phone number (docs/decisions/038), posted (never
    in a URL); only for a role that may see patients' contact details, each app's finder only
    within the role its own screens need, and each search audited (what kind of search and how
    many were found, never what was typed)."""
    typed = request.POST.get("find", "").strip() if request.method == "POST" else ""
    context["may_find"] = request.user.has_perm(CONTACT)
    search = hooks.CallerSearch.read(typed)
    if search is None or not context["may_find"]:
        return {}
    # Not "search": Wagtail's page header prints a variable of that name.
    context["find"], context["caller_search"] = typed, search
    callers = hooks.find_callers(request.user, search)
    earlier = earlier_callers(search)
    callers.extend(
        hooks.Caller(
            "Earlier caller",
            visit.patient_name,
            visit.patient_email,
            visit.patient_phone,
            reverse("booking_admin:appointment", args=[visit.pk]),
        )
        for visit in earlier
    )
    found = earlier[0] if earlier else None
    context["found"], context["callers"] = found, callers
    record(
        action=AuditEvent.Action.VIEW,
        request=request,
        target=found,
        target_type="booking.caller_search",
        detail=f"searched by {search.label} for a caller to book for: {len(callers)} found",
    )
    if not callers:
        return {}
    first = callers[0]
    return {"name": first.name, "email": first.email, "phone": first.phone}


EARLIER_CALLERS = 5


def earlier_callers(search) -> list:
    """The latest appointment of each caller (told apart by e-mail) the search finds, newest
    first: one for an e-mail, a few for a name or a phone number that several people share."""
    latest: dict[str, Appointment] = {}
    visits = Appointment.objects.filter(search.lookup("patient_")).order_by("-created_at", "-pk")
    for visit in visits[: EARLIER_CALLERS * 10]:
        latest.setdefault(visit.patient_email_hash, visit)
        if len(latest) == EARLIER_CALLERS:
            break
    return list(latest.values())


@protected_view("booking.add_invitation")
def invitations(request):
    form = InvitationForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        issued = issue_invitation(
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            by=request.user,
            services=form.cleaned_data["services"],
            request=request,
        )
        form = InvitationForm()
    context = {"form": form, "issued": issued, "back": reverse("booking_admin:calendar")}
    return TemplateResponse(request, "booking/admin/invitations.html", context)
