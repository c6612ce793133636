"""The e-mails a patient gets about a visit, sent by the outbox, and its calendar files. They
carry the service, the time, the place, the preparation rules and the private link (signed as
the e-mail is built, stored nowhere): never health details. A calendar file carries no private
link: calendars are shared and synced, so it names the clinic's phone and site instead.

The e-mails are in English, whichever language the visit was booked in: they are built in
English even when sent while a Spanish page is answered. The visit's page and the calendar
file downloaded from it follow the language of the page.

Each visit is one calendar event with one UID for its whole life. Its file is an iTIP message
(RFC 5546): METHOD:REQUEST while the visit stands (booked, moved), METHOD:CANCEL with
STATUS:CANCELLED once it is cancelled, and SEQUENCE from the appointment, one more on every change,
so a calendar app updates or removes the event it already has. The files are built when the
e-mail is sent, from the visit as it stands then, and are never stored."""

import datetime
from email.utils import parseaddr

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from klearmind.clinic.models import ClinicSettings
from klearmind.outbox.models import OutgoingMessage
from klearmind.outbox.registry import Built, register_kind

from .links import appointment_url
from .models import Appointment, AppointmentStatus, EmailKind, Invitation

APPOINTMENT = "booking.appointment"
REMINDER = "reminder"
INVITATION = "invitation"

ICS_NAME = "klearmind-visit.ics"
PHONE_CALL = gettext_lazy("Phone call — we will call you on %(phone)s")
# Translators: a visit's day, time and time zone, as Django's "date" filter writes them.
VISIT_TIME = gettext_lazy("l j F Y, g:i A (T)")
SUBJECTS = {
    EmailKind.CONFIRMATION: "Your visit is booked: {when}",
    EmailKind.MOVED: "Your visit has moved to {when}",
    EmailKind.CANCELLED: "Your visit on {when} is cancelled",
    "reminder": "Reminder: your visit tomorrow, {when}",
}
SERIES_SUBJECTS = {
    EmailKind.MOVED: "{count} visits of your series have moved",
    EmailKind.CANCELLED: "{count} visits of your series are cancelled",
}


def where(appointment: Appointment) -> str:
    """Where the visit happens, in words: a phone call names the number we call, never an
    address; a home visit says we come; a clinic visit gives the clinic's address."""
    if appointment.by_phone:
        return PHONE_CALL % {"phone": appointment.patient_phone}
    if appointment.at_home:
        return _("At your home: we come to you.")
    page = appointment.location.page
    return _("%(place)s clinic, %(address)s") % {
        "place": page.title,
        "address": page.one_line_address,
    }


def when(appointment: Appointment) -> str:
    return dateformat.format(appointment.local_start, str(VISIT_TIME))


def outbox_kind(kind: str) -> str:
    return f"booking.{kind}"


def appointment_message(message: OutgoingMessage) -> Built | None:
    with translation.override("en"):
        return english_appointment_message(message)


def english_appointment_message(message: OutgoingMessage) -> Built | None:
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
    return build_message(appointment, kind, message.params.get("visits"))


def build_message(appointment: Appointment, kind: str, visits: list[int] | None = None) -> Built:
    """The e-mail of `kind`; `visits` names the visits of the series it is about (a series
    moved or cancelled at once), each with its calendar file."""
    clinic = ClinicSettings.load()
    series = series_of(appointment)
    context = {
        "appointment": appointment,
        "kind": kind,
        "when": when(appointment),
        "where": where(appointment),
        "link": appointment_url(appointment),
        # The patient portal, where all their visits and forms are once they sign in.
        "portal_link": settings.WAGTAILADMIN_BASE_URL + reverse("portal:home"),
        "preparation": appointment.service.preparation(),
        "clinic": clinic,
        "phone": appointment.location.page.phone,
        "series": [
            {"when": when(visit), "status": visit.get_status_display(), "pk": visit.pk}
            for visit in series
        ],
        "changed": len(visits or ()),
    }
    built = Built(subject=subject(appointment, kind, visits), context=context)
    if kind != REMINDER:
        for visit in attached_visits(appointment, kind, series, visits):
            built.attachments.append(calendar_attachment(visit))
    return built


def subject(appointment: Appointment, kind: str, visits: list[int] | None) -> str:
    if visits and len(visits) > 1 and kind in SERIES_SUBJECTS:
        return SERIES_SUBJECTS[kind].format(count=len(visits))
    return SUBJECTS[kind].format(when=when(appointment))


def attached_visits(appointment, kind, series, visits) -> list[Appointment]:
    """The visits whose calendar files the e-mail carries: those it names, else the whole
    series when it is booked, else the visit itself."""
    if visits:
        named = [visit for visit in series if visit.pk in visits]
        return named or [appointment]
    if kind == EmailKind.CONFIRMATION and series:
        return series
    return [appointment]


def calendar_attachment(visit: Appointment) -> tuple[str, bytes, str]:
    method = calendar_method(visit)
    name = f"klearmind-visit-{visit.local_start:%Y-%m-%d-%H%M}.ics"
    return name, calendar_file(visit), f"text/calendar; method={method}"


def invitation_message(message: OutgoingMessage) -> Built | None:
    with translation.override("en"):
        return english_invitation_message(message)


def english_invitation_message(message: OutgoingMessage) -> Built | None:
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


def calendar_method(appointment: Appointment) -> str:
    return "CANCEL" if appointment.status == AppointmentStatus.CANCELLED else "REQUEST"


def calendar_file(appointment: Appointment) -> bytes:
    """The visit's iCalendar file as it stands: REQUEST, or CANCEL once cancelled."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Klearmind//Booking//EN")
    calendar.add("version", "2.0")
    calendar.add("method", calendar_method(appointment))
    calendar.add_component(calendar_event(appointment))
    return calendar.to_ical()


def calendar_event(appointment: Appointment) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"appointment-{appointment.pk}@klearmind")
    event.add("sequence", appointment.sequence)
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", appointment.starts_at.astimezone(datetime.UTC))
    event.add("dtend", appointment.ends_at.astimezone(datetime.UTC))
    event.add("summary", f"{appointment.service.name}, Klearmind")
    event.add("location", where(appointment))
    site = settings.WAGTAILADMIN_BASE_URL + "/"
    lines = [
        *appointment.service.preparation(),
        "",
        _(
            "To move or cancel, open the private link in your booking e-mail or call us on "
            "%(phone)s."
        )
        % {"phone": appointment.location.page.phone},
        f"Klearmind: {site}",
    ]
    event.add("description", "\n".join(lines).strip())
    event.add("url", site)
    # iTIP needs an organizer and the attendee the message is for (RFC 5546, 3.2.2, 3.2.5).
    organizer = icalendar.vCalAddress(f"mailto:{organizer_email()}")
    organizer.params["cn"] = icalendar.vText(ClinicSettings.load().clinic_name)
    event.add("organizer", organizer)
    attendee = icalendar.vCalAddress(f"mailto:{appointment.patient_email}")
    attendee.params["rsvp"] = icalendar.vText("FALSE")
    event.add("attendee", attendee)
    cancelled = appointment.status == AppointmentStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def organizer_email() -> str:
    return ClinicSettings.load().email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def register() -> None:
    for kind in (*EmailKind.values, REMINDER):
        register_kind(
            outbox_kind(kind), template="booking/email/appointment", build=appointment_message
        )
    register_kind(
        outbox_kind(INVITATION), template="booking/email/invitation", build=invitation_message
    )
