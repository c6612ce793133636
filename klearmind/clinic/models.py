"""What every app of the clinic reads: its name, its contact details, its settings."""

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import StreamField

from .blocks import FooterLinkBlock
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
    booking_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Where the 'Book a free consultation' button leads.",
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
        FieldPanel("booking_page"),
        FieldPanel("crisis_line_text"),
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
