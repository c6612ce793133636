"""What the clinic sets up: where it books, what it offers, who gives it and when."""

import copy
import datetime
import zoneinfo
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import Orderable

from klearmind.clinic.hours import Weekday, check_in_order
from klearmind.pages.models import LocationPage
from klearmind.pages.pictures import alt_text_refusals

DEFAULT_TIME_ZONE = "America/Los_Angeles"
# CLINICAL.md, IV hydration (California): "Cancellation policy ... (typical: 24 hours)".
DEFAULT_CANCELLATION_NOTICE_HOURS = 24
# CLINICAL.md, IV hydration (California): the at-home dispatch fee is a clinic setting; the
# demo clinic's published fee is $50.
DEFAULT_HOME_VISIT_FEE = Decimal("50.00")
# CLINICAL.md, IV hydration (California): a good-faith exam "before the first drip, after a
# change in history, and yearly".
GOOD_FAITH_EXAM_VALID_DAYS = 365
RESERVED_SLUGS = frozenset({"invitation", "visit"})


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            "“%(value)s” is not a time zone name such as America/Los_Angeles.",
            code="invalid_time_zone",
            params={"value": value},
        ) from None


class LocationQuerySet(models.QuerySet):
    def with_hours(self):
        return self.select_related("page").prefetch_related("page__hours")

    def serving_zip(self, zip_code: str):
        """Locations whose at-home service area lists this ZIP code (checked in Python: the
        area is a list of codes in one text field)."""
        return [
            location
            for location in self.select_related("page")
            if zip_code in location.page.service_area
        ]


class Location(models.Model):
    """The booking side of a location page: its page holds the address, hours and service area."""

    page = models.OneToOneField(LocationPage, on_delete=models.CASCADE, related_name="booking")
    time_zone = models.CharField(
        max_length=64, default=DEFAULT_TIME_ZONE, validators=[validate_time_zone]
    )
    chairs = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(40)],
        help_text="Treatment chairs: how many people can be treated here at the same time.",
    )
    travel_buffer_minutes = models.PositiveSmallIntegerField(
        default=30,
        validators=[MaxValueValidator(240)],
        help_text="Added before and after every at-home visit for the journey.",
    )
    home_iv_ketamine = models.BooleanField(
        "IV ketamine at home",
        default=False,
        help_text="Send IV ketamine and booster infusions to patients' homes from this "
        "location. Switch on only if its home visits are staffed and equipped for "
        "cardiorespiratory emergencies (APA consensus); the same chart rules apply at home.",
    )
    # Every booking change at this location first updates this counter: that UPDATE is the
    # lock which makes bookings here take turns (see docs/decisions/011).
    booking_sequence = models.PositiveBigIntegerField(default=0, editable=False)

    objects = LocationQuerySet.as_manager()

    panels = [
        FieldPanel("page"),
        FieldPanel("time_zone"),
        FieldRowPanel([FieldPanel("chairs"), FieldPanel("travel_buffer_minutes")]),
        FieldPanel("home_iv_ketamine"),
    ]

    class Meta:
        ordering = ["page__path"]
        constraints = [
            models.CheckConstraint(condition=models.Q(chairs__gte=1), name="location_has_a_chair"),
        ]

    def __str__(self):
        return self.page.title

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def slug(self) -> str:
        return self.page.slug

    def serves_zip(self, zip_code: str) -> bool:
        return zip_code in self.page.service_area


