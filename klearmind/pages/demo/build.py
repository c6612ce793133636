"""Builds the demo clinic from the content modules: creates what is missing, and brings a page
or notice up to date only while nobody has edited it since the demo wrote it (decision 026)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import Page, Site

from klearmind.clinic.models import ClinicSettings

from ..models import SafetyNotice
from .content import CLINIC_SETTINGS, HOME, NOTICES
from .images import ensure_images
from .spanish import HOME_ES, NOTICES_ES
from .translation import load_translations
from .tree import DemoReport, TreeBuilder

WELCOME_TITLE = "Welcome to your new Wagtail site!"


def load_demo() -> DemoReport:
    """Create whatever part of the demo clinic's public site is missing, and bring up to date
    what the demo wrote and nobody has edited since; never change an edit."""
    report = DemoReport()
    with transaction.atomic():
        images, new_images = ensure_images()
        notices, new_notices = ensure_notices(report)
        report.other_created += new_images + [NOTICES[key]["title"] for key in new_notices]
        builder = TreeBuilder(report, notices=notices, images=images)
        remove_welcome_page()
        builder.build(HOME, Page.get_first_root_node())
        builder.publish()
        builder.refresh_unedited()
        point_default_site_at(builder.pages[HOME.slug])
        for key in new_notices:
            link_notice_to_page(notices[key], builder.pages[NOTICES[key]["full_page"]])
        if settings.DEMO_SPANISH:
            load_spanish(report, builder, notices, images)
        fill_clinic_settings(builder)
    return report


def load_spanish(report: DemoReport, builder: TreeBuilder, notices: dict, images) -> None:
    """The Spanish pages and notices as translations of the English ones (decision 043)."""
    spanish_pages, spanish_notices, new_spanish_notices = load_translations(
        report,
        home=HOME_ES,
        originals=builder.pages,
        notices=notices,
        texts=NOTICES_ES,
        images=images,
    )
    for key in new_spanish_notices:
        full_page = spanish_pages.get(NOTICES[key]["full_page"])
        if full_page is not None:
            link_notice_to_page(spanish_notices[key], full_page)


def ensure_notices(report: DemoReport) -> tuple[dict[str, SafetyNotice], list[str]]:
    """The safety notices by key, found by title or created; returns them and the new keys. A
    notice still reading word for word as an earlier demo wrote it gets the current text."""
    notices, created = {}, []
    for key, data in NOTICES.items():
        notice = SafetyNotice.objects.filter(title=data["title"]).first()
        if notice is None:
            notice = SafetyNotice.objects.create(title=data["title"], body=data["body"])
            created.append(key)
        elif notice.body in data.get("superseded", ()):
            notice.body = data["body"]
            notice.save(update_fields=["body"])
            report.other_updated.append(data["title"])
        notices[key] = notice
    return notices, created


def link_notice_to_page(notice: SafetyNotice, page: Page) -> None:
    notice.full_page = page
    notice.save(update_fields=["full_page"])


def remove_welcome_page() -> None:
    """Delete the placeholder Wagtail installs, keeping any site that pointed at it."""
    root = Page.get_first_root_node()
    welcome = (
        root.get_children()
        .filter(content_type=ContentType.objects.get_for_model(Page), title=WELCOME_TITLE)
        .first()
    )
    if welcome is not None:
        Site.objects.filter(root_page=welcome).update(root_page=root)
        welcome.delete()


def point_default_site_at(home: Page) -> None:
    """Serve the demo from the default site, at the address the site is reached on (BASE_URL),
    so canonical links and the sitemap name real URLs."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(hostname="localhost", port=80, is_default_site=True)
    if site.pk and site.root_page_id == home.pk and site.site_name:
        return
    address = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    site.hostname = address.hostname or site.hostname
    site.port = address.port or (443 if address.scheme == "https" else 80)
    site.root_page = home
    site.site_name = site.site_name or "Klearmind"
    site.save()


def fill_clinic_settings(builder: TreeBuilder) -> None:
    """Set the clinic settings that are still blank or at their model default. A booking
    button still at what an earlier demo set (the contact page) opens the booking flow now."""
    clinic = ClinicSettings.load()
    changed = False
    earlier = builder.pages.get("contact")
    if clinic.booking_kind == "page" and earlier and clinic.booking_page_id == earlier.pk:
        clinic.booking_page = None
        changed = True
    for name, value in CLINIC_SETTINGS.items():
        model_field = ClinicSettings._meta.get_field(name)
        current = getattr(clinic, name)
        if name.startswith("booking_") and clinic.booking_page_id:
            continue  # someone chose a page for the button
        if current and current != model_field.get_default():
            continue
        setattr(clinic, name, builder.resolve(value))
        changed = True
    if changed:
        clinic.save()
