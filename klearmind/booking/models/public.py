"""Public pages that show what booking holds: the team from the providers, the prices from
the services and the drip menu. They live here because the public site's own app may not
read booking (the "public-content" contract); their content is the booking's own rows, so
nothing is typed twice."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from klearmind.pages.models import SitePage

from .. import hooks
from .setup import BookingSettings, OnlineBooking, Provider, Service, VariantKind


class TeamPage(SitePage):
    intro = models.TextField(max_length=600, blank=True)

    max_count = 1
    parent_page_types = ["pages.HomePage"]
    subpage_types = []
    content_panels = [*Page.content_panels, FieldPanel("intro")]
    template = "booking/team_page.html"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["members"] = Provider.objects.on_team()
        return context


class PricedService:
    """A service as the prices page lists it, with its active drips and add-ons."""

    def __init__(self, service: Service):
        self.service = service
        variants = [variant for variant in service.variants.all() if variant.active]
        self.drips = [v for v in variants if v.kind == VariantKind.DRIP]
        self.add_ons = [v for v in variants if v.kind == VariantKind.ADD_ON]

    @property
    def minutes(self) -> str:
        """ "45–120" for a menu, the drips' shortest and longest."""
        shortest = min(drip.minutes for drip in self.drips)
        longest = max(drip.minutes for drip in self.drips)
        return f"{shortest}" if shortest == longest else f"{shortest}–{longest}"

    @property
    def lowest_price(self):
        return min(drip.price for drip in self.drips)


class PricesPage(SitePage):
    intro = models.TextField(max_length=600, blank=True)

    max_count = 1
    parent_page_types = ["pages.HomePage"]
    subpage_types = []
    content_panels = [*Page.content_panels, FieldPanel("intro")]
    template = "booking/prices_page.html"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        services = (
            Service.objects.active()
            .exclude(online_booking=OnlineBooking.STAFF)
            .select_related("info_page")
            .prefetch_related("variants")
            .order_by("sort_order", "name")
        )
        context["priced"] = [PricedService(service) for service in services]
        context["home_visit_fee"] = BookingSettings.load(request_or_site=request).home_visit_fee
        context["more_prices"] = hooks.price_sections()
        return context
