"""Wagtail page types, snippets and site settings of the public site."""

import datetime
from functools import partial
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject, cached_property
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import validate_to_address
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.fields import RichTextField, StreamField
from wagtail.models import (
    Orderable,
    Page,
    PageManager,
    PageViewRestriction,
    Site,
    TranslatableMixin,
)
from wagtail.query import PageQuerySet
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from klearmind.clinic.hours import Weekday, check_in_order
from klearmind.clinic.models import ClinicSettings
from klearmind.clinic.tree_version import cached_for_tree, current_version
from klearmind.clinic.validators import ZIP_CODE, validate_phone, validate_zip_code

from . import blocks, maps, opening
from .pictures import PicturedPage

LISTINGS = ("conditions", "latest_articles", "locations", "services")
ROUTE_CACHE_TIMEOUT = 5 * 60


class SafetyNoticeManager(models.Manager):
    def get_queryset(self):
        # A notice is shown with a link to its full page, in its own language: fetch all three
        # in one query.
        return super().get_queryset().select_related("full_page", "locale")


@register_snippet
class SafetyNotice(TranslatableMixin, models.Model):
    """A notice written once and shown wherever treatment is discussed; translated as a copy
    in each language (docs/decisions/043)."""

    title = models.CharField(max_length=120)
    body = RichTextField(features=blocks.RICH_TEXT_FEATURES)
    full_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Optional page with the notice in full, linked below the summary.",
    )

    panels = [FieldPanel("title"), FieldPanel("body"), FieldPanel("full_page")]

    objects = SafetyNoticeManager()

    def __str__(self):
        return self.title

    @property
    def localized(self) -> "SafetyNotice":
        """The notice in the active language, or this one where it has no translation yet.
        Unlike Wagtail's, it asks the database nothing when this one is already in it."""
        try:
            language = get_supported_content_language_variant(translation.get_language())
        except LookupError:
            return self
        if self.locale.language_code == language:
            return self
        return self.get_translations().filter(locale__language_code=language).first() or self


class SitePage(Page):
    """Fields and behavior every public page shares; not creatable on its own."""

    og_type = "website"

    class Meta:
        abstract = True

    def structured_data(self, request) -> dict | None:
        return None

    def get_view_restrictions(self):
        """Wagtail's check, with the pages whose restrictions apply remembered per position in
        the tree; the restrictions themselves are read on every request, so a page made private
        is private at once in every process."""
        page_ids = cached_for_tree(
            f"pages:restricted-by:{self.pk}:{self.path}", self.restriction_page_ids
        )
        return PageViewRestriction.objects.filter(page_id__in=page_ids)

    def restriction_page_ids(self) -> list[int]:
        """This page and its ancestors, an alias standing for the page it copies (as Wagtail's
        `get_view_restrictions` resolves them)."""
        page_ids = set()

        def add(page):
            if page.alias_of:
                add(page.alias_of)
            else:
                page_ids.add(page.pk)

        add(self)
        for ancestor in self.get_ancestors().only("alias_of"):
            add(ancestor)
        return sorted(page_ids)

    def clinic_reference(self, request) -> dict:
        clinic = ClinicSettings.load(request_or_site=request)
        return {
            "@type": "MedicalClinic",
            "name": clinic.clinic_name,
            "url": Site.find_for_request(request).root_url + "/",
        }