class Closure(models.Model):
    """A holiday or closure: whole days, or part of one day when times are given."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="closures")
    starts_on = models.DateField()
    ends_on = models.DateField(blank=True, null=True, help_text="Leave empty for one day.")
    starts_at = models.TimeField(blank=True, null=True, help_text="Leave empty for all day.")
    ends_at = models.TimeField(blank=True, null=True)
    reason = models.CharField(max_length=120)

    panels = [
        FieldPanel("location"),
        FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldPanel("reason"),
    ]

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="closure_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=models.Q(starts_at__isnull=True, ends_at__isnull=True)
                | models.Q(ends_at__gt=models.F("starts_at")),
                name="closure_times_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.location}: {self.reason} ({self.starts_on})"

    @property
    def last_day(self) -> datetime.date:
        return self.ends_on or self.starts_on

    def clean(self):
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The last day cannot be before the first."})
        if (self.starts_at is None) != (self.ends_at is None):
            raise ValidationError(
                {"ends_at": "Give both times for a partial day, or neither for whole days."}
            )
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The closure must end after it starts."})


class ServiceKind(models.TextChoices):
    CONSULTATION = "consultation", "Free phone consultation"
    KETAMINE = "ketamine", "IV ketamine infusion"
    SPRAVATO = "spravato", "Spravato session"
    HYDRATION = "hydration", "IV hydration drip"
    BOOSTER = "booster", "Booster infusion"
    GOOD_FAITH_EXAM = "good_faith_exam", "Good-faith exam (before IV hydration)"


# The treatments a clinician must accept someone for before they are booked: never "anyone"
# online, and at the front desk only for an accepted candidate or a patient (CLINICAL.md).
TREATMENT_KINDS = (ServiceKind.KETAMINE, ServiceKind.BOOSTER, ServiceKind.SPRAVATO)
TREATMENT_OPEN_TO_ANYONE = (
    "IV ketamine, booster and Spravato are treatments a clinician must accept someone for "
    "first: choose “Only candidates accepted by a clinician” or “Staff only”."
)

# IV ketamine services: given at home only from a location that allows it.
IV_KETAMINE_KINDS = (ServiceKind.KETAMINE, ServiceKind.BOOSTER)


class OnlineBooking(models.TextChoices):
    ANYONE = "anyone", "Anyone"
    INVITED = "invited", "Only candidates accepted by a clinician"
    STAFF = "staff", "Staff only"


class DepositRule(models.TextChoices):
    NONE = "none", "No deposit"
    FIXED = "fixed", "A fixed amount"
    FULL = "full", "The full price"
    PERCENT = "percent", "A percentage of the price"


class ServiceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def bookable_online(self):
        return self.active().exclude(online_booking=OnlineBooking.STAFF)

    def good_faith_exams(self):
        return self.active().filter(kind=ServiceKind.GOOD_FAITH_EXAM)


class Service(ClusterableModel):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=20, choices=ServiceKind.choices)
    summary = models.CharField(max_length=300, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    buffer_before_minutes = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(240)]
    )
    buffer_after_minutes = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(240)]
    )
    price = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    deposit_rule = models.CharField(
        max_length=10, choices=DepositRule.choices, default=DepositRule.NONE
    )
    deposit_amount = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    deposit_percent = models.PositiveSmallIntegerField(
        "deposit (% of the price)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="For a percentage deposit: 1 to 100. A drip's deposit is this share of the "
        "drip and add-ons booked.",
    )
    locations = ParentalManyToManyField(Location, blank=True, related_name="services")
    at_home = models.BooleanField(default=False, help_text="Also offered as a home visit.")
    needs_chair = models.BooleanField(
        default=True,
        help_text="Untick for phone consultations: they take a provider's time, not a chair.",
    )
    online_booking = models.CharField(
        max_length=10, choices=OnlineBooking.choices, default=OnlineBooking.ANYONE
    )
    fasting_hours = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="No solid food for this many hours before."
    )
    clear_liquids_hours = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Clear liquids allowed until this many hours before."
    )
    driver_required = models.BooleanField(default=False)
    no_driving_until_next_day = models.BooleanField(default=False)
    preparation_notes = models.TextField(blank=True)
    cancellation_notice_hours = models.PositiveSmallIntegerField(
        default=DEFAULT_CANCELLATION_NOTICE_HOURS
    )
    info_page = models.ForeignKey(
        "pages.ServicePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The page that says more about this service.",
    )
    sort_order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    objects = ServiceQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("kind"),
        FieldPanel("summary"),
        FieldRowPanel(
            [
                FieldPanel("duration_minutes"),
                FieldPanel("buffer_before_minutes"),
                FieldPanel("buffer_after_minutes"),
            ],
            heading="Minutes",
        ),
        FieldRowPanel(
            [
                FieldPanel("price"),
                FieldPanel("deposit_rule"),
                FieldPanel("deposit_amount"),
                FieldPanel("deposit_percent"),
            ]
        ),
        MultiFieldPanel(
            [
                FieldPanel("locations"),
                FieldPanel("at_home"),
                FieldPanel("needs_chair"),
                FieldPanel("online_booking"),
            ],
            heading="Where and who may book",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("fasting_hours"), FieldPanel("clear_liquids_hours")]),
                FieldPanel("driver_required"),
                FieldPanel("no_driving_until_next_day"),
                FieldPanel("preparation_notes"),
            ],
            heading="Preparation",
        ),
        FieldPanel("cancellation_notice_hours"),
        FieldPanel("info_page"),
        FieldRowPanel([FieldPanel("sort_order"), FieldPanel("active")]),
        InlinePanel(
            "variants",
            heading="Drips and add-ons",
            label="Drip or add-on",
            help_text="When a service has drips, people choose one when they book; its "
            "minutes and price replace the service's. The service's page shows this menu.",
        ),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gt=0), name="service_duration_positive"
            ),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="service_price_positive"),
            models.CheckConstraint(
                condition=~models.Q(kind__in=TREATMENT_KINDS, online_booking=OnlineBooking.ANYONE),
                name="treatment_not_booked_by_anyone",
                violation_error_message=TREATMENT_OPEN_TO_ANYONE,
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=ServiceKind.SPRAVATO, at_home=True),
                name="service_spravato_never_at_home",
            ),
            models.CheckConstraint(
                condition=models.Q(deposit_percent__isnull=True)
                | models.Q(deposit_percent__gte=1, deposit_percent__lte=100),
                name="service_deposit_percent_1_to_100",
            ),
            models.CheckConstraint(
                condition=~models.Q(deposit_rule=DepositRule.PERCENT)
                | models.Q(deposit_percent__isnull=False),
                name="service_percent_deposit_has_a_percent",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def duration(self) -> datetime.timedelta:
        return datetime.timedelta(minutes=self.duration_minutes)

    @property
    def offers_series(self) -> bool:
        return self.kind == ServiceKind.KETAMINE

    @property
    def needs_good_faith_exam(self) -> bool:
        return self.kind == ServiceKind.HYDRATION

    @property
    def is_good_faith_exam(self) -> bool:
        return self.kind == ServiceKind.GOOD_FAITH_EXAM

    def lasting(self, minutes: int) -> "Service":
        """This service as it is booked for `minutes` (a drip and its add-ons): an unsaved
        copy the availability and booking code read like the service itself, so a
        120-minute NAD+ drip holds its chair for 120 minutes."""
        timed = copy.copy(self)
        timed.duration_minutes = minutes
        return timed

    @property
    def is_treatment(self) -> bool:
        return self.kind in TREATMENT_KINDS

    @property
    def needs_invitation(self) -> bool:
        # A treatment needs one even if its row says "anyone" (the database refuses that).
        return self.online_booking == OnlineBooking.INVITED or (
            self.is_treatment and self.online_booking == OnlineBooking.ANYONE
        )

    @property
    def deposit(self) -> Decimal | None:
        """The deposit at the service's own price; None when it takes none."""
        return self.deposit_for(self.price)

    def deposit_for(self, price: Decimal) -> Decimal | None:
        """The deposit for a visit booked at `price` (a drip and its add-ons have their own),
        in dollars and cents; None when the service takes none."""
        if self.deposit_rule == DepositRule.FULL:
            return price
        if self.deposit_rule == DepositRule.FIXED:
            return self.deposit_amount
        if self.deposit_rule == DepositRule.PERCENT and self.deposit_percent:
            share = Decimal(price) * self.deposit_percent / 100
            return share.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return None

    def home_refusal(self, location: Location) -> str:
        """Why this service is not given at home from `location` ("" when it is): Spravato
        never (REMS), IV ketamine only where the location has switched it on."""
        if self.kind == ServiceKind.SPRAVATO:
            return _("%(service)s is given only in a certified clinic, never at home") % {
                "service": self.name
            }
        if not self.at_home:
            return _("%(service)s is not offered at home") % {"service": self.name}
        if self.kind in IV_KETAMINE_KINDS and not location.home_iv_ketamine:
            return _("%(service)s is not offered at home from %(place)s") % {
                "service": self.name,
                "place": location,
            }
        return ""

    def offered_at_home(self) -> bool:
        """Whether some location gives this service at home."""
        return any(not self.home_refusal(location) for location in Location.objects.all())

    def preparation(self) -> list[str]:
        """The preparation rules in plain sentences, for the pages and e-mails."""
        rules = []
        if self.fasting_hours:
            rules.append(
                ngettext(
                    "No solid food for %(hours)s hour before your visit.",
                    "No solid food for %(hours)s hours before your visit.",
                    self.fasting_hours,
                )
                % {"hours": self.fasting_hours}
            )
        if self.clear_liquids_hours:
            rules.append(
                ngettext(
                    "Clear liquids (water, clear juice, black coffee or tea) are fine until "
                    "%(hours)s hour before.",
                    "Clear liquids (water, clear juice, black coffee or tea) are fine until "
                    "%(hours)s hours before.",
                    self.clear_liquids_hours,
                )
                % {"hours": self.clear_liquids_hours}
            )
        if self.driver_required:
            rules.append(_("Bring a responsible adult who will drive you home; you cannot drive."))
        if self.no_driving_until_next_day:
            rules.append(_("Do not drive or operate machinery until the next day."))
        rules += [line.strip() for line in self.preparation_notes.splitlines() if line.strip()]
        return rules

    def clean(self):
        if self.slug in RESERVED_SLUGS:  # these addresses under /book/ are taken
            raise ValidationError({"slug": "Please choose another slug: this one is reserved."})
        if self.kind == ServiceKind.SPRAVATO and self.at_home:
            raise ValidationError(
                {"at_home": "Spravato is given only in a certified clinic, never at home."}
            )
        if self.deposit_rule == DepositRule.FIXED and not self.deposit_amount:
            raise ValidationError({"deposit_amount": "Give the deposit amount."})
        if self.deposit_rule == DepositRule.PERCENT and not 1 <= (self.deposit_percent or 0) <= 100:
            raise ValidationError(
                {"deposit_percent": "Give the deposit as a percentage from 1 to 100."}
            )
        if self.is_treatment and self.online_booking == OnlineBooking.ANYONE:
            raise ValidationError(
                {"online_booking": ValidationError(TREATMENT_OPEN_TO_ANYONE, code="treatment")}
            )


