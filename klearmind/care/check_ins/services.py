"""Check-in workflows: which check-ins are due, the private link, a patient's answers coming
in, and a clinician asking for one now. E-mail goes out from the task worker after commit.

The e-mailed link (`/check-in/<token>/`) is exchanged for a grant in the session and the browser
sent on to the check-in's address without the token (booking.links explains)."""

import datetime
import uuid

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record
from klearmind.booking.links import BadLink, grant, is_granted, sign, unsign
from klearmind.booking.models import Appointment, AppointmentStatus

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
from ..plans.models import SERVICE_KINDS
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
    period when none went out in it. Safe to run as often as wanted, and cheap to: it reads the
    visits and the plans that are due, a few queries, whatever the number of plans in
    treatment, and then only what it makes costs more."""
    now = now or timezone.now()
    rules = CareSettings.load()
    ahead = datetime.timedelta(hours=rules.follow_up_hours_before_visit)
    made = visit_check_ins(now=now, ahead=ahead)
    # After the visits' check-ins: one made just now counts for this period too.
    made += periodic_check_ins(now=now, days=rules.follow_up_every_days)
    return [check_in for check_in in made if check_in is not None]


def plans_in_treatment(now: datetime.datetime):
    return (
        TreatmentPlan.objects.active()
        .filter(patient__status=PatientStatus.ACTIVE, started_on__lte=timezone.localdate(now))
        .select_related("patient", "protocol")
    )


def is_session_of(plan: TreatmentPlan, visit: Appointment) -> bool:
    """Whether `visit` is one of `plan.sessions()`, judged on rows already read."""
    if plan.series_id:
        return visit.series_id == plan.series_id
    return (
        visit.patient_email_hash == plan.patient.email_hash
        and visit.service.kind in SERVICE_KINDS[plan.protocol.medicine]
        and timezone.localdate(visit.starts_at) >= plan.started_on
    )


def visit_check_ins(*, now, ahead) -> list[CheckIn | None]:
    """A check-in for each booked visit starting within `ahead` that has none yet and is a
    session of a plan in treatment: two queries find them, however many plans there are."""
    asked = CheckIn.objects.filter(appointment=models.OuterRef("pk"), reason=CheckInReason.VISIT)
    visits = list(
        Appointment.objects.filter(
            status=AppointmentStatus.BOOKED, starts_at__gt=now, starts_at__lte=now + ahead
        )
        .exclude(models.Exists(asked))
        .select_related("service")
        .order_by("starts_at", "pk")
    )
    if not visits:
        return []
    plans = plans_in_treatment(now).filter(
        models.Q(series_id__in={visit.series_id for visit in visits if visit.series_id})
        | models.Q(
            series__isnull=True,
            patient__email_hash__in={visit.patient_email_hash for visit in visits},
        )
    )
    made, seen = [], set()
    for plan in plans:
        for visit in visits:
            if visit.pk in seen or not is_session_of(plan, visit):
                continue
            seen.add(visit.pk)
            made.append(
                create_check_in(
                    patient=plan.patient,
                    reason=CheckInReason.VISIT,
                    key=f"visit-{visit.pk}",
                    appointment=visit,
                    now=now,
                )
            )
    return made


def periodic_check_ins(*, now, days: int) -> list[CheckIn | None]:
    """A check-in for each patient in treatment with none made in the last `days` days: one
    query finds them."""
    recent = CheckIn.objects.filter(
        patient=models.OuterRef("patient"), created_at__gte=now - datetime.timedelta(days=days)
    )
    plans = plans_in_treatment(now).exclude(models.Exists(recent))
    period = timezone.localdate(now).toordinal() // days
    made, seen = [], set()
    for plan in plans:
        patient = plan.patient
        if patient.pk in seen:
            continue
        seen.add(patient.pk)
        made.append(
            create_check_in(
                patient=patient,
                reason=CheckInReason.WEEKLY,
                key=f"every-{patient.pk}-{period}",
                now=now,
            )
        )
    return made


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