class HomePage(PicturedPage, SitePage):
    hero_heading = models.CharField(max_length=120)
    hero_text = models.TextField(max_length=600)
    conditions_heading = models.CharField(max_length=120, default="What we treat")
    body = StreamField(blocks.BodyBlock(), blank=True)

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1
    content_panels = [
        *Page.content_panels,
        FieldPanel("hero_heading"),
        FieldPanel("hero_text"),
        FieldPanel("conditions_heading"),
        *PicturedPage.picture_panels,
        FieldPanel("body"),
    ]

    @property
    def localized(self):
        """The home page in the active language (Wagtail's `localized`), remembered until the
        tree changes: every request's route starts from it, and Wagtail would ask the database
        for the language's locale, and then for the translation, on each one."""
        language = translation.get_language()
        return cached_for_tree(
            f"pages:home-in:{self.pk}:{language}", lambda: super(HomePage, self).localized
        )

    def route(self, request, path_components):
        """Route as Wagtail does, one query per level, but remember where each address led.

        The site root is where every request's routing starts. A remembered route keeps the
        page itself and asks the database only whether it is still live; its key holds the
        tree version, so publishing, unpublishing, moving or saving any page forgets every
        route at once.
        """
        if not path_components:
            return super().route(request, path_components)
        key = f"pages:route:{self.pk}:{current_version()}:{'/'.join(path_components)}"
        remembered = cache.get(key)
        if remembered is not None and Page.objects.filter(pk=remembered.pk, live=True).exists():
            return remembered.route(request, [])
        result = super().route(request, path_components)
        page, args, kwargs = result
        if not args and not kwargs:
            cache.set(key, page, timeout=ROUTE_CACHE_TIMEOUT)
        return result

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Read only if the page's content is rendered rather than taken from the cache.
        context.update({name: SimpleLazyObject(partial(self.listing, name)) for name in LISTINGS})
        return context

    def listing(self, name: str) -> list[Page]:
        return self.listings[name]

    @cached_property
    def listings(self) -> dict[str, list[Page]]:
        """What the home page lists from the rest of the site, in its own language, cached until
        the tree changes."""

        def in_locale(model):
            return model.objects.live().public().filter(locale_id=self.locale_id)

        return cached_for_tree(
            f"pages:home-listings:{self.pk}",
            lambda: {
                "conditions": list(in_locale(ConditionPage).order_by("path")),
                "latest_articles": list(in_locale(ArticlePage).newest_first()[:3]),
                "locations": list(in_locale(LocationPage).for_display()),
                "services": list(in_locale(ServicePage).order_by("path")),
            },
        )

    def structured_data(self, request):
        clinic = ClinicSettings.load(request_or_site=request)
        return {
            "@context": "https://schema.org",
            **self.clinic_reference(request),
            "description": self.search_description or self.hero_text,
            "telephone": clinic.phone,
            "email": clinic.email,
            "medicalSpecialty": "Psychiatric",
            "availableService": [
                {"@type": "MedicalTherapy", "name": service.title, "url": service.full_url}
                for service in self.listings["services"]
            ],
            "department": [
                location.clinic_data(request) for location in self.listings["locations"]
            ],
        }


class ArticleQuerySet(PageQuerySet):
    def newest_first(self):
        return self.order_by("-published_date", "-pk")


class ArticleIndexPage(SitePage):
    intro = models.TextField(max_length=600, blank=True)
    per_page = 10

    subpage_types = ["pages.ArticlePage"]
    content_panels = [*Page.content_panels, FieldPanel("intro")]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = ArticlePage.objects.child_of(self).live().public().newest_first()
        paginator = Paginator(articles, self.per_page)
        context["articles"] = paginator.get_page(request.GET.get("page"))
        return context


class ArticlePage(PicturedPage, SitePage):
    intro = models.TextField(max_length=600)
    published_date = models.DateField(default=datetime.date.today)
    reviewed_by = models.CharField(
        max_length=120, blank=True, help_text="The clinician who reviewed the article."
    )
    last_reviewed = models.DateField(null=True, blank=True)
    social_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = StreamField(blocks.BodyBlock())

    og_type = "article"
    parent_page_types = ["pages.ArticleIndexPage"]
    subpage_types = []
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldRowPanel([FieldPanel("published_date"), FieldPanel("last_reviewed")]),
        FieldPanel("reviewed_by"),
        *PicturedPage.picture_panels,
        FieldPanel("body"),
    ]
    promote_panels = [*Page.promote_panels, FieldPanel("social_image")]

    objects = PageManager.from_queryset(ArticleQuerySet)()

    def structured_data(self, request):
        data = {
            "@context": "https://schema.org",
            "@type": "MedicalWebPage",
            "headline": self.title,
            "name": self.title,
            "description": self.search_description or self.intro,
            "url": self.full_url,
            "datePublished": self.published_date.isoformat(),
            "publisher": self.clinic_reference(request),
        }
        if self.last_published_at:
            data["dateModified"] = self.last_published_at.isoformat()
        if self.last_reviewed:
            data["lastReviewed"] = self.last_reviewed.isoformat()
        if self.reviewed_by:
            data["reviewedBy"] = {"@type": "Person", "name": self.reviewed_by}
        return data


class ServiceIndexPage(SitePage):
    intro = models.TextField(max_length=600, blank=True)

    max_count = 1
    subpage_types = ["pages.ServicePage"]
    content_panels = [*Page.content_panels, FieldPanel("intro")]


class ServicePage(PicturedPage, SitePage):
    summary = models.TextField(max_length=600)
    body = StreamField(blocks.BodyBlock(), blank=True)

    parent_page_types = ["pages.ServiceIndexPage"]
    subpage_types = []
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        *PicturedPage.picture_panels,
        FieldPanel("body"),
    ]

    def structured_data(self, request):
        return {
            "@context": "https://schema.org",
            "@type": "MedicalWebPage",
            "name": self.title,
            "description": self.search_description or self.summary,
            "url": self.full_url,
            "about": {"@type": "MedicalTherapy", "name": self.title},
            "publisher": self.clinic_reference(request),
        }


