"""What every app of the clinic reads: its name, its contact details, its settings."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils import timezone, translation
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import StreamField

from .blocks import FooterLinkBlock
from .link_targets import LinkKind, place_choices, service_choices, target_errors, target_url
from .tree_version import cached_for_tree
from .validators import phone_href, validate_phone


@register_setting(icon="site")
class ClinicSettings(BaseGenericSetting):
    clinic_name = models.CharField(max_length=120, default="Klearmind")
    tagline = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=30, blank=True, validators=[validate_phone])
    email = models.EmailField(blank=True)
    crisis_line_text = models.TextField(
        default=(
            "If you are in crisis or thinking about harming yourself, call or text 988 "
            "(Suicide & Crisis Lifeline) any time. In an emergency, call 911."
        ),
        help_text="Shown in the footer of every page.",
    )
    crisis_line_text_es = models.TextField(
        "crisis line text in Spanish",
        default=(
            "Si está en crisis o piensa en hacerse daño, llame o envíe un mensaje de texto al "
            "988 (Línea de Prevención del Suicidio y Crisis) a cualquier hora; para hablar en "
            "español por teléfono, marque 2. En una emergencia, llame al 911."
        ),
        help_text="Shown in the footer of the Spanish pages.",
    )
    booking_kind = models.CharField(
        "The button leads to",
        max_length=12,
        choices=LinkKind.choices,
        default=LinkKind.PAGE,
        help_text="Where the “Book a free consultation” button leads.",
    )
    booking_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For “A page”.",
    )
    booking_service = models.CharField(
        max_length=60,
        blank=True,
        help_text="For “Book a service”: the booking flow opens with it chosen.",
    )
    booking_place = models.CharField(
        max_length=60,
        blank=True,
        help_text="For “Book a service”: a clinic chosen in advance, or none.",
    )
    footer_links = StreamField([("link", FooterLinkBlock())], blank=True)
    # Not among the panels: editors reach this screen, and only clinicians and the owner
    # choose where urgent questionnaires and check-ins are announced (Candidacy → Settings).
    on_call_email = models.EmailField(
        "On-call clinical e-mail",
        blank=True,
        help_text="Urgent questionnaires (PHQ-9 item 9 above “not at all”) and check-ins are "
        "announced here at once. Empty: the clinic's notification address (CLINIC_NOTIFY_EMAIL).",
    )

    select_related = ["booking_page"]

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("clinic_name"),
                FieldPanel("tagline"),
                FieldPanel("phone"),
                FieldPanel("email"),
            ],
            heading="The clinic",
        ),
        MultiFieldPanel(
            [
                FieldPanel("booking_kind"),
                FieldPanel("booking_page"),
                FieldPanel("booking_service", widget=forms.Select(choices=service_choices)),
                FieldPanel("booking_place", widget=forms.Select(choices=place_choices)),
            ],
            heading="The “Book a free consultation” button",
        ),
        FieldPanel("crisis_line_text"),
        FieldPanel("crisis_line_text_es"),
        FieldPanel("footer_links"),
    ]

    class Meta:
        db_table = "pages_clinicsettings"  # made when the public site held the settings
        verbose_name = "clinic settings"

    @classmethod
    def load(cls, request_or_site=None):
        """Public pages read the settings from the cache (saving them moves the tree version
        on); the back office, e-mails and tasks read the row itself."""
        if isinstance(request_or_site, HttpRequest) and not request_or_site.path_info.startswith(
            settings.ADMIN_PATH_PREFIXES
        ):
            attr_name = cls.get_cache_attr_name()
            if not hasattr(request_or_site, attr_name):
                setattr(
                    request_or_site,
                    attr_name,
                    cached_for_tree("clinic:settings", cls._get_or_create),
                )
        return super().load(request_or_site=request_or_site)

    def clean(self):
        super().clean()
        if self.booking_kind == LinkKind.PAGE:
            return  # no page chosen: no button
        errors = target_errors(
            self.booking_kind,
            page=self.booking_page,
            service=self.booking_service,
            place=self.booking_place,
        )
        if errors:
            raise ValidationError({f"booking_{name}": message for name, message in errors.items()})

    @property
    def booking_url(self) -> str:
        """Where the header's and the home page's booking button leads ("" for no button)."""
        return target_url(
            self.booking_kind,
            page=self.booking_page,
            service=self.booking_service,
            place=self.booking_place,
        )

    @property
    def crisis_line(self) -> str:
        """The footer's crisis line in the language of the page."""
        if translation.get_language() == "es":
            return self.crisis_line_text_es
        return self.crisis_line_text

    def on_call_address(self) -> str:
        return self.on_call_email or settings.CLINIC_NOTIFY_EMAIL

    @property
    def phone_href(self) -> str:
        return phone_href(self.phone)


class StatusChangeRecord(models.Model):
    """One step of a record's status history: who moved it, when, from what to what. Each
    history adds its record's key and the two status fields with its own choices."""

    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    # How the first step names the state before it (`from_status` is empty there).
    first_label = "new"

    class Meta:
        abstract = True
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.from_status or self.first_label} → {self.to_status}"
