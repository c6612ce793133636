"""The public booking steps: service, place, day, time, details, confirm. Plain forms and
links that work without JavaScript; every answer is private and never cached."""

import datetime
from functools import wraps

from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import hooks
from .availability import epoch, load_schedule
from .flow import (
    StepRefused,
    granted_invitation,
    known_details,
    parse_day,
    parse_start,
    read_flow,
)
from .forms import HOME, PatientForm, PlaceForm
from .links import VISITS_GRANTED, grant, visit_path
from .models import Service
from .models.appointments import new_form_token, posted_form_token
from .month import build_month, month_bounds, parse_month
from .series import SERIES_MAX_DAYS, propose_series
from .services import (
    BOOKING_HORIZON_DAYS,
    Patient,
    SlotUnavailable,
    already_booked,
    book_appointment,
    book_series,
    earliest_start,
    find_slot,
    offered_online,
)


def refused(request, message: str, *, back: str, status: int = 400):
    context = {"message": message, "back": back}
    return TemplateResponse(request, "booking/refused.html", context, status=status)


def booking_step(view):
    """Never cached; a step that cannot go on says why and where to go back to."""

    @never_cache
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except StepRefused as refusal:
            return refused(request, refusal.message, back=refusal.back)

    return wrapped


def show_booked(request, appointment):
    """The visit just booked, at its address without a token, opened in this browser."""
    grant(request.session, VISITS_GRANTED, appointment.pk)
    # A visit that takes a deposit goes on to the step that takes it (payments registers it).
    if step := hooks.payment_step(appointment):
        return redirect(step)
    return redirect(visit_path(appointment) + "?booked=1")


@booking_step
def start(request):
    invitation = granted_invitation(request)
    offered = Service.objects.bookable_online().prefetch_related("locations__page", "variants")
    services = [
        (service, offered_online(service=service, invitation=invitation)) for service in offered
    ]
    return TemplateResponse(request, "booking/start.html", {"services": services})


PLACE_FIELDS = ("place", "drip", "add", "exam")


@booking_step
def place(request, service: str):
    flow = read_flow(request, service)
    bound = any(name in request.GET for name in PLACE_FIELDS)
    form = PlaceForm(request.GET if bound else None, service=flow.service)
    valid = bound and form.is_valid()
    if bound and form.exam_due:  # the exam comes first, whatever else was chosen
        return redirect(exam_first_url())
    if valid:
        target = form.cleaned_data["place"]
        flow.zip_code = form.cleaned_data["zip"] if target == HOME else ""
        choice = {"drip": form.cleaned_data.get("drip"), "add": form.cleaned_data.get("add")}
        return redirect(
            reverse("booking:month", args=[flow.service.slug, target]) + flow.query(**choice)
        )
    status = 400 if bound else 200
    context = {"flow": flow, "form": form}
    return TemplateResponse(request, "booking/place.html", context, status=status)


def exam_first_url() -> str:
    """The booking of the good-faith exam, for someone who needs one before a drip."""
    exam = Service.objects.good_faith_exams().bookable_online().first()
    return reverse("booking:place", args=[exam.slug]) + "?before=drip"


def local_today(flow) -> datetime.date:
    return timezone.now().astimezone(flow.place.location.zone).date()


def last_bookable_day(flow) -> datetime.date:
    return local_today(flow) + datetime.timedelta(days=BOOKING_HORIZON_DAYS)


@booking_step
def month(request, service: str, place: str):
    flow = read_flow(request, service, place)
    today = local_today(flow)
    last_month = last_bookable_day(flow).replace(day=1)
    first = min(parse_month(request.GET.get("month"), today=today), last_month)
    month_start, month_end = month_bounds(first)
    month_start, month_end = max(month_start, today), min(month_end, last_bookable_day(flow))
    schedule = load_schedule(
        service=flow.service, place=flow.place, first=month_start, last=month_end
    )
    not_before = epoch(earliest_start(staff=False))
    free = {
        day
        for day, slots in schedule.days(month_start, month_end, not_before=not_before).items()
        if slots
    }
    context = {
        "flow": flow,
        "month": build_month(first, free, today=today, last_month=last_month),
        "query": flow.query(),
    }
    return TemplateResponse(request, "booking/month.html", context)