class ConditionIndexPage(SitePage):
    intro = models.TextField(max_length=600, blank=True)

    max_count = 1
    subpage_types = ["pages.ConditionPage"]
    content_panels = [*Page.content_panels, FieldPanel("intro")]


class ConditionPage(PicturedPage, SitePage):
    summary = models.TextField(max_length=600)
    body = StreamField(blocks.BodyBlock(), blank=True)

    parent_page_types = ["pages.ConditionIndexPage"]
    subpage_types = []
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        *PicturedPage.picture_panels,
        FieldPanel("body"),
    ]

    def structured_data(self, request):
        return {
            "@context": "https://schema.org",
            "@type": "MedicalWebPage",
            "name": self.title,
            "description": self.search_description or self.summary,
            "url": self.full_url,
            "about": {"@type": "MedicalCondition", "name": self.title},
            "publisher": self.clinic_reference(request),
        }


class LocationIndexPage(SitePage):
    intro = models.TextField(max_length=600, blank=True)

    max_count = 1
    subpage_types = ["pages.LocationPage"]
    content_panels = [*Page.content_panels, FieldPanel("intro")]


class LocationQuerySet(PageQuerySet):
    def for_display(self):
        """Live, public locations in tree order, with their opening hours."""
        return self.live().public().order_by("path").prefetch_related("hours")


def validate_zip_list(value: str) -> None:
    bad = [token for token in value.replace(",", " ").split() if not ZIP_CODE.match(token)]
    if bad:
        raise ValidationError(
            "These are not five-digit ZIP codes: %(bad)s",
            code="invalid_zip",
            params={"bad": ", ".join(bad[:10])},
        )


class LocationPage(PicturedPage, SitePage):
    street_address = models.CharField(max_length=160)
    city = models.CharField(max_length=80)
    region = models.CharField(max_length=2, default="CA")
    postal_code = models.CharField(max_length=5, validators=[validate_zip_code])
    phone = models.CharField(max_length=30, validators=[validate_phone])
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    intro = models.TextField(max_length=600, blank=True)
    directions = RichTextField(features=blocks.RICH_TEXT_FEATURES, blank=True)
    service_area_zip_codes = models.TextField(
        blank=True,
        validators=[validate_zip_list],
        help_text="ZIP codes where we offer at-home visits, separated by spaces or commas.",
    )

    parent_page_types = ["pages.LocationIndexPage"]
    subpage_types = []
    objects = PageManager.from_queryset(LocationQuerySet)()
    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        *PicturedPage.picture_panels,
        MultiFieldPanel(
            [
                FieldPanel("street_address"),
                FieldRowPanel(
                    [FieldPanel("city"), FieldPanel("region"), FieldPanel("postal_code")]
                ),
                FieldPanel("phone"),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ],
            heading="Address",
        ),
        InlinePanel("hours", heading="Opening hours", label="Day"),
        FieldPanel("directions"),
        FieldPanel("service_area_zip_codes"),
    ]

    @property
    def service_area(self) -> list[str]:
        return sorted(set(self.service_area_zip_codes.replace(",", " ").split()))

    @property
    def map_url(self) -> str:
        if self.latitude is not None and self.longitude is not None:
            return (
                "https://www.openstreetmap.org/?"
                + urlencode({"mlat": self.latitude, "mlon": self.longitude})
                + f"#map=17/{self.latitude}/{self.longitude}"
            )
        return "https://www.openstreetmap.org/search?" + urlencode({"query": self.one_line_address})

    @property
    def one_line_address(self) -> str:
        return f"{self.street_address}, {self.city}, {self.region} {self.postal_code}"

    @cached_property
    def week(self) -> list[tuple[str, "OpeningHours | None"]]:
        """Every weekday from Monday, with its hours or None when closed."""
        by_day = {hours.weekday: hours for hours in self.hours.all()}
        return [(label, by_day.get(day)) for day, label in Weekday.choices]

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def opening_status(self, moment=None) -> opening.OpeningStatus:
        """Open or closed at `moment` (now by default), on the clinic's clock."""
        week = {hours.weekday: (hours.opens, hours.closes) for hours in self.hours.all()}
        return opening.status_at(week, moment)

    def spot(self) -> maps.Spot:
        return maps.Spot(self.title, float(self.latitude), float(self.longitude))

    def map_svg(self) -> str:
        """This location's map with the other live clinics that have coordinates, or ""."""
        if not self.has_coordinates:
            return ""
        others = (
            LocationPage.objects.live()
            .public()
            .exclude(pk=self.pk)
            .filter(locale_id=self.locale_id, latitude__isnull=False, longitude__isnull=False)
        )
        return maps.location_map(self.spot(), [other.spot() for other in others])

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        # "Open now" is true only when it is rendered: no shared copy may outlive it.
        patch_cache_control(response, no_cache=True)
        return response

    def clinic_data(self, request) -> dict:
        data = {
            "@type": "MedicalClinic",
            "name": f"{ClinicSettings.load(request_or_site=request).clinic_name} {self.title}",
            "url": self.full_url,
            "telephone": self.phone,
            "address": {
                "@type": "PostalAddress",
                "streetAddress": self.street_address,
                "addressLocality": self.city,
                "addressRegion": self.region,
                "postalCode": self.postal_code,
                "addressCountry": "US",
            },
            "openingHoursSpecification": [
                {
                    "@type": "OpeningHoursSpecification",
                    "dayOfWeek": label,
                    "opens": hours.opens.strftime("%H:%M"),
                    "closes": hours.closes.strftime("%H:%M"),
                }
                for label, hours in self.week
                if hours
            ],
        }
        if self.latitude is not None and self.longitude is not None:
            data["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": float(self.latitude),
                "longitude": float(self.longitude),
            }
        if self.service_area:
            data["areaServed"] = [
                {
                    "@type": "PostalCodeRangeSpecification",
                    "postalCodeBegin": z,
                    "postalCodeEnd": z,
                    "addressCountry": "US",
                }
                for z in self.service_area
            ]
        return data

    def structured_data(self, request):
        return {
            "@context": "https://schema.org",
            **self.clinic_data(request),
            "parentOrganization": self.clinic_reference(request),
        }


