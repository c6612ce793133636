"""A service's drip menu as one person chooses from it: a drip, add-ons and, at home, the
dispatch fee. The one reading of the price list, for the booking steps and the public page."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from klearmind.pages.signals import after_commit_invalidate_site

from .models import BookingSettings, Provider, ProviderHours, Service, ServiceVariant, VariantKind

NO_DRIP = _("Please choose a drip from the menu.")


class ChoiceRefused(ValueError):
    """A drip or add-on that is not on this service's menu (any more)."""


@dataclass(frozen=True)
class DripChoice:
    variant: ServiceVariant
    add_ons: tuple[ServiceVariant, ...] = field(default=())
    dispatch_fee: Decimal = Decimal("0")

    @property
    def minutes(self) -> int:
        return self.variant.minutes + sum(add_on.minutes for add_on in self.add_ons)

    @property
    def price(self) -> Decimal:
        return self.variant.price + sum((add_on.price for add_on in self.add_ons), Decimal("0"))

    @property
    def total(self) -> Decimal:
        return self.price + self.dispatch_fee

    def query(self) -> dict[str, object]:
        return {"drip": self.variant.pk, "add": [add_on.pk for add_on in self.add_ons]}

    def record(self, appointment) -> None:
        """Write the choice and its price now onto the visit just booked."""
        appointment.variant = self.variant
        appointment.price = self.price
        appointment.dispatch_fee = self.dispatch_fee
        appointment.save(update_fields=["variant", "price", "dispatch_fee"])
        appointment.add_ons.set(self.add_ons)


def dollars(amount) -> str:
    """$149 for whole dollars, $149.50 otherwise, with thousands separated."""
    amount = Decimal(amount).quantize(Decimal("0.01"))
    return f"${amount:,.0f}" if amount == amount.to_integral_value() else f"${amount:,.2f}"


def variant_label(variant: ServiceVariant) -> str:
    if variant.kind != VariantKind.ADD_ON:
        label = ngettext(
            "%(name)s: %(minutes)s minute, %(price)s",
            "%(name)s: %(minutes)s minutes, %(price)s",
            variant.minutes,
        )
    elif variant.minutes:
        label = ngettext(
            "%(name)s: %(price)s, %(minutes)s more minute",
            "%(name)s: %(price)s, %(minutes)s more minutes",
            variant.minutes,
        )
    else:
        label = gettext("%(name)s: %(price)s")
    price = dollars(variant.price)
    return label % {"name": variant.name, "price": price, "minutes": variant.minutes}


def menu_summary(service: Service) -> str:
    """ "45–120 minutes · from $149" for a service with drips, "" for one without."""
    drips = [v for v in service.variants.all() if v.active and v.kind == VariantKind.DRIP]
    if not drips:
        return ""
    shortest, longest = min(d.minutes for d in drips), max(d.minutes for d in drips)
    minutes = f"{shortest}" if shortest == longest else f"{shortest}–{longest}"
    lowest = dollars(min(d.price for d in drips))
    values = {"count": len(drips), "minutes": minutes, "price": lowest}
    return (
        ngettext(
            "%(count)s drip, %(minutes)s minutes · from %(price)s",
            "%(count)s drips, %(minutes)s minutes · from %(price)s",
            len(drips),
        )
        % values
    )


def has_menu(service: Service) -> bool:
    return service.variants.drips().exists()


def dispatch_fee(*, at_home: bool) -> Decimal:
    return BookingSettings.load().home_visit_fee if at_home else Decimal("0")


def read_choice(
    service: Service, drip: str | None, add_ons: list[str], *, at_home: bool
) -> DripChoice:
    """The chosen drip and add-ons by id, each active on this service's menu; ChoiceRefused
    with the message to show otherwise."""
    variants = {str(v.pk): v for v in service.variants.active()}
    variant = variants.get(drip or "")
    if variant is None or variant.kind != VariantKind.DRIP:
        raise ChoiceRefused(NO_DRIP)
    chosen = []
    for key in dict.fromkeys(add_ons):
        add_on = variants.get(key)
        if add_on is None or add_on.kind != VariantKind.ADD_ON:
            raise ChoiceRefused(
                gettext("That add-on is no longer on our menu. Please choose again.")
            )
        chosen.append(add_on)
    chosen.sort(key=lambda item: item.sort_order or 0)
    return DripChoice(variant, tuple(chosen), dispatch_fee(at_home=at_home))


def service_menu(page) -> Service | None:
    """The active service that `page` (or its translation) describes and whose drips it lists,
    if any."""
    services = Service.objects.active().filter(
        info_page__translation_key=page.translation_key, variants__kind=VariantKind.DRIP
    )
    return services.filter(variants__active=True).distinct().first()


def menu_changed(sender, **kwargs) -> None:
    # A service's page shows its menu, the prices page every service, the team page the
    # providers, a location page its booking card; public pages are cached whole.
    after_commit_invalidate_site()


def connect() -> None:
    for model in (Service, ServiceVariant, Provider, ProviderHours):
        for signal in (post_save, post_delete):
            signal.connect(menu_changed, sender=model, dispatch_uid=f"menu-{model.__name__}")