class VariantKind(models.TextChoices):
    DRIP = "drip", "Drip"
    ADD_ON = "add_on", "Add-on"


class ServiceVariantQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def drips(self):
        return self.active().filter(kind=VariantKind.DRIP)

    def add_ons(self):
        return self.active().filter(kind=VariantKind.ADD_ON)


class ServiceVariant(Orderable):
    """One item a service is booked as, with its own minutes and price: a drip of the menu,
    or an add-on given with it. The one price list the booking and the public page show."""

    service = ParentalKey(Service, on_delete=models.CASCADE, related_name="variants")
    kind = models.CharField(max_length=10, choices=VariantKind.choices, default=VariantKind.DRIP)
    name = models.CharField(max_length=80)
    description = models.CharField(
        max_length=300, blank=True, help_text="What is in the bag, in a sentence."
    )
    minutes = models.PositiveSmallIntegerField(
        validators=[MaxValueValidator(480)],
        help_text="How long it takes; for an add-on, the minutes it adds (often none).",
    )
    price = models.DecimalField(max_digits=7, decimal_places=2)
    active = models.BooleanField(default=True)

    objects = ServiceVariantQuerySet.as_manager()

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("name")]),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("minutes"), FieldPanel("price"), FieldPanel("active")]),
    ]

    class Meta(Orderable.Meta):
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="add_on") | models.Q(minutes__gt=0),
                name="service_variant_drip_takes_time",
            ),
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="service_variant_price_not_negative"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.kind == VariantKind.DRIP and not self.minutes:
            raise ValidationError({"minutes": "Give how many minutes the drip takes."})


