"""Packages: a series of visits paid ahead, for example six IV ketamine infusions.

The desk sells one (`sell`), paid in the clinic or charged to the payer's saved card; it grants
the plan's visits as credits. Each visit of the covered service uses one credit when it is
marked completed (`use_credit`, called by booking's status hook), from the payer's oldest open
package with credits left; a visit uses one credit at most, and a visit moved to another time is
the same appointment, so it keeps its place; `package_for` names the package that pays (or
will pay) for a visit. `cancel` gives back what the unused visits are worth
(`Package.value_of_unused` states the rounding) and leaves no credit.

On the ledger a sale is a CHARGE (purpose package) and a PAYMENT of the price; a cancellation
is a CREDIT of the unused value (the charge reduced) and a REFUND of the same amount (the
money given back), so the payer's balance stays even."""

import re

import stripe
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record
from klearmind.booking import hooks
from klearmind.booking.models import Appointment, AppointmentStatus

from . import gateway, off_session
from .models import (
    CLINIC_METHODS,
    CreditReason,
    EntryKind,
    LedgerEntry,
    Method,
    Package,
    PackageCredit,
    PackagePlan,
    Purpose,
)
from .money import dollars, to_cents

SALE_METHODS = (*CLINIC_METHODS, Method.CARD_ON_FILE)
# A key the caller made (a form token): printable, and short enough to prefix.
KEY = re.compile(r"[\w.:-]{8,120}")
EMAIL_HASH = re.compile(r"[0-9a-f]{64}")


def sell(
    plan: PackagePlan,
    *,
    email_hash: str,
    by,
    method: str,
    idempotency_key: str,
    card_payment_method: str | None = None,
) -> Package:
    """Sell `plan` to the payer: paid in the clinic (`method` cash, card_terminal or hsa_fsa)
    or charged now to their saved card (`method` card_on_file with the PaymentMethod id).
    A repeated `idempotency_key` returns the package already sold. A declined card sells
    nothing and raises a ValidationError with code "card_declined"."""
    if not KEY.fullmatch(idempotency_key or ""):
        raise ValidationError("The form has expired: please start again.", code="bad_key")
    if existing := Package.objects.filter(idempotency_key=idempotency_key).first():
        return existing
    _check_sale(plan, email_hash=email_hash, method=method)
    price = to_cents(plan.price)
    intent = ""
    if method == Method.CARD_ON_FILE:
        intent = _charge_card(
            plan, email_hash=email_hash, price=price, key=idempotency_key, card=card_payment_method
        )
    sale = {"email_hash": email_hash, "method": method, "price": price, "intent": intent}
    try:
        with transaction.atomic():
            return _record_sale(plan, by=by, key=idempotency_key, **sale)
    except IntegrityError:  # the same form sold at the same moment by a second request
        return Package.objects.get(idempotency_key=idempotency_key)


def _check_sale(plan: PackagePlan, *, email_hash: str, method: str) -> None:
    if not plan.active:
        raise ValidationError("This package is no longer sold.", code="plan_inactive")
    if not EMAIL_HASH.fullmatch(email_hash or ""):
        raise ValidationError("The payer is not known.", code="no_payer")
    if method not in SALE_METHODS:
        raise ValidationError("Choose how the package is paid.", code="bad_method")


def _charge_card(plan: PackagePlan, *, email_hash: str, price: int, key: str, card) -> str:
    if not card:
        raise ValidationError("Choose the saved card to charge.", code="no_card")
    customer = off_session.customer_id(email_hash)
    off_session.attach(card, customer=customer)
    result = off_session.charge(
        customer=customer,
        payment_method=card,
        amount_cents=price,
        idempotency_key=f"package:{key}",
        description=f"Package: {plan.visits} visits",
        metadata={"purpose": Purpose.PACKAGE, "package_key": key},
    )
    if not result.paid:
        raise ValidationError(
            "%(failure)s Nothing was sold.",
            code="card_declined",
            params={"failure": result.failure},
        )
    return result.payment_intent


def _record_sale(plan, *, email_hash, by, method, key, price, intent) -> Package:
    package = Package.objects.create(
        plan=plan,
        payer_email_hash=email_hash,
        visits=plan.visits,
        price_cents=price,
        method=method,
        stripe_payment_intent=intent,
        idempotency_key=key,
        sold_by=by,
    )
    PackageCredit.objects.create(
        package=package,
        change=plan.visits,
        reason=CreditReason.BOUGHT,
        idempotency_key=f"package-{package.pk}:bought",
        recorded_by=by,
    )
    entry = {"payer_email_hash": email_hash, "purpose": Purpose.PACKAGE, "service": plan.service}
    memo = f"Package of {plan.visits} visits"
    LedgerEntry.objects.create(
        **entry,
        kind=EntryKind.CHARGE,
        amount_cents=price,
        idempotency_key=f"package-{package.pk}:charge",
        memo=memo,
        recorded_by=by,
    )
    LedgerEntry.objects.create(
        **entry,
        kind=EntryKind.PAYMENT,
        method=method,
        amount_cents=-price,
        stripe_id=intent,
        idempotency_key=f"package-{package.pk}:payment",
        memo=memo,
        recorded_by=by,
    )
    _audit(AuditEvent.Action.CREATE, package, by=by, detail=f"sold for {dollars(price)}")
    return package


def balance(package: Package) -> int:
    """The visits left on the package."""
    return package.credits_left()


