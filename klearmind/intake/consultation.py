"""The lead's path from the questionnaire to the free phone consultation, through the hooks
booking offers (`klearmind.booking.hooks`, filled in IntakeConfig.ready):

- the thank-you page links to the consultation's booking flow, at the clinic the candidate
  chose, and the details step starts with the name, e-mail and phone they typed, read from
  the questionnaire this browser sent (its id in the session; nothing in the address);
- a consultation booked with a questionnaire's e-mail is matched to it and moves it to
  "consultation booked"; staff see the match on the questionnaire and can undo it;
- the other way round too: a questionnaire sent by someone whose call is already booked
  (booked first, from the home page) is matched to that upcoming call when it arrives.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record
from klearmind.booking.models import Appointment, AppointmentStatus, Service, ServiceKind
from klearmind.booking.models import Location as BookingLocation

from .models import MOVED_BY_CONSULTATION, Location, Submission

SESSION_SUBMITTED = "intake_submitted"


def submitted_in(request) -> Submission | None:
    pk = request.session.get(SESSION_SUBMITTED)
    return Submission.objects.filter(pk=pk).first() if pk else None


def details_typed(request) -> dict[str, str]:
    """The contact details of the questionnaire sent from this browser, for booking's form."""
    submission = submitted_in(request)
    if submission is None:
        return {}
    return {"name": submission.full_name, "email": submission.email, "phone": submission.phone}


def consultation_service() -> Service | None:
    return Service.objects.bookable_online().filter(kind=ServiceKind.CONSULTATION).first()


def consultation_url(submission: Submission | None) -> str:
    """The consultation's booking flow, at the clinic the candidate chose if it offers it."""
    service = consultation_service()
    if service is None:
        return ""
    clinic = submission.location if submission else ""
    if clinic not in {Location.SACRAMENTO, Location.ROSEVILLE}:
        return reverse("booking:place", args=[service.slug])
    offered = BookingLocation.objects.filter(services=service, page__slug=clinic).exists()
    if not offered:
        return reverse("booking:place", args=[service.slug])
    return reverse("booking:month", args=[service.slug, clinic])


def match_booked_consultation(appointment) -> None:
    """Booking's hook: a consultation booked with a questionnaire's e-mail moves the newest
    questionnaire still open with that address (see Submission.match_consultation)."""
    if appointment.service.kind != ServiceKind.CONSULTATION:
        return
    submission = (
        Submission.objects.select_for_update()
        .filter(
            email_hash=appointment.patient_email_hash,
            status__in=MOVED_BY_CONSULTATION,
            consultation__isnull=True,
        )
        .order_by("-submitted_at", "-pk")
        .first()
    )
    if submission is None:
        return
    submission.match_consultation(appointment, by=appointment.booked_by)
    record(
        action=AuditEvent.Action.CHANGE,
        actor=appointment.booked_by,
        target=submission,
        detail=f"consultation {appointment.pk} matched by e-mail; status {submission.status}",
    )


def match_upcoming_consultation(submission: Submission) -> None:
    """A questionnaire that arrives after its sender booked the free call: matched to the
    nearest upcoming consultation booked with the same e-mail that no other questionnaire
    has claimed, as if the call had been booked after it."""
    claimed = Submission.objects.filter(consultation__isnull=False).values("consultation_id")
    appointment = (
        Appointment.objects.filter(
            patient_email_hash=submission.email_hash,
            service__kind=ServiceKind.CONSULTATION,
            status=AppointmentStatus.BOOKED,
            starts_at__gte=timezone.now(),
        )
        .exclude(pk__in=claimed)
        .order_by("starts_at", "pk")
        .first()
    )
    if appointment is None:
        return
    submission.match_consultation(appointment)
    record(
        action=AuditEvent.Action.CHANGE,
        actor=None,
        target=submission,
        detail=f"consultation {appointment.pk} matched by e-mail; status {submission.status}",
    )


def undo_consultation_match(*, submission: Submission, by, request=None) -> Submission:
    """Staff say the matched consultation is not this candidate's; audited."""
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        appointment_id = locked.consultation_id
        locked.undo_consultation_match(by=by)
        record(
            action=AuditEvent.Action.CHANGE,
            request=request,
            actor=by,
            target=locked,
            detail=f"consultation {appointment_id} match undone; status {locked.status}",
        )
    return locked