class OpeningHours(Orderable):
    location = ParentalKey(LocationPage, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

    panels = [FieldRowPanel([FieldPanel("weekday"), FieldPanel("opens"), FieldPanel("closes")])]

    class Meta(Orderable.Meta):
        verbose_name_plural = "opening hours"
        constraints = [
            models.UniqueConstraint(fields=["location", "weekday"], name="one_opening_per_weekday"),
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")),
                name="opening_closes_after_it_opens",
            ),
        ]

    def clean(self):
        check_in_order(
            self.opens,
            self.closes,
            field="closes",
            message="Closing time must be after opening time.",
        )


class FAQPage(SitePage):
    intro = models.TextField(max_length=600, blank=True)
    questions = StreamField([("question", blocks.QuestionBlock())])

    subpage_types = []
    search_fields = [*Page.search_fields, index.SearchField("questions")]
    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("questions")]

    def structured_data(self, request):
        return {
            "@context": "https://schema.org",
            "@type": "FAQPage",
            "url": self.full_url,
            "mainEntity": [
                {
                    "@type": "Question",
                    "name": item.value["question"],
                    "acceptedAnswer": {
                        "@type": "Answer",
                        "text": blocks.plain_text(item.value["answer"]),
                    },
                }
                for item in self.questions
            ],
        }


class StandardPage(SitePage):
    intro = models.TextField(max_length=600, blank=True)
    body = StreamField(blocks.BodyBlock(), blank=True)

    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]


class ContactPage(SitePage):
    """The contact page: our own enquiry form (klearmind.enquiries), whose messages are
    encrypted and read only by the front desk, clinicians and the owner (decision 002)."""

    intro = RichTextField(features=blocks.RICH_TEXT_FEATURES, blank=True)
    thank_you_text = RichTextField(features=blocks.RICH_TEXT_FEATURES, blank=True)
    to_address = models.CharField(
        "notify",
        max_length=255,
        blank=True,
        validators=[validate_to_address],
        help_text="Addresses told that a message arrived (a link, never its text); separate "
        "several by commas. Empty: the clinic's notification address.",
    )
    from_address = models.EmailField("from address", max_length=255, blank=True)
    subject = models.CharField("subject", max_length=255, blank=True)

    max_count = 1
    subpage_types = []
    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            heading="Notify staff by e-mail",
        ),
    ]

    def get_context(self, request, *args, **kwargs):
        from klearmind.enquiries.forms import EnquiryForm

        context = super().get_context(request, *args, **kwargs)
        context["form"] = getattr(request, "enquiry_form", None) or EnquiryForm()
        context["refusal"] = getattr(request, "enquiry_refusal", None)
        return context

    def serve(self, request, *args, **kwargs):
        from klearmind.enquiries.views import contact_page

        return contact_page(request, self)

    @property
    def notify_addresses(self) -> list[str]:
        addresses = [address.strip() for address in self.to_address.split(",") if address.strip()]
        return addresses or [settings.CLINIC_NOTIFY_EMAIL]
