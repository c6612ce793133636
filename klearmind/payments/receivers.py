"""What payments does when a visit changes status (booking's `register_status_listener`): a
visit cancelled or missed has its deposit refunded or kept and its fee charged by a task, once
the change is committed, so a change rolled back charges and refunds nothing."""

from django.db import transaction

from klearmind.booking import hooks
from klearmind.booking.models import Appointment, AppointmentStatus

from .tasks import apply_cancellation_policy

# The changes the policy acts on: a booked visit cancelled, or not attended.
POLICY_STATUSES = (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW)


def visit_status_changed(appointment: Appointment, old_status: str) -> None:
    if old_status != AppointmentStatus.BOOKED or appointment.status not in POLICY_STATUSES:
        return
    pk = appointment.pk
    transaction.on_commit(lambda: apply_cancellation_policy.enqueue(appointment_id=pk))


def register() -> None:
    hooks.register_status_listener(visit_status_changed)
