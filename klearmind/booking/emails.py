"""The e-mails a patient gets about a visit, sent by the outbox, and its calendar file. They
carry the service, the time, the place, the preparation rules and the private link (signed as
the e-mail is built, stored nowhere): never health details. The calendar file carries no private
link: calendars are shared and synced, so it names the clinic's phone and site instead."""

import datetime

import icalendar
from django.conf import settings
from django.utils import timezone

from klearmind.clinic.models import ClinicSettings
from klearmind.outbox.models import OutgoingMessage
from klearmind.outbox.registry import Built, register_kind

from .links import appointment_url
from .models import Appointment, AppointmentStatus, EmailKind, Invitation

APPOINTMENT = "booking.appointment"
REMINDER = "reminder"
INVITATION = "invitation"

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


def outbox_kind(kind: str) -> str:
    return f"booking.{kind}"


def appointment_message(message: OutgoingMessage) -> Built | None:
    kind = message.kind.removeprefix("booking.")
    appointment = (
        Appointment.objects.select_related("service", "location__page")
        .filter(pk=message.about_id)
        .first()
    )
    if appointment is None:
        return None
    if kind == REMINDER and (
        appointment.status != AppointmentStatus.BOOKED
        or appointment.starts_at.isoformat() != message.params.get("starts_at")
    ):
        return None  # cancelled or moved since: the reminder of the new time is its own
    return build_message(appointment, kind)


def build_message(appointment: Appointment, kind: str) -> Built:
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
    built = Built(subject=SUBJECTS[kind].format(when=context["when"]), context=context)
    if kind != EmailKind.CANCELLED:
        ics = calendar_file(appointment, whole_series=kind == EmailKind.CONFIRMATION)
        built.attachments.append((ICS_NAME, ics, "text/calendar; method=PUBLISH"))
    return built


def invitation_message(message: OutgoingMessage) -> Built | None:
    invitation = Invitation.objects.filter(pk=message.about_id, used_at__isnull=True).first()
    if invitation is None:
        return None  # used meanwhile: nothing to invite to
    context = {"invitation": invitation, "clinic": ClinicSettings.load()}
    return Built(subject="Your personal link to book treatment", context=context)


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


def register() -> None:
    for kind in (*EmailKind.values, REMINDER):
        register_kind(
            outbox_kind(kind), template="booking/email/appointment", build=appointment_message
        )
    register_kind(
        outbox_kind(INVITATION), template="booking/email/invitation", build=invitation_message
    )