class ExamBy(models.TextChoices):
    PHONE = "phone", "By phone"
    VIDEO = "video", "By secure video"


@register_setting(icon="date")
class BookingSettings(BaseGenericSetting):
    """Booking rules the clinic sets once: the home-visit fee and how the good-faith exam
    before IV hydration is held."""

    home_visit_fee = models.DecimalField(
        "home-visit dispatch fee",
        max_digits=7,
        decimal_places=2,
        default=DEFAULT_HOME_VISIT_FEE,
        validators=[MinValueValidator(0)],
        help_text="Added to the price of every IV hydration drip given at home.",
    )
    good_faith_exam_by = models.CharField(
        "good-faith exam held",
        max_length=10,
        choices=ExamBy.choices,
        default=ExamBy.VIDEO,
        help_text="How a clinician holds the good-faith exam before a first drip.",
    )

    class Meta:
        verbose_name = "booking settings"


class ProviderQuerySet(models.QuerySet):
    def on_team(self):
        """The people the public team page shows: active providers linked to an active staff
        login (a locum without a login is booked, not introduced)."""
        return (
            self.filter(active=True, user__isnull=False, user__is_active=True)
            .select_related("photo")
            .prefetch_related(
                models.Prefetch("hours", ProviderHours.objects.select_related("location__page"))
            )
        )


