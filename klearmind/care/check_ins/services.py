"""Check-in workflows: which check-ins are due, the private link, a patient's answers coming
in, and a clinician asking for one now. E-mail goes out from the task worker after commit.

The e-mailed link (`/check-in/<token>/`) is exchanged for a grant in the session and the browser
sent on to the check-in's address without the token (booking.links explains)."""

import datetime
import uuid

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record
from klearmind.booking.links import BadLink, grant, is_granted, sign, unsign
from klearmind.booking.models import AppointmentStatus

from ..measures import check_in_measures, clinic_pcl5_cutoff, is_urgent, measurement_scores
from ..models import (
    CareSettings,
    CheckIn,
    CheckInReason,
    Measurement,
    MeasurementSource,
    Patient,
    PatientStatus,
    TreatmentPlan,
)
from .models import CHECK_IN_VALID_DAYS

CHECK_IN_SALT = "klearmind.care.check_in"
CHECK_INS_GRANTED = "care_check_ins"

__all__ = [
    "BadLink",
    "check_in_id",
    "check_in_url",
    "complete_check_in",
    "create_due_check_ins",
    "grant_check_in",
    "is_check_in_granted",
]


def check_in_token(check_in: CheckIn) -> str:
    return sign(check_in.pk, salt=CHECK_IN_SALT)


def check_in_id(token: str) -> int:
    return unsign(token, salt=CHECK_IN_SALT)


def check_in_path(check_in: CheckIn) -> str:
    """The e-mailed link's path, with its token: it opens `check_in_page_path` in the browser."""
    return reverse("care:check_in_link", args=[check_in_token(check_in)])


def check_in_page_path(check_in: CheckIn) -> str:
    return reverse("care:check_in", args=[check_in.pk])


def grant_check_in(session, check_in: CheckIn) -> None:
    grant(session, CHECK_INS_GRANTED, check_in.pk)


def is_check_in_granted(session, pk: int) -> bool:
    return is_granted(session, CHECK_INS_GRANTED, pk)


def check_in_url(check_in: CheckIn) -> str:
    return settings.WAGTAILADMIN_BASE_URL + check_in_path(check_in)


def create_check_in(
    *, patient: Patient, reason: str, key: str, appointment=None, now: datetime.datetime
) -> CheckIn | None:
    """Make the check-in with this key unless it exists; e-mail its link after commit. Returns
    the new check-in, or None when it was made before."""
    from .tasks import queue_check_in

    with transaction.atomic():
        check_in, created = CheckIn.objects.get_or_create(
            key=key,
            defaults={
                "patient": patient,
                "appointment": appointment,
                "reason": reason,
                "measures": check_in_measures(patient.conditions),
                "created_at": now,
                "expires_at": now + datetime.timedelta(days=CHECK_IN_VALID_DAYS),
            },
        )
        if created:
            queue_check_in(check_in)
    return check_in if created else None


def create_due_check_ins(*, now: datetime.datetime | None = None) -> list[CheckIn]:
    """For every patient in treatment: a check-in before each visit starting soon, and one each
    period when none went out in it. Safe to run as often as wanted."""
    now = now or timezone.now()
    rules = CareSettings.load()
    plans = (
        TreatmentPlan.objects.active()
        .filter(patient__status=PatientStatus.ACTIVE, started_on__lte=timezone.localdate(now))
        .select_related("patient", "protocol")
    )
    made = []
    for plan in plans:
        ahead = datetime.timedelta(hours=rules.follow_up_hours_before_visit)
        made += visit_check_ins(plan, now=now, ahead=ahead)
        made.append(periodic_check_in(plan.patient, now=now, days=rules.follow_up_every_days))
    return [check_in for check_in in made if check_in is not None]


def visit_check_ins(plan: TreatmentPlan, *, now, ahead) -> list[CheckIn | None]:
    visits = plan.sessions().filter(
        status=AppointmentStatus.BOOKED, starts_at__gt=now, starts_at__lte=now + ahead
    )
    return [
        create_check_in(
            patient=plan.patient,
            reason=CheckInReason.VISIT,
            key=f"visit-{visit.pk}",
            appointment=visit,
            now=now,
        )
        for visit in visits
    ]


def periodic_check_in(patient: Patient, *, now, days: int) -> CheckIn | None:
    if patient.check_ins.created_since(now - datetime.timedelta(days=days)).exists():
        return None
    period = timezone.localdate(now).toordinal() // days
    return create_check_in(
        patient=patient, reason=CheckInReason.WEEKLY, key=f"every-{patient.pk}-{period}", now=now
    )


def request_check_in(*, patient: Patient, by=None, request=None) -> CheckIn:
    """A clinician asks for a check-in now, whatever the schedule; audited in the same
    transaction."""
    now = timezone.now()
    with transaction.atomic():
        check_in = create_check_in(
            patient=patient,
            reason=CheckInReason.REQUESTED,
            key=f"requested-{patient.pk}-{uuid.uuid4().hex}",
            now=now,
        )
        record(
            action=AuditEvent.Action.CREATE,
            request=request,
            actor=by,
            target=check_in,
            detail="check-in sent by a clinician",
        )
    return check_in


def complete_check_in(*, check_in_id: int, answers: dict) -> Measurement:
    """Store the answers as one measurement, once; alert the on-call clinician after commit
    when PHQ-9 item 9 is above "not at all". ValidationError when completed or expired. The
    PCL-5 is judged at the clinic's cut-off, the one intake uses."""
    from .tasks import queue_check_in_alert

    scores = measurement_scores(**answers, pcl5_cutoff=clinic_pcl5_cutoff())
    with transaction.atomic():
        check_in = CheckIn.objects.select_for_update().get(pk=check_in_id)
        measurement = Measurement.objects.create(
            patient_id=check_in.patient_id,
            source=MeasurementSource.CHECK_IN,
            scores=scores,
            urgent=is_urgent(scores),
        )
        check_in.complete(measurement)
        if measurement.urgent:
            queue_check_in_alert(check_in)
    return measurement
