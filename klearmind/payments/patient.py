"""What a patient sees of money: the deposit step after booking, and the lines about payments on
their visit's page (booking's `register_payment_step` and `register_visit_payments`).

The card is typed into Stripe's own card element and confirmed by Stripe.js as a SetupIntent,
so its number never reaches our server; the server then charges the deposit to that card (or,
when the clinic charges deposits on confirmation, keeps it for then). Only this step loads
Stripe's script: its Content-Security-Policy names Stripe's addresses, no other page's does
(docs/decisions/001)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods

from klearmind.booking import hooks
from klearmind.booking.links import visit_path
from klearmind.booking.models import AppointmentStatus
from klearmind.booking.patient_views import by_grant, describe
from klearmind.pages.signals import after_commit_invalidate_site

from . import cards, gateway, packages
from .models import (
    BillingSettings,
    CardIntent,
    CardIntentKind,
    CardIntentState,
    EntryKind,
    LedgerEntry,
    MembershipPlan,
    PackagePlan,
    Purpose,
)
from .money import dollars, to_cents

# Stripe's own addresses, which the payment step's policy adds when it talks to Stripe itself.
STRIPE_FRAMES = ("https://js.stripe.com", "https://hooks.stripe.com")
STRIPE_API = "https://api.stripe.com"


def origin(address: str) -> str:
    parts = urlsplit(address)
    return f"{parts.scheme}://{parts.netloc}"


def stripe_policy() -> dict[str, list[str]]:
    """What the payment step's Content-Security-Policy adds: Stripe.js, its frames and its API
    (or the fake Stripe's one address, when STRIPE_API_BASE points at it)."""
    script = origin(settings.STRIPE_JS_URL)
    api = origin(settings.STRIPE_API_BASE) if settings.STRIPE_API_BASE else STRIPE_API
    frames = [script] if settings.STRIPE_API_BASE else list(STRIPE_FRAMES)
    return {"script-src": [script], "frame-src": frames, "connect-src": [api]}


def card_saved(appointment) -> bool:
    return CardIntent.objects.filter(
        appointment=appointment, kind=CardIntentKind.SETUP, state=CardIntentState.SUCCEEDED
    ).exists()


def charged_on_confirmation() -> bool:
    return BillingSettings.load().deposit_timing == "on_confirmation"


def deposit_due_cents(appointment) -> int:
    """The deposit still to take online for a visit: 0 with card payments off, for a visit
    that is not booked or has begun, or once it is paid (or, when deposits are charged on
    confirmation, once a card is saved for it). A visit of an induction series takes none
    online, nor a visit a package pays for: a series is paid as a package, sold by the
    clinic."""
    if not gateway.is_enabled() or appointment.status != AppointmentStatus.BOOKED:
        return 0
    if appointment.series_id or packages.package_for(appointment):
        return 0
    if appointment.starts_at <= timezone.now():
        return 0
    due = cards.deposit_cents(appointment) - max(cards.deposit_paid_cents(appointment), 0)
    if due <= 0 or (charged_on_confirmation() and card_saved(appointment)):
        return 0
    return due


def payment_step(appointment) -> str:
    if deposit_due_cents(appointment):
        return reverse("pay:deposit", args=[appointment.pk])
    return ""


def entries_total(appointment, **kinds) -> int:
    return LedgerEntry.objects.filter(appointment=appointment, **kinds).balance()


def visit_payments(appointment) -> dict:
    """The visit page's lines about money: the deposit paid (before any refund), what went back
    to the card, a card saved for the clinic to charge, or the deposit still due."""
    lines = []
    paid = -entries_total(appointment, purpose=Purpose.DEPOSIT, kind=EntryKind.PAYMENT)
    if paid > 0:
        lines.append(gettext("Deposit paid: %(amount)s.") % {"amount": dollars(paid)})
    if refunds := entries_total(appointment, kind=EntryKind.REFUND):
        lines.append(gettext("Refunded to your card: %(amount)s.") % {"amount": dollars(refunds)})
    due = deposit_due_cents(appointment)
    # The settings are read (and so first written) only for a saved card: a page seen writes none.
    if not due and paid <= 0 and card_saved(appointment) and charged_on_confirmation():
        lines.append(
            gettext("Card saved: the deposit is charged when the clinic confirms your visit.")
        )
    if due:
        lines.append(
            gettext("A deposit of %(amount)s holds this visit.") % {"amount": dollars(due)}
        )
    return {"lines": lines, "pay_url": payment_step(appointment) if due else ""}


def price_sections() -> list[dict]:
    """The prices page's packages and memberships, from the plans the clinic sells."""
    sections = []
    plans = PackagePlan.objects.filter(active=True).select_related("service").order_by("price")
    if rows := [
        (
            plan.name,
            ngettext(
                "%(visits)s visit of %(service)s, paid ahead",
                "%(visits)s visits of %(service)s, paid ahead",
                plan.visits,
            )
            % {"visits": plan.visits, "service": plan.service.name},
            dollars(to_cents(plan.price)),
        )
        for plan in plans
    ]:
        sections.append({"key": "packages", "heading": gettext("Packages"), "rows": rows})
    clubs = MembershipPlan.objects.filter(active=True).order_by("monthly_price")
    if rows := [
        (
            plan.name,
            ngettext(
                "%(drips)s drip a month; cancel at any time",
                "%(drips)s drips a month; cancel at any time",
                plan.drips_per_month,
            )
            % {"drips": plan.drips_per_month},
            gettext("%(price)s a month") % {"price": dollars(to_cents(plan.monthly_price))},
        )
        for plan in clubs
    ]:
        sections.append({"key": "memberships", "heading": gettext("Memberships"), "rows": rows})
    return sections


def plans_changed(sender, **kwargs) -> None:
    # The prices page lists the plans, and public pages are cached whole.
    after_commit_invalidate_site()


def register() -> None:
    for model in (PackagePlan, MembershipPlan):
        for signal in (post_save, post_delete):
            signal.connect(plans_changed, sender=model, dispatch_uid=f"prices-{model.__name__}")
    hooks.register_price_sections(price_sections)
    hooks.register_payment_step(payment_step)
    hooks.register_visit_payments(visit_payments)
    hooks.register_online_deposits(gateway.is_enabled)


def policy_lines(appointment) -> list[str]:
    billing = BillingSettings.load()
    hours = appointment.service.cancellation_notice_hours
    lines = [
        gettext(
            "Cancel or move at least %(hours)s hours before your visit and the deposit comes "
            "back to your card in full."
        )
        % {"hours": hours}
    ]
    if billing.late_cancel_fee:
        lines.append(
            gettext(
                "A later cancellation costs %(fee)s: the deposit pays towards it, and the card "
                "pays any rest."
            )
            % {"fee": dollars(round(billing.late_cancel_fee * 100))}
        )
    if billing.no_show_fee:
        lines.append(
            gettext("If you miss the visit without telling us, the fee is %(fee)s.")
            % {"fee": dollars(round(billing.no_show_fee * 100))}
        )
    return lines


def card_declined_message(intent) -> str:
    return intent.failure or gettext("Your card was not accepted. Please try another card.")


@require_http_methods(["GET", "POST"])
@by_grant
def deposit(request, appointment):
    """Take the deposit for a visit just booked: the card is confirmed in the browser by
    Stripe.js, then posted back here to be charged (once, whatever the number of clicks)."""
    due = deposit_due_cents(appointment)
    if not due:
        return redirect(visit_path(appointment))
    error = ""
    if request.method == "POST":
        intent = CardIntent.objects.filter(
            appointment=appointment,
            kind=CardIntentKind.SETUP,
            stripe_id=request.POST.get("intent", "")[:255].replace("\x00", ""),
        ).first()
        if intent is None:
            error = gettext("This payment form is out of date. Please enter your card again.")
        else:
            intent = cards.settle(intent)
            if intent.state != CardIntentState.SUCCEEDED:
                error = card_declined_message(intent)
            elif charged_on_confirmation():
                return redirect(visit_path(appointment) + "?card=saved")
            else:
                result = cards.charge_saved_card(
                    appointment, purpose=Purpose.DEPOSIT, amount_cents=due
                )
                if result.succeeded:
                    return redirect(visit_path(appointment) + "?deposit=paid")
                error = result.message or card_declined_message(intent)
    try:
        intent = cards.start_card_saving(appointment)
    except cards.PaymentRefused as refusal:
        return TemplateResponse(
            request,
            "payments/deposit_refused.html",
            {"appointment": appointment, "message": str(refusal)},
            status=409,
        )
    context = describe(appointment) | {
        "amount": dollars(due),
        "intent": intent,
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        "stripe_js": settings.STRIPE_JS_URL,
        "on_confirmation": charged_on_confirmation(),
        "policy": policy_lines(appointment),
        "error": error,
    }
    response = TemplateResponse(
        request, "payments/deposit.html", context, status=400 if error else 200
    )
    response._csp_update = stripe_policy()
    return response
