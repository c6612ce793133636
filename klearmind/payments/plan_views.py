"""What the desk does from a person's account with the card saved for them or in the clinic:
charge a visit's deposit when it confirms the visit, sell a package, make a member. One sale
per form drawn; a charge repeated finds the one made."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from klearmind.accounts.access import protected_view
from klearmind.booking.models import Appointment

from . import cards, documents, memberships, packages
from .admin_views import CONTACT, RECORD, Payer, payer_from, visit_of
from .forms import JoinMembershipForm, SellPackageForm
from .models import LedgerEntry, Membership, MembershipPlan, Package, PackagePlan, Purpose
from .money import dollars, to_cents


def saved_card_of(email_hash: str) -> str:
    """The PaymentMethod of the card most recently saved for the person, or ""."""
    intent = cards.saved_card_for(email_hash)
    return intent.payment_method if intent else ""


def email_of(payer: Payer) -> str:
    visit = payer.visit or (
        Appointment.objects.filter(patient_email_hash=payer.email_hash).order_by("-pk").first()
    )
    return visit.patient_email if visit else ""


def plan_form(request, payer: Payer, form, *, title: str, action: str, act):
    """Draw the form or, posted and valid, do `act(data, key)` and say what it did."""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            key = f"{payer.by}-{payer.pk}:{form.cleaned_data['token']}"
            try:
                done = act(form.cleaned_data, key)
            except ValidationError as refusal:
                form.add_error(None, refusal)
            else:
                messages.success(request, done)
                return redirect(payer.url())
        status = 400
    context = {
        "payer": payer,
        "visit": payer.visit,
        "form": form,
        "title": title,
        "action": action,
        "name": documents.payer_name(payer.email_hash),
        "show_names": request.user.has_perm(CONTACT),
        "balance": dollars(LedgerEntry.objects.of(payer.email_hash).balance()),
    }
    return TemplateResponse(request, "payments/admin/entry_form.html", context, status=status)


@protected_view(RECORD)
def sell_package(request, by: str, pk: int):
    payer = payer_from(by, pk)
    plans = PackagePlan.objects.filter(active=True).select_related("service")
    form = SellPackageForm(request.POST if request.method == "POST" else None, plans=plans)

    def act(data, key):
        card = saved_card_of(payer.email_hash) if data["method"] == "card_on_file" else None
        if data["method"] == "card_on_file" and not card:
            raise ValidationError(
                "No card is saved for this person: take the payment in the clinic instead.",
                code="no_card",
            )
        package = packages.sell(
            data["plan"],
            email_hash=payer.email_hash,
            by=request.user,
            method=data["method"],
            idempotency_key=f"package-sale:{key}",
            card_payment_method=card,
        )
        price = dollars(package.price_cents)
        return f"Sold: {package.plan.name} ({package.visits} visits) for {price}."

    return plan_form(request, payer, form, title="Sell a package", action="Sell", act=act)


@protected_view(RECORD)
def join_membership(request, by: str, pk: int):
    payer = payer_from(by, pk)
    plans = MembershipPlan.objects.filter(active=True)
    form = JoinMembershipForm(request.POST if request.method == "POST" else None, plans=plans)

    def act(data, key):
        card = saved_card_of(payer.email_hash)
        if not card:
            raise ValidationError(
                "No card is saved for this person: a membership is charged to a saved card.",
                code="no_card",
            )
        membership = memberships.join(
            data["plan"],
            email_hash=payer.email_hash,
            email=email_of(payer),
            payment_method_id=card,
            by=request.user,
        )
        price = dollars(to_cents(membership.plan.monthly_price))
        return f"Member of {membership.plan.name}: the first month ({price}) is paid."

    return plan_form(
        request, payer, form, title="Make a member", action="Charge the first month", act=act
    )


@require_POST
@protected_view(RECORD)
def charge_deposit(request, pk: int):
    """The clinic confirms the visit and charges its deposit to the card saved for the person
    (deposits charged on confirmation, Settings → Billing); a decline is said, never hidden."""
    visit = visit_of(pk)
    due = cards.deposit_to_charge(visit)
    if not due:
        messages.error(request, "There is no deposit to charge to a saved card for this visit.")
    else:
        result = cards.charge_saved_card(
            visit, purpose=Purpose.DEPOSIT, amount_cents=due, by=request.user
        )
        if result.succeeded:
            messages.success(request, f"Deposit charged to the saved card: {dollars(due)}.")
        else:
            messages.error(request, f"The card was declined: {result.message}")
    return redirect("payments_admin:account", "visit", pk)


@require_POST
@protected_view(RECORD)
def cancel_package(request, by: str, pk: int, package: int):
    """Cancel a package: its unused visits are refunded, to the card it was paid with or, paid
    in the clinic, handed back the way it was paid. Cancelling again does nothing."""
    payer = payer_from(by, pk)
    found = get_object_or_404(Package.objects.of(payer.email_hash), pk=package)
    if found.is_open:
        try:
            found = packages.cancel(
                found, by=request.user, refund_to_card=bool(found.stripe_payment_intent)
            )
        except ValidationError as refusal:
            messages.error(request, refusal.messages[0])
            return redirect(payer.url())
        messages.success(request, f"Package cancelled: {dollars(found.refunded_cents)} refunded.")
    return redirect(payer.url())


@require_POST
@protected_view(RECORD)
def cancel_membership(request, by: str, pk: int, membership: int):
    """End a membership at the member's wish: nothing more is charged; the month paid runs."""
    payer = payer_from(by, pk)
    found = get_object_or_404(Membership.objects.of(payer.email_hash), pk=membership)
    memberships.cancel(found, by=request.user)
    messages.success(request, "Membership cancelled: nothing more will be charged.")
    return redirect(payer.url())
