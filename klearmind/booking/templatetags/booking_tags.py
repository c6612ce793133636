from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.dates import WEEKDAYS as DAY_NAMES
from django.utils.dates import WEEKDAYS_ABBR as DAY_ABBREVIATIONS
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import hooks, menu
from ..models import (
    BookingSettings,
    Location,
    OnlineBooking,
    Provider,
    Service,
    ServiceKind,
    TeamPage,
    VariantKind,
)
from ..models.setup import ExamBy

register = template.Library()

STEPS = [
    (1, _("Service")),
    (2, _("Place")),
    (3, _("Day")),
    (4, _("Time")),
    (5, _("Your details")),
    (6, _("Confirm")),
]
# Django's names of the days, Monday first, in the language of the page.
WEEKDAYS = [(DAY_ABBREVIATIONS[day], DAY_NAMES[day]) for day in range(7)]


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


@register.simple_tag
def deposits_online() -> bool:
    """Whether a deposit is paid by card online on the step after booking (card payments on),
    rather than taken by the clinic when it calls to confirm."""
    return hooks.deposits_online()


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
        return gettext("By phone: a clinician calls you on the number you give us.")
    return gettext("By secure video: we send you the link to join before the call.")


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


@register.inclusion_tag("booking/consent_badge.html")
def consent_badge(appointment):
    """ "Consent to sign" on a staff calendar entry or visit whose patient has consent documents
    still to sign before the treatment (set by `hooks.mark_consents_to_sign`); their names in
    the title. Only that a document is unsigned, never anything from the health record."""
    return {"documents": getattr(appointment, "consents_to_sign", [])}


@register.inclusion_tag("booking/location_card.html")
def location_booking_card(page):
    """The booking card of a location page: the free consultation here first, then the other
    services anyone may book online at this clinic."""
    # The page or any of its translations: the clinic is one, whatever the language.
    location = Location.objects.filter(page__translation_key=page.translation_key).first()
    if location is None:
        return {"location": None}
    services = [
        service
        for service in Service.objects.bookable_online().filter(locations=location)
        if not service.needs_invitation and not service.is_good_faith_exam
    ]
    services.sort(
        key=lambda service: (service.kind != ServiceKind.CONSULTATION, service.sort_order)
    )
    return {
        "location": location,
        "links": [(service, booking_link(service, location)) for service in services],
    }


def booking_link(service, location) -> str:
    # A drip is chosen from the menu on the first step, so the flow starts there.
    if menu.has_menu(service):
        return reverse("booking:place", args=[service.slug])
    return reverse("booking:month", args=[service.slug, location.slug])


@register.inclusion_tag("booking/reviewed_by.html")
def reviewed_by(page):
    """ "Medically reviewed by … on …" on an article, the name linked to its person on the
    team page when the reviewer is on the team (matched by the name the article gives)."""
    member = Provider.objects.on_team().filter(name=page.reviewed_by).first()
    team = TeamPage.objects.live().public().first()
    anchor = ""
    if member is not None and team is not None:
        anchor = f"{team.url}#{member.anchor}"
    return {"page": page, "link": anchor}