def package_for(appointment: Appointment) -> Package | None:
    """The package that paid for the visit, or that will when it is completed (the payer's
    oldest open package of its service with a credit left); None when it is paid otherwise.
    For the deposit step and the visit's page: a visit a package covers owes no deposit."""
    used = PackageCredit.objects.filter(appointment=appointment).select_related("package")
    if credit := used.first():
        return credit.package
    packages = (
        Package.objects.of(appointment.patient_email_hash)
        .open()
        .covering(appointment.service_id)
        .order_by("bought_at", "pk")
    )
    return next((package for package in packages if package.credits_left() > 0), None)


def use_credit(appointment: Appointment) -> bool:
    """Pay for a completed visit with one credit of the payer's oldest open package of its
    service that has one left. True when the visit is paid by a credit (now or already: a
    visit uses one at most), False when it is not completed or no package covers it."""
    if appointment.status != AppointmentStatus.COMPLETED:
        return False
    with transaction.atomic():
        if PackageCredit.objects.filter(appointment=appointment).exists():
            return True
        packages = (
            Package.objects.select_for_update(of=("self",))
            .of(appointment.patient_email_hash)
            .open()
            .covering(appointment.service_id)
            .order_by("bought_at", "pk")
        )
        for package in packages:
            if package.credits_left() > 0:
                return _use(package, appointment)
    return False


def _use(package: Package, appointment: Appointment) -> bool:
    try:
        with transaction.atomic():
            PackageCredit.objects.create(
                package=package,
                change=-1,
                appointment=appointment,
                reason=CreditReason.USED,
                idempotency_key=f"package-credit:appointment-{appointment.pk}",
                recorded_by=appointment.status_changed_by,
            )
    except IntegrityError:  # the same visit, completed twice at once: it counts once
        pass
    return True


def cancel(package: Package, *, by, refund_to_card: bool, method: str = "") -> Package:
    """Cancel the package and give back what its unused visits are worth: to the card it was
    paid with (`refund_to_card`, a partial refund on its PaymentIntent), or handed back in
    the clinic by `method` (the method it was paid by, or cash when it was paid by card).
    Cancelling again does nothing."""
    with transaction.atomic():
        package = Package.objects.select_for_update().get(pk=package.pk)
        if not package.is_open:
            return package
        left = package.credits_left()
        refund = package.value_of_unused(left)
        refund_method = _refund_method(
            package, to_card=refund_to_card and refund > 0, method=method
        )
        refund_id = _refund_card(package, refund) if refund and refund_to_card else ""
        if left > 0:
            PackageCredit.objects.create(
                package=package,
                change=-left,
                reason=CreditReason.CANCELLED,
                idempotency_key=f"package-{package.pk}:cancelled",
                recorded_by=by,
            )
        if refund:
            _record_refund(package, refund, method=refund_method, stripe_id=refund_id, by=by)
        package.cancelled_at = timezone.now()
        package.cancelled_by = by
        package.refunded_cents = refund
        package.save(update_fields=["cancelled_at", "cancelled_by", "refunded_cents"])
        detail = f"cancelled with {left} visits left, {dollars(refund)} refunded"
        _audit(AuditEvent.Action.CHANGE, package, by=by, detail=detail)
    return package


def _refund_method(package: Package, *, to_card: bool, method: str) -> str:
    if to_card:
        if not package.stripe_payment_intent:
            raise ValidationError(
                "This package was paid in the clinic: refund it in the clinic.",
                code="not_paid_by_card",
            )
        return Method.CARD_ON_FILE
    if method and method not in CLINIC_METHODS:
        raise ValidationError("Choose how the money is handed back.", code="bad_method")
    return method or (package.method if package.method in CLINIC_METHODS else Method.CASH)


def _refund_card(package: Package, amount: int) -> str:
    try:
        refund = gateway.client().v1.refunds.create(
            params={
                "payment_intent": package.stripe_payment_intent,
                "amount": amount,
                "metadata": {"purpose": Purpose.PACKAGE, "package": str(package.pk)},
            },
            options={"idempotency_key": f"package-{package.pk}:refund"},
        )
    except stripe.StripeError as error:
        raise ValidationError(
            "Stripe did not make the refund (%(reason)s). Nothing was changed.",
            code="refund_failed",
            params={"reason": getattr(error, "user_message", None) or type(error).__name__},
        ) from None
    return refund.id


def _record_refund(package: Package, amount: int, *, method: str, stripe_id: str, by) -> None:
    entry = {
        "payer_email_hash": package.payer_email_hash,
        "purpose": Purpose.PACKAGE,
        "service": package.plan.service,
        "memo": "Unused visits of a cancelled package",
        "recorded_by": by,
    }
    LedgerEntry.objects.create(
        **entry,
        kind=EntryKind.CREDIT,
        amount_cents=-amount,
        idempotency_key=f"package-{package.pk}:cancel-credit",
    )
    LedgerEntry.objects.create(
        **entry,
        kind=EntryKind.REFUND,
        method=method,
        amount_cents=amount,
        stripe_id=stripe_id,
        idempotency_key=f"package-{package.pk}:refund",
    )


def _audit(action, package: Package, *, by, detail: str) -> None:
    record(action=action, actor=by, target=package, detail=detail)


def on_status_change(appointment: Appointment, old_status: str) -> None:
    """Booking's status hook: a visit marked completed uses a package credit."""
    if appointment.status == AppointmentStatus.COMPLETED:
        use_credit(appointment)


def register() -> None:
    hooks.register_status_listener(on_status_change)
