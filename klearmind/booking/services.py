"""Booking workflows. Every one that takes a chair or a provider first locks the location
(an UPDATE of its row, the first statement of the transaction) and then re-checks the slot
against the database, so two people can never be given the same chair or provider."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record
from klearmind.outbox.models import OutgoingMessage
from klearmind.outbox.services import enqueue

from . import clearance, hooks
from .availability import Place, Slot, epoch, load_schedule, occupied_span
from .emails import INVITATION, outbox_kind
from .models import (
    ACTIVE_STATUSES,
    Appointment,
    BookingRequest,
    EmailKind,
    Invitation,
    Location,
    OnlineBooking,
    Provider,
    Series,
    Service,
)
from .series import SERIES_GAP_DAYS, SERIES_INFUSIONS, SERIES_MAX_DAYS, propose_series
from .tasks import send_reminder

# How far ahead patients may book, and how soon: the front desk may book any free slot.
BOOKING_HORIZON_DAYS = 180
ONLINE_LEAD_MINUTES = 60
REMINDER_AHEAD = datetime.timedelta(hours=24)


class SlotUnavailable(Exception):
    """A booking the clinic cannot take, with a message for the person booking."""

    def __init__(self, message: str, *, code: str, number: int | None = None):
        super().__init__(message)
        self.message, self.code, self.number = message, code, number


@dataclass(frozen=True)
class Patient:
    name: str
    email: str
    phone: str
    home_address: str = ""


def earliest_start(*, staff: bool, now: datetime.datetime | None = None) -> datetime.datetime:
    now = now or timezone.now()
    return now if staff else now + datetime.timedelta(minutes=ONLINE_LEAD_MINUTES)


INVITATION_USED = gettext_lazy(
    "This booking link has been used or has expired. Please call us and we will send a new one."
)


def day_in_words(day: datetime.date) -> str:
    """ "Thursday 3 December", in the language of the page."""
    return dateformat.format(day, _("l j F"))


def check_offered(
    *,
    service: Service,
    place: Place | None = None,
    staff: bool,
    invitation: Invitation | None = None,
    email: str | None = None,
    moving: bool = False,
) -> None:
    """Refuse a service to someone who may not book it, or at a place it is not given (no
    `place`: the person only). The one check of who may book what where, for every booking
    step and workflow. A new treatment booking by the front desk names the patient's `email`:
    it is booked only for someone a clinician has accepted (a visit being moved was checked
    when it was booked, as was the patient's invitation: `moving` asks for none again)."""
    if not service.active:
        raise SlotUnavailable(_("This service is not offered at the moment."), code="inactive")
    if not staff:
        check_online(service=service, invitation=invitation, moving=moving)
    if place is not None:
        check_place(service=service, place=place)
    if staff:
        check_accepted(service=service, email=email)


def check_online(*, service: Service, invitation: Invitation | None, moving: bool = False) -> None:
    if service.online_booking == OnlineBooking.STAFF:
        raise SlotUnavailable(
            _("%(service)s is booked by the clinic. Please call us.") % {"service": service.name},
            code="staff_only",
        )
    # needs_invitation holds for every treatment, even one whose row says "anyone".
    if moving or not service.needs_invitation or (invitation and invitation.unlocks(service)):
        return
    if invitation is not None and not invitation.is_usable:
        raise SlotUnavailable(INVITATION_USED, code="invitation_used")
    raise SlotUnavailable(
        _(
            "%(service)s can be booked online once a clinician has reviewed your "
            "questionnaire and sent you a personal booking link. You can book a free phone "
            "consultation now."
        )
        % {"service": service.name},
        code="needs_invitation",
    )


def offered_online(*, service: Service, invitation: Invitation | None) -> bool:
    try:
        check_online(service=service, invitation=invitation)
    except SlotUnavailable:
        return False
    return True


def check_place(*, service: Service, place: Place) -> None:
    if place.at_home and (refusal := service.home_refusal(place.location)):
        raise SlotUnavailable(f"{refusal}.", code="not_here")
    if not place.at_home and not service.locations.filter(pk=place.location.pk).exists():
        raise SlotUnavailable(
            _("%(service)s is not offered in %(place)s.")
            % {"service": service.name, "place": place.location},
            code="not_here",
        )


def check_accepted(*, service: Service, email: str | None) -> None:
    if email is None or not service.is_treatment or clearance.is_accepted(email):
        return
    raise SlotUnavailable(
        f"{service.name} can be booked only for someone a clinician has accepted for "
        "treatment. Ask a clinician to accept their questionnaire or open their patient "
        "record first, or book a consultation.",
        code="not_accepted",
    )


def lock(*locations: Location, service: Service) -> None:
    """Take the booking locks: the locations' rows, then the service's providers' rows, always
    in that order and by key, so two bookings never wait for each other in a circle."""
    for pk in sorted({location.pk for location in locations}):
        Location.objects.filter(pk=pk).update(booking_sequence=F("booking_sequence") + 1)
    list(
        Provider.objects.select_for_update()
        .filter(services=service)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def find_slot(
    *,
    service: Service,
    place: Place,
    starts_at: datetime.datetime,
    staff: bool,
    exclude: tuple[int, ...] = (),
    number: int | None = None,
) -> Slot:
    """The free slot starting at `starts_at`, or SlotUnavailable saying why there is none."""
    not_before = earliest_start(staff=staff)
    if starts_at < not_before:
        raise SlotUnavailable(
            _(
                "That time has already passed or is too soon to book online. Please choose a "
                "later time."
            ),
            code="past",
            number=number,
        )
    if starts_at > timezone.now() + datetime.timedelta(days=BOOKING_HORIZON_DAYS):
        raise SlotUnavailable(
            _("We take bookings up to %(days)s days ahead.") % {"days": BOOKING_HORIZON_DAYS},
            code="too_far",
            number=number,
        )
    day = starts_at.astimezone(place.location.zone).date()
    schedule = load_schedule(service=service, place=place, first=day, last=day, exclude=exclude)
    slot = schedule.slot_at(starts_at, not_before=epoch(not_before))
    if slot is not None:
        return slot
    if schedule.without_bookings().slot_at(starts_at, not_before=epoch(not_before)) is None:
        raise SlotUnavailable(
            _(
                "We are not open for this service at that time. Please choose one of the times "
                "shown."
            ),
            code="outside_hours",
            number=number,
        )
    raise SlotUnavailable(
        _("Sorry, that time was just taken. Please choose another."), code="taken", number=number
    )


def book_appointment(
    *,
    service: Service,
    place: Place,
    starts_at: datetime.datetime,
    patient: Patient,
    by=None,
    request=None,
    invitation: Invitation | None = None,
    token: str = "",
    choice=None,
) -> Appointment:
    """Book one visit, or return the visit already booked with this form token. The front
    desk's booking (`by`) is written to the audit log in the same transaction. `choice`, a
    drip from the service's menu (`menu.DripChoice`), is recorded with its price now."""
    with transaction.atomic():
        lock(place.location, service=service)
        earlier = already_booked(token)
        if earlier is not None:
            return earlier
        check_offered(
            service=service,
            place=place,
            staff=by is not None,
            invitation=invitation,
            email=patient.email,
        )
        appointment = reserve_slot(
            service=service, place=place, starts_at=starts_at, patient=patient, by=by
        )
        if choice is not None:
            choice.record(appointment)
        audit(AuditEvent.Action.CREATE, appointment, by=by, request=request)
        _finish(appointment, invitation=invitation, token=token)
    return appointment


def book_series(
    *,
    service: Service,
    place: Place,
    starts: list[datetime.datetime | None],
    patient: Patient,
    first: datetime.datetime | None = None,
    by=None,
    request=None,
    invitation: Invitation | None = None,
    token: str = "",
) -> Series:
    """Book every visit of an induction series or none; SlotUnavailable names the one taken.
    `first`, when given, is the time the person chose: the series must begin there."""
    with transaction.atomic():
        lock(place.location, service=service)
        earlier = already_booked(token)
        if earlier is not None:
            return earlier.series
        check_offered(
            service=service,
            place=place,
            staff=by is not None,
            invitation=invitation,
            email=patient.email,
        )
        check_series(starts, first=first)
        series = Series.objects.create(service=service)
        for number, starts_at in enumerate(starts, start=1):
            appointment = reserve_slot(
                service=service,
                place=place,
                starts_at=starts_at,
                patient=patient,
                by=by,
                series=series,
                number=number,
            )
            audit(AuditEvent.Action.CREATE, appointment, by=by, request=request)
            if number == 1:
                _finish(appointment, invitation=invitation, token=token)
            else:
                _schedule_reminder(appointment)
    return series


def check_series(starts: list[datetime.datetime | None], *, first=None) -> None:
    """The series rule: SERIES_INFUSIONS times, each a time, beginning at `first` if given."""
    if (
        len(starts) != SERIES_INFUSIONS
        or None in starts
        or (first is not None and starts[0] != first)
    ):
        raise SlotUnavailable(
            _("The series changed while you were booking. Please look at it again."),
            code="series_changed",
        )


def already_booked(token: str) -> Appointment | None:
    if not token:
        return None
    earlier = BookingRequest.objects.for_token(token).select_related("appointment").first()
    return earlier.appointment if earlier else None


def reserve_slot(
    *, service, place, starts_at, patient, by, series=None, number=None
) -> Appointment:
    """Create the appointment in a free slot; call it holding the lock (see `lock`)."""
    slot = find_slot(
        service=service, place=place, starts_at=starts_at, staff=by is not None, number=number
    )
    ends_at, occupied_from, occupied_until = occupied_span(
        service=service, place=place, starts_at=starts_at
    )
    return Appointment.objects.create(
        service=service,
        location=place.location,
        provider_id=slot.provider_id,
        at_home=place.at_home,
        chair=slot.chair,
        starts_at=starts_at,
        ends_at=ends_at,
        occupied_from=occupied_from,
        occupied_until=occupied_until,
        patient_name=patient.name,
        patient_email=patient.email,
        patient_phone=patient.phone,
        home_address=patient.home_address if place.at_home else "",
        series=series,
        booked_by=by,
    )


def _finish(appointment: Appointment, *, invitation, token: str) -> None:
    if invitation is not None and appointment.service.needs_invitation:
        try:
            invitation.use()
        except ValidationError:
            raise SlotUnavailable(INVITATION_USED, code="invitation_used") from None
        appointment.invitation = invitation
        appointment.save(update_fields=["invitation"])
    if token:
        BookingRequest.objects.record(token=token, appointment=appointment)
    hooks.booked(appointment)
    queue_email(appointment, kind=EmailKind.CONFIRMATION)
    _schedule_reminder(appointment)


def move_appointment(
    *,
    appointment: Appointment,
    starts_at: datetime.datetime,
    place: Place | None = None,
    by=None,
    request=None,
) -> Appointment:
    """Move a booked visit to another free time (and place); the patient (no `by`) only
    outside the cancellation notice window."""
    place = place or Place(appointment.location, appointment.at_home)
    with transaction.atomic():
        lock(appointment.location, place.location, service=appointment.service)
        appointment = Appointment.objects.select_related("service", "location__page").get(
            pk=appointment.pk
        )
        check_changeable(appointment, by=by)
        check_offered(service=appointment.service, place=place, staff=by is not None, moving=True)
        check_series_spacing(appointment, starts_at, place)
        slot = find_slot(
            service=appointment.booked_service,  # a drip moves with its own minutes
            place=place,
            starts_at=starts_at,
            staff=by is not None,
            exclude=(appointment.pk,),
        )
        place_visit(appointment, place=place, slot=slot)
        audit(AuditEvent.Action.CHANGE, appointment, by=by, request=request, detail="moved")
        queue_email(appointment, kind=EmailKind.MOVED)
        _schedule_reminder(appointment)
    return appointment


def series_window(appointment: Appointment, zone) -> tuple[datetime.date, datetime.date, list]:
    """The days one visit of a series may move to: two to three days after the infusion
    before it and before the one after it (series.py, CLINICAL.md), never a wider gap than
    the series already has there; and the neighbours that set those days."""
    others = (
        Appointment.objects.filter(series_id=appointment.series_id, status__in=ACTIVE_STATUSES)
        .exclude(pk=appointment.pk)
        .order_by("starts_at")
    )
    before = [v for v in others if v.starts_at < appointment.starts_at][-1:]
    after = [v for v in others if v.starts_at > appointment.starts_at][:1]
    today = appointment.starts_at.astimezone(zone).date()
    shortest, longest = (datetime.timedelta(days=gap) for gap in SERIES_GAP_DAYS)
    first, last = datetime.date.min, datetime.date.max
    if before:
        previous = before[0].starts_at.astimezone(zone).date()
        first = previous + shortest
        last = previous + max(longest, today - previous)
    if after:
        following = after[0].starts_at.astimezone(zone).date()
        first = max(first, following - max(longest, following - today))
        last = min(last, following - shortest)
    return min(first, today), max(last, today), before + after


def check_series_spacing(appointment: Appointment, starts_at, place: Place) -> None:
    """One visit of a series moves only as far as the spacing from its neighbours allows;
    SlotUnavailable says which days it may take instead."""
    if appointment.series_id is None:
        return
    zone = place.location.zone
    first, last, neighbours = series_window(appointment, zone)
    if first <= starts_at.astimezone(zone).date() <= last:
        return
    days = [day_in_words(visit.starts_at.astimezone(zone)) for visit in neighbours]
    allowed = (
        _("another time on %(day)s") % {"day": day_in_words(first)}
        if first == last
        else _("a day from %(first)s to %(last)s")
        % {"first": day_in_words(first), "last": day_in_words(last)}
    )
    low, high = SERIES_GAP_DAYS
    raise SlotUnavailable(
        _(
            "Infusions of a series are %(low)s to %(high)s days apart, and this visit's "
            "neighbours in the series are on %(days)s. It can move to %(allowed)s. To move the "
            "rest of the series with it, move all remaining visits of the series instead."
        )
        % {"low": low, "high": high, "days": _(" and ").join(days), "allowed": allowed},
        code="series_spacing",
    )


def place_visit(appointment: Appointment, *, place: Place, slot: Slot) -> None:
    """Put a visit in a free slot (found holding the lock): its calendar event changes. It
    keeps the length it was booked with (a drip's and its add-ons' minutes)."""
    ends_at, occupied_from, occupied_until = occupied_span(
        service=appointment.booked_service, place=place, starts_at=slot.starts_at
    )
    appointment.location, appointment.at_home = place.location, place.at_home
    appointment.provider_id, appointment.chair = slot.provider_id, slot.chair
    appointment.starts_at, appointment.ends_at = slot.starts_at, ends_at
    appointment.occupied_from, appointment.occupied_until = occupied_from, occupied_until
    appointment.reminder_sent_at = None
    appointment.sequence += 1
    appointment.save(
        update_fields=[
            "location",
            "at_home",
            "provider",
            "chair",
            "starts_at",
            "ends_at",
            "occupied_from",
            "occupied_until",
            "reminder_sent_at",
            "sequence",
        ]
    )


def check_changeable(appointment: Appointment, *, by) -> None:
    if not appointment.is_open:
        raise SlotUnavailable(
            _("This visit is %(status)s and cannot be changed.")
            % {"status": appointment.get_status_display().lower()},
            code="wrong_status",
        )
    try:
        appointment.check_notice(by=by, change="move")
    except ValidationError as refusal:
        raise SlotUnavailable(refusal.messages[0], code=refusal.code) from None


def cancel_appointment(*, appointment: Appointment, by=None, reason: str = "") -> Appointment:
    """Cancel a booked visit and tell the patient; ValidationError inside the notice window
    when the patient cancels."""
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        appointment.cancel(by=by, reason=reason)
        queue_email(appointment, kind=EmailKind.CANCELLED)
    return appointment


SERIES_CHANGED = gettext_lazy(
    "Your series changed in another window or tab while this page was open. Nothing has "
    "changed here: please look at it again."
)


@dataclass(frozen=True)
class SeriesPlan:
    """A series as it stands for one person acting on it: the visits they may change now
    (`changeable`), the booked ones they may not (inside the notice window, for a patient),
    and a version that changes whenever any visit of the series changes."""

    visits: list[Appointment]
    changeable: list[Appointment]
    kept: list[Appointment]
    version: str


def plan_series(series: Series, *, by=None, lock_rows: bool = False) -> SeriesPlan:
    """The remaining visits of `series`: booked and not yet begun, each changeable unless a
    patient (no `by`) is inside its notice window."""
    visits = Appointment.objects.filter(series=series).select_related("service", "location__page")
    if lock_rows:
        visits = visits.select_for_update(of=("self",))
    visits = list(visits.order_by("starts_at", "pk"))
    now = timezone.now()
    remaining = [visit for visit in visits if visit.is_open and visit.starts_at > now]
    kept = [visit for visit in remaining if by is None and visit.inside_notice_window(now=now)]
    changeable = [visit for visit in remaining if visit not in kept]
    version = ".".join(f"{visit.pk}-{visit.sequence}-{visit.status}" for visit in visits)
    return SeriesPlan(visits, changeable, kept, version)


def check_series_version(plan: SeriesPlan, version: str | None) -> None:
    if version is not None and version != plan.version:
        raise SlotUnavailable(SERIES_CHANGED, code="series_changed")


def cancel_series(
    *,
    series: Series,
    by=None,
    request=None,
    reason: str = "",
    version: str | None = None,
    token: str = "",
) -> list[Appointment]:
    """Cancel every remaining visit of the series that may be cancelled now (a patient's
    visits inside the notice window stay booked) and send one e-mail naming them. `version`,
    when given, is the series as the person saw it: changed since, nothing is cancelled. A
    form `token` sent again changes nothing more and returns the visit it changed."""
    with transaction.atomic():
        plan = plan_series(series, by=by, lock_rows=True)
        if (earlier := already_booked(token)) is not None:
            return [earlier]
        check_series_version(plan, version)
        if not plan.changeable:
            raise SlotUnavailable(
                _("There is no visit left in this series that can be cancelled online."),
                code="nothing_left",
            )
        for visit in plan.changeable:
            visit.cancel(by=by, reason=reason)
            audit(AuditEvent.Action.CHANGE, visit, by=by, request=request, detail="cancel series")
        if token:
            BookingRequest.objects.record(token=token, appointment=plan.changeable[0])
        queue_series_email(plan.changeable, kind=EmailKind.CANCELLED)
    return plan.changeable


def move_series(
    *,
    series: Series,
    starts_at: datetime.datetime,
    place: Place | None = None,
    by=None,
    request=None,
    version: str | None = None,
    token: str = "",
) -> list[Appointment]:
    """Move every remaining visit of the series that may be moved now: the first to
    `starts_at`, each next one two to three days later at the same time of day (series.py).
    All or none: SlotUnavailable, and nothing changes, unless every one gets a free slot."""
    with transaction.atomic():
        first = Appointment.objects.filter(series=series).select_related("location").first()
        if first is None:
            raise SlotUnavailable(_("This series has no visits."), code="nothing_left")
        place = place or Place(first.location, first.at_home)
        lock(first.location, place.location, service=series.service)
        plan = plan_series(series, by=by, lock_rows=True)
        if (earlier := already_booked(token)) is not None:
            return [earlier]
        check_series_version(plan, version)
        moving = plan.changeable
        if not moving:
            raise SlotUnavailable(
                _("There is no visit left in this series that can be moved online."),
                code="nothing_left",
            )
        check_offered(service=series.service, place=place, staff=by is not None, moving=True)
        check_series_gap(plan, moving, starts_at, place)
        for visit, slot in zip(moving, series_slots(moving, starts_at, place, by=by), strict=True):
            place_visit(visit, place=place, slot=slot)
            audit(AuditEvent.Action.CHANGE, visit, by=by, request=request, detail="move series")
            _schedule_reminder(visit)
        if token:
            BookingRequest.objects.record(token=token, appointment=moving[0])
        queue_series_email(moving, kind=EmailKind.MOVED)
    return moving


def check_series_gap(plan: SeriesPlan, moving, starts_at, place: Place) -> None:
    """The moved visits keep the series' spacing from the visits that stay (done or kept)."""
    staying = [
        visit
        for visit in plan.visits
        if visit not in moving and visit.status in ACTIVE_STATUSES and visit.starts_at < starts_at
    ]
    if not staying:
        return
    zone = place.location.zone
    last = max(visit.starts_at for visit in staying).astimezone(zone).date()
    earliest = last + datetime.timedelta(days=SERIES_GAP_DAYS[0])
    if starts_at.astimezone(zone).date() < earliest:
        raise SlotUnavailable(
            _(
                "Infusions of a series are at least %(days)s days apart, and a visit of yours "
                "stays on %(last)s. Please choose %(earliest)s or later."
            )
            % {
                "days": SERIES_GAP_DAYS[0],
                "last": day_in_words(last),
                "earliest": day_in_words(earliest),
            },
            code="too_close",
        )


def series_slots(moving, starts_at, place: Place, *, by) -> list[Slot]:
    """A free slot for each visit that moves, or SlotUnavailable naming why not."""
    service = moving[0].booked_service
    exclude = tuple(visit.pk for visit in moving)
    first = find_slot(
        service=service, place=place, starts_at=starts_at, staff=by is not None, exclude=exclude
    )
    first_day = starts_at.astimezone(place.location.zone).date()
    schedule = load_schedule(
        service=service,
        place=place,
        first=first_day,
        last=first_day + datetime.timedelta(days=SERIES_MAX_DAYS),
        exclude=exclude,
    )
    not_before = epoch(earliest_start(staff=by is not None))
    proposals = propose_series(schedule, first, not_before=not_before, count=len(moving))
    slots = [proposal.slot for proposal in proposals]
    if len(slots) < len(moving) or None in slots:
        raise SlotUnavailable(
            _(
                "We could not find free times for all %(count)s visits within %(days)s days "
                "of that day, so nothing has changed. Please choose another first day, or call "
                "us."
            )
            % {"count": len(moving), "days": SERIES_MAX_DAYS},
            code="series_incomplete",
        )
    return slots


def queue_series_email(visits: list[Appointment], *, kind: str) -> OutgoingMessage:
    """One e-mail for visits of a series changed together, with each one's calendar file."""
    return enqueue(
        kind=outbox_kind(kind),
        recipient=visits[0].patient_email,
        about=visits[0],
        params={"visits": [visit.pk for visit in visits]},
    )


def change_status(*, appointment: Appointment, action: str, by, request=None) -> Appointment:
    """Front desk: arrived, completed, no-show or cancelled, written to the audit log."""
    method = {
        "arrived": appointment.mark_arrived,
        "completed": appointment.mark_completed,
        "no_show": appointment.mark_no_show,
    }.get(action)
    if method is None and action != "cancel":
        raise ValidationError("Unknown action.", code="unknown_action")
    with transaction.atomic():
        if method is None:
            cancel_appointment(appointment=appointment, by=by, reason="Cancelled by the clinic")
        else:
            method(by=by)
        audit(AuditEvent.Action.CHANGE, appointment, by=by, request=request, detail=action)
    return appointment


def issue_invitation(*, name: str, email: str, by, services=None, request=None) -> Invitation:
    """E-mail a candidate a clinician accepted a personal link to book the given services
    (every invited-only one when none are given) online, once, within INVITATION_DAYS."""
    with transaction.atomic():
        invitation = Invitation.objects.create(name=name, email=email, issued_by=by)
        if services:
            invitation.services.set(services)
        audit(AuditEvent.Action.CREATE, invitation, by=by, request=request)
        enqueue(kind=outbox_kind(INVITATION), recipient=email, about=invitation)
    return invitation


def audit(action: str, target, *, by, request, detail: str = "") -> None:
    """The clinic's own changes (`by` someone) go to the audit log: call it inside the
    workflow's transaction, so a booking that fails leaves no event."""
    if by is not None:
        record(action=action, request=request, actor=by, target=target, detail=detail)


def queue_email(appointment: Appointment, *, kind: str) -> OutgoingMessage:
    return enqueue(kind=outbox_kind(kind), recipient=appointment.patient_email, about=appointment)


def _schedule_reminder(appointment: Appointment) -> None:
    run_after = appointment.starts_at - REMINDER_AHEAD
    if run_after <= timezone.now() or not send_reminder.get_backend().supports_defer:
        return  # too close for a reminder, or the daily sweep (send_due_reminders) sends it
    starts_at = appointment.starts_at.isoformat()
    transaction.on_commit(
        lambda: send_reminder.using(run_after=run_after).enqueue(
            appointment_id=appointment.pk, starts_at=starts_at
        )
    )