@booking_step
def day(request, service: str, place: str, day: str):
    flow = read_flow(request, service, place)
    chosen = parse_day(day)
    back = flow.url("booking:month", month=f"{chosen:%Y-%m}")
    if chosen < local_today(flow):
        raise StepRefused(
            _("That day has passed. Please choose a day from the calendar."), back=back
        )
    if chosen > last_bookable_day(flow):
        raise StepRefused(
            _("We take bookings up to %(days)s days ahead. Please choose an earlier day.")
            % {"days": BOOKING_HORIZON_DAYS},
            back=back,
        )
    schedule = load_schedule(service=flow.service, place=flow.place, first=chosen, last=chosen)
    slots = schedule.slots_on(chosen, not_before=epoch(earliest_start(staff=False)))
    times = [
        (slot.starts_at.astimezone(schedule.zone), slot.starts_at.isoformat()) for slot in slots
    ]
    context = {"flow": flow, "day": chosen, "times": times, "back": back}
    return TemplateResponse(request, "booking/day.html", context)


@booking_step
def details(request, service: str, place: str):
    earlier = already_booked(posted_form_token(request.POST)) if "confirm" in request.POST else None
    if earlier is not None:  # the same confirm sent twice: show what the first one booked
        return show_booked(request, earlier)
    flow = read_flow(request, service, place)
    starts_at = parse_start(request.GET.get("start") or request.POST.get("start"))
    if starts_at is None:
        raise StepRefused(_("Please choose a time from the list."), back=flow.url("booking:month"))
    try:
        first_slot = find_slot(
            service=flow.service, place=flow.place, starts_at=starts_at, staff=False
        )
    except SlotUnavailable as refusal:
        day_url = flow.url(
            "booking:day", f"{starts_at.astimezone(flow.place.location.zone):%Y-%m-%d}"
        )
        return refused(
            request, refusal.message, back=day_url, status=409 if refusal.code == "taken" else 400
        )
    form = PatientForm(
        request.POST if request.method == "POST" else None,
        initial=known_details(request, flow),
        at_home=flow.place.at_home,
        offers_series=flow.service.offers_series,
    )
    context = {
        "flow": flow,
        "form": form,
        "starts_at": starts_at,
        "start_value": starts_at.isoformat(),
    }
    context["local_start"] = starts_at.astimezone(flow.place.location.zone)
    if request.method != "POST":
        return TemplateResponse(request, "booking/details.html", context)
    if not form.is_valid() or "edit" in request.POST:
        return TemplateResponse(
            request, "booking/details.html", context, status=200 if form.is_valid() else 400
        )
    if form.wants_series:
        context["proposals"] = proposals_for(flow, first_slot)
        context["series_complete"] = all(p.slot for p in context["proposals"])
    if "confirm" in request.POST:
        return confirm(request, flow, form, starts_at, context)
    context["token"] = new_form_token()
    return TemplateResponse(request, "booking/review.html", context)


def proposals_for(flow, first_slot):
    first_day = first_slot.starts_at.astimezone(flow.place.location.zone).date()
    schedule = load_schedule(
        service=flow.service,
        place=flow.place,
        first=first_day,
        last=first_day + datetime.timedelta(days=SERIES_MAX_DAYS),
    )
    return propose_series(schedule, first_slot, not_before=epoch(earliest_start(staff=False)))


def confirm(request, flow, form, starts_at, context):
    data = form.cleaned_data
    patient = Patient(
        name=data["name"],
        email=data["email"],
        phone=data["phone"],
        home_address=data.get("home_address", ""),
    )
    token = posted_form_token(request.POST)
    try:
        if form.wants_series:
            series = book_series(
                service=flow.service,
                place=flow.place,
                starts=[parse_start(value) for value in request.POST.getlist("series_start")],
                first=starts_at,
                patient=patient,
                invitation=flow.invitation,
                token=token,
            )
            appointment = series.appointments.order_by("starts_at").first()
        else:
            appointment = book_appointment(
                service=flow.service,
                place=flow.place,
                starts_at=starts_at,
                patient=patient,
                invitation=flow.invitation,
                token=token,
                choice=flow.choice,
            )
    except SlotUnavailable as refusal:
        context["refusal"] = refusal
        context["token"] = new_form_token()
        return TemplateResponse(request, "booking/review.html", context, status=409)
    return show_booked(request, appointment)
