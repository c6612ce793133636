"""Payments' background work, run by the task worker: the cancellation policy applied to a visit
cancelled or missed (enqueued by `receivers`), and the daily reconciliation with Stripe
(enqueued by the scheduler)."""

import datetime
import logging
import zoneinfo

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from klearmind.booking.models import Appointment, AppointmentStatus

from . import cards, gateway
from .models import BillingSettings, Purpose
from .money import to_cents
from .reconciliation import reconcile

logger = logging.getLogger(__name__)


@task()
def apply_cancellation_policy(*, appointment_id: int) -> str:
    """The deposit and fee policy for a visit cancelled or missed (see `apply_policy`)."""
    appointment = Appointment.objects.select_related("service").get(pk=appointment_id)
    return apply_policy(appointment)


def apply_policy(appointment: Appointment) -> str:
    """The clinic's policy for a visit that will not happen, applied once however often it
    runs; returns what it did, in cents.

    - Cancelled with at least the service's notice (`cancellation_notice_hours` between the
      cancellation and the visit's start): the deposit paid by card is refunded in full.
    - Cancelled with less notice, or not attended: the deposit is kept. With a late-cancellation
      or no-show fee set (BillingSettings) the fee is charged and the deposit pays it: the part
      of the deposit above the fee is refunded, and the part of the fee above the deposit is
      charged to the card on file, or stays owed on the ledger when there is no card or it is
      declined. With no fee set, the deposit kept is the fee, charged as one, so the payer is
      not left with a credit for a visit that did not happen.

    A free visit has no fee: a free consultation or good-faith exam missed costs nothing.

    A cancellation by the clinic's staff (`status_changed_by` set) follows the same rule as the
    patient's: inside the notice window the deposit is kept and the fee charged. When the clinic
    waives the fee, the desk gives the deposit back (`cards.refund_deposit`) and credits the fee."""
    if appointment.status not in (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW):
        return "not cancelled or missed"
    if notice_given(appointment):
        refunds = cards.refund_deposit(appointment, reason="Cancelled with notice")
        return f"cancelled with notice: refunded {sum(r.amount_cents for r in refunds)}"
    price = appointment.price if appointment.price is not None else appointment.service.price
    if not price:
        return "a free visit: no fee"
    purpose, fee = fee_for(appointment)
    paid = cards.deposit_paid_cents(appointment)
    if not fee:
        if paid > 0:
            cards.charge_fee(appointment, purpose=purpose, amount_cents=paid, memo="Deposit kept")
        return f"{purpose}: deposit of {max(paid, 0)} kept"
    cards.charge_fee(appointment, purpose=purpose, amount_cents=fee)
    refunds = cards.refund_deposit(
        appointment, keep_cents=fee, reason="The deposit above the fee given back"
    )
    done = f"{purpose} of {fee}: refunded {sum(r.amount_cents for r in refunds)}"
    rest = fee - max(paid, 0)
    if rest <= 0:
        return done
    result = cards.charge_saved_card(appointment, purpose=purpose, amount_cents=rest)
    if result.succeeded:
        return f"{done}, {rest} charged to the card on file"
    return f"{done}, {rest} owed ({result.message})"


def notice_given(appointment: Appointment) -> bool:
    """Whether the visit was cancelled at least its service's notice period before it began."""
    if appointment.status != AppointmentStatus.CANCELLED:
        return False
    cancelled_at = appointment.status_changed_at or timezone.now()
    return cancelled_at <= appointment.notice_deadline()


def fee_for(appointment: Appointment) -> tuple[str, int]:
    """The fee the visit's status calls for, and its amount in cents (0 when none is set)."""
    billing = BillingSettings.load()
    if appointment.status == AppointmentStatus.NO_SHOW:
        return Purpose.NO_SHOW_FEE, to_cents(billing.no_show_fee)
    return Purpose.LATE_CANCEL_FEE, to_cents(billing.late_cancel_fee)


@task()
def reconcile_yesterday() -> str:
    """Compare yesterday's card payments and refunds (the clinic's day) with Stripe's."""
    if not gateway.is_enabled():
        return "card payments are off"
    today = timezone.now().astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()
    day = today - datetime.timedelta(days=1)
    result = reconcile(day)
    if result.mismatches:
        logger.warning("Reconciliation of %s: %d mismatches.", day, len(result.mismatches))
    return f"{day}: {len(result.mismatches)} mismatches"
