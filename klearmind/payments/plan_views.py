"""The desk sells a package or makes someone a member, from their account: paid in the clinic
or charged to the card saved for them (a deposit's card). One sale per form drawn."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from klearmind.accounts.access import protected_view
from klearmind.booking.models import Appointment

from . import documents, memberships, packages
from .admin_views import CONTACT, RECORD, Payer, payer_from
from .forms import JoinMembershipForm, SellPackageForm
from .models import CardIntent, CardIntentState, LedgerEntry, MembershipPlan, PackagePlan
from .money import dollars, to_cents


def saved_card_of(email_hash: str) -> str:
    """The card most recently saved for the person (by a deposit or a card-saving step)."""
    intent = (
        CardIntent.objects.filter(payer_email_hash=email_hash, state=CardIntentState.SUCCEEDED)
        .exclude(payment_method="")
        .order_by("-updated_at")
        .first()
    )
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
