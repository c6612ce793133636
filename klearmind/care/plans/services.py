"""Workflows of a treatment plan: starting one under a protocol and ending it. Each writes the
audit log in the same transaction."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record

from ..check_ins.tasks import create_due_check_ins_task
from ..patients.models import Patient
from .models import Protocol, TreatmentPlan


def start_plan(
    *, patient: Patient, protocol: Protocol, by, request=None, **fields
) -> TreatmentPlan:
    """Begin a course of treatment under one of the clinic's protocols."""
    if not protocol.active:
        raise ValidationError("This protocol is no longer in use.", code="inactive_protocol")
    if patient.plans.active().filter(protocol=protocol).exists():
        raise plan_exists()
    try:
        return _create_plan(patient=patient, protocol=protocol, by=by, request=request, **fields)
    except IntegrityError:  # a double click on "Start the plan"
        raise plan_exists() from None


def plan_exists() -> ValidationError:
    return ValidationError(
        "This patient already has an active plan under this protocol.", code="plan_exists"
    )


def _create_plan(*, patient, protocol, by, request, **fields) -> TreatmentPlan:
    with transaction.atomic():
        plan = TreatmentPlan.objects.create(
            patient=patient,
            protocol=protocol,
            created_by=by,
            planned_sessions=fields.pop("planned_sessions", None) or protocol.sessions,
            **fields,
        )
        record(
            action=AuditEvent.Action.CREATE,
            request=request,
            actor=by,
            target=plan,
            detail=f"plan for patient {patient.pk} under protocol {protocol.pk}",
        )
        # The first check-in goes out now rather than at the next hourly sweep.
        transaction.on_commit(create_due_check_ins_task.enqueue)
    return plan


def end_plan(*, plan: TreatmentPlan, status: str, by, request=None) -> TreatmentPlan:
    with transaction.atomic():
        plan.end(status=status)
        record(
            action=AuditEvent.Action.CHANGE,
            request=request,
            actor=by,
            target=plan,
            detail=f"plan ended: {status}",
        )
    return plan
