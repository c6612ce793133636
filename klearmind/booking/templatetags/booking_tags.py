from django import template
from django.conf import settings

from klearmind.clinic.hours import Weekday

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
