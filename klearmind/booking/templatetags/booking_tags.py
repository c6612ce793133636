from django import template
from django.conf import settings

from klearmind.clinic.hours import Weekday

from .. import menu
from ..models import BookingSettings, OnlineBooking, VariantKind
from ..models.setup import ExamBy

register = template.Library()

STEPS = [(1, "Service"), (2, "Place"), (3, "Day"), (4, "Time"), (5, "Your details"), (6, "Confirm")]
WEEKDAYS = [(day.short_label, day.label) for day in Weekday]


@register.inclusion_tag("booking/steps.html")
def booking_steps(step: int):
    return {"steps": STEPS, "step": step}


@register.inclusion_tag("booking/month_grid.html")
def month_grid(month, day_base: str, day_suffix: str = ""):
    return {"month": month, "day_base": day_base, "day_suffix": day_suffix, "WEEKDAYS": WEEKDAYS}


@register.simple_tag(takes_context=True)
def booking_zone(context) -> str:
    """The time zone of the place being booked or of the visit shown, else the clinic's."""
    flow, appointment = context.get("flow"), context.get("appointment")
    if flow is not None and flow.place is not None:
        return flow.place.location.time_zone
    if appointment is not None:
        return appointment.location.time_zone
    return settings.TIME_ZONE


@register.filter
def dollars(amount) -> str:
    """A price in dollars, with cents only where there are some: $149, $149.50."""
    return "" if amount in (None, "") else menu.dollars(amount)


@register.filter
def menu_summary(service) -> str:
    return menu.menu_summary(service)


@register.simple_tag
def booking_exam_by() -> str:
    """How the clinic holds the good-faith exam, as the booking steps say it."""
    if BookingSettings.load().good_faith_exam_by == ExamBy.PHONE:
        return "By phone: a clinician calls you on the number you give us."
    return "By secure video: we send you the link to join before the call."


@register.inclusion_tag("booking/service_menu.html")
def service_menu(page):
    """The drip menu of the service `page` describes, for the public service page: one price
    list, the booking's (docs/decisions/030)."""
    service = menu.service_menu(page)
    if service is None:
        return {"service": None}
    variants = list(service.variants.active())
    return {
        "service": service,
        "drips": [v for v in variants if v.kind == VariantKind.DRIP],
        "add_ons": [v for v in variants if v.kind == VariantKind.ADD_ON],
        "home_visit_fee": menu.dispatch_fee(at_home=True) if service.offered_at_home() else None,
        "bookable": service.online_booking != OnlineBooking.STAFF,
    }


@register.inclusion_tag("booking/exam_due_badge.html")
def exam_due_badge(appointment):
    """ "Exam due" on a staff calendar entry or visit: a drip with no good-faith exam before it."""
    return {"exam_due": appointment.exam_due}
