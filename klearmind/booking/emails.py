"""The e-mails a patient gets about a visit, and its calendar file. They carry the service,
the time, the place, the preparation rules and the private link: never health details. The
calendar file carries no private link: calendars are shared and synced, so it names the clinic's
phone and site instead."""

import datetime

import icalendar
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone

from klearmind.clinic.models import ClinicSettings

from .links import appointment_url
from .models import Appointment, EmailKind

ICS_NAME = "klearmind-visit.ics"
SUBJECTS = {
    EmailKind.CONFIRMATION: "Your visit is booked: {when}",
    EmailKind.MOVED: "Your visit has moved to {when}",
    EmailKind.CANCELLED: "Your visit on {when} is cancelled",
    "reminder": "Reminder: your visit tomorrow, {when}",
}


def where(appointment: Appointment) -> str:
    if appointment.at_home:
        return "At your home: we come to you."
    return f"{appointment.location.page.title} clinic, {appointment.location.page.one_line_address}"


def when(appointment: Appointment) -> str:
    start = appointment.local_start
    return f"{start:%A %-d %B %Y}, {start:%-I:%M %p} ({start:%Z})"


def build_message(appointment: Appointment, kind: str) -> EmailMessage:
    clinic = ClinicSettings.load()
    context = {
        "appointment": appointment,
        "kind": kind,
        "when": when(appointment),
        "where": where(appointment),
        "link": appointment_url(appointment),
        "preparation": appointment.service.preparation(),
        "clinic": clinic,
        "phone": appointment.location.page.phone,
        "series": [when(visit) for visit in series_of(appointment)]
        if kind == EmailKind.CONFIRMATION
        else [],
    }
    subject = SUBJECTS[kind].format(when=context["when"])
    body = render_to_string("booking/email/appointment.txt", context)
    message = EmailMessage(subject, body, to=[appointment.patient_email])
    if kind != EmailKind.CANCELLED:
        ics = calendar_file(appointment, whole_series=kind == EmailKind.CONFIRMATION)
        message.attach(ICS_NAME, ics, "text/calendar; method=PUBLISH")
    return message


def series_of(appointment: Appointment) -> list[Appointment]:
    """Every visit of the appointment's induction series, or none for a single visit."""
    if not appointment.series_id:
        return []
    visits = appointment.series.appointments.select_related("service", "location__page")
    return list(visits.order_by("starts_at"))


def calendar_file(appointment: Appointment, *, whole_series: bool = True) -> bytes:
    """An iCalendar file with the visit (and the rest of its series), each event with a UID
    that stays the same when the visit moves."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Klearmind//Booking//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    visits = (series_of(appointment) if whole_series else []) or [appointment]
    for visit in visits:
        calendar.add_component(calendar_event(visit))
    return calendar.to_ical()


def calendar_event(appointment: Appointment) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"appointment-{appointment.pk}@klearmind")
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", appointment.starts_at.astimezone(datetime.UTC))
    event.add("dtend", appointment.ends_at.astimezone(datetime.UTC))
    event.add("summary", f"{appointment.service.name}, Klearmind")
    event.add("location", where(appointment))
    site = settings.WAGTAILADMIN_BASE_URL + "/"
    lines = [
        *appointment.service.preparation(),
        "",
        "To move or cancel, open the private link in your booking e-mail or call us on "
        f"{appointment.location.page.phone}.",
        f"Klearmind: {site}",
    ]
    event.add("description", "\n".join(lines).strip())
    event.add("url", site)
    if appointment.status == "cancelled":
        event.add("status", "CANCELLED")
    return event