class Provider(ClusterableModel):
    name = models.CharField(max_length=120)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="booking_provider",
        help_text="Their staff login, if they have one.",
    )
    services = ParentalManyToManyField(Service, blank=True, related_name="providers")
    active = models.BooleanField(default=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A portrait for the team page; its description is read out as alt text.",
    )
    credentials = models.CharField(
        max_length=200,
        blank=True,
        help_text="Their qualifications as patients should read them, e.g. “Board-certified "
        "anesthesiologist”.",
    )
    biography = models.TextField(max_length=1500, blank=True)
    languages = models.CharField(
        max_length=200,
        blank=True,
        default="English",
        help_text="The languages they see patients in, separated by commas.",
    )

    objects = ProviderQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("user"),
        FieldPanel("services"),
        FieldPanel("active"),
        MultiFieldPanel(
            [
                FieldPanel("photo"),
                FieldPanel("credentials"),
                FieldPanel("biography"),
                FieldPanel("languages"),
            ],
            heading="On the team page",
        ),
        InlinePanel("hours", heading="Working hours", label="Hours"),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        refusals = alt_text_refusals(self, ("photo",))
        if refusals:
            raise ValidationError(refusals)

    @property
    def language_list(self) -> list[str]:
        return [name.strip() for name in self.languages.split(",") if name.strip()]

    @property
    def team_locations(self) -> list[str]:
        """Where they see patients, from their working hours: the clinics, then home visits."""
        places = {hours.location.page.title for hours in self.hours.all() if hours.location}
        at_home = any(hours.location is None for hours in self.hours.all())
        return sorted(places) + (["Home visits"] if at_home else [])

    @property
    def anchor(self) -> str:
        return f"provider-{self.pk}"


class ProviderHours(models.Model):
    """A provider's weekly hours at one location, or for home visits when no location is set."""

    provider = ParentalKey(Provider, on_delete=models.CASCADE, related_name="hours")
    location = models.ForeignKey(
        Location,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="provider_hours",
        help_text="Leave empty for home visits.",
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts = models.TimeField()
    ends = models.TimeField()

    panels = [
        FieldPanel("location"),
        FieldRowPanel([FieldPanel("weekday"), FieldPanel("starts"), FieldPanel("ends")]),
    ]

    class Meta:
        verbose_name_plural = "provider hours"
        ordering = ["weekday", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends__gt=models.F("starts")), name="provider_hours_in_order"
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"

    def clean(self):
        check_in_order(
            self.starts, self.ends, field="ends", message="The hours must end after they start."
        )


class TimeOff(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="time_off")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=120, blank=True)

    panels = [
        FieldPanel("provider"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldPanel("reason"),
    ]

    class Meta:
        verbose_name_plural = "time off"
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="time_off_in_order"
            ),
        ]

    def __str__(self):
        return f"{self.provider}: {self.starts_at:%Y-%m-%d}"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "Time off must end after it starts."})
