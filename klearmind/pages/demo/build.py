"""Builds the demo clinic from the content modules: creates what is missing, and brings a page
or notice up to date only while nobody has edited it since the demo wrote it (decision 026)."""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import ForeignObjectRel
from wagtail.models import Page, Site

from klearmind.clinic.models import ClinicSettings

from ..models import SafetyNotice
from .content import CLINIC_SETTINGS, HOME, NOTICES
from .images import ensure_images
from .spec import PageSpec, Ref

WELCOME_TITLE = "Welcome to your new Wagtail site!"


@dataclass
class DemoReport:
    pages_created: list[str] = field(default_factory=list)
    pages_present: list[str] = field(default_factory=list)
    pages_updated: list[str] = field(default_factory=list)
    other_created: list[str] = field(default_factory=list)
    other_updated: list[str] = field(default_factory=list)


class Unresolved(LookupError):
    """A reference to a page the builder has not reached yet."""


class TreeBuilder:
    """Walks the page specs, finding each page or creating it, and publishes what it created."""

    def __init__(self, report: DemoReport, *, notices: dict, images: dict):
        self.report = report
        self.objects = {"notice": notices, "image": images, "page": {}}
        self.drafts: list[tuple[Page, dict]] = []
        self.present: list[tuple[PageSpec, Page]] = []

    @property
    def pages(self) -> dict[str, Page]:
        return self.objects["page"]

    def build(self, spec: PageSpec, parent: Page) -> None:
        page = self._find(spec, parent)
        if page is None:
            page = self._create(spec, parent)
            self.report.pages_created.append(spec.title)
        else:
            self.report.pages_present.append(spec.title)
            self.present.append((spec, page))
        self.pages[spec.slug] = page
        for child in spec.children:
            self.build(child, page)

    def publish(self) -> None:
        """Fill in the fields that pointed forward in the tree, then publish every new page."""
        for page, deferred in self.drafts:
            for name, value in deferred.items():
                self._assign(page, name, value)
            page.save_revision().publish()

    def refresh_unedited(self) -> None:
        """Rewrite each page found whose only revision is the one the demo published, when the
        content modules now say something else; a page anyone saved since is left alone."""
        for spec, page in self.present:
            page = page.specific
            if page.revisions.count() != 1 or page.has_unpublished_changes:
                continue
            before = comparable(page, spec)
            for name, value in spec.fields.items():
                if not isinstance(page._meta.get_field(name), ForeignObjectRel):
                    self._assign(page, name, value)
            if comparable(page, spec) == before:
                continue
            page.save()
            # The one revision keeps matching the live page, so the rule holds next time.
            revision = page.latest_revision
            revision.content = page.serializable_data()
            revision.save(update_fields=["content"])
            self.report.pages_updated.append(spec.title)

    def resolve(self, value):
        if isinstance(value, Ref):
            try:
                return self.objects[value.kind][value.key]
            except KeyError:
                raise Unresolved(value) from None
        if isinstance(value, dict):
            return {key: self.resolve(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self.resolve(item) for item in value)
        return value

    def _find(self, spec: PageSpec, parent: Page) -> Page | None:
        if spec.model.max_count == 1:
            return spec.model.objects.first()
        return parent.get_children().filter(slug=spec.slug).specific().first()

    def _create(self, spec: PageSpec, parent: Page) -> Page:
        page = spec.model(title=spec.title, slug=spec.slug, show_in_menus=spec.in_menu, live=False)
        deferred = {}
        for name, value in spec.fields.items():
            try:
                self._assign(page, name, value)
            except Unresolved:
                deferred[name] = value
        parent.add_child(instance=page)
        self.drafts.append((page, deferred))
        return page

    def _assign(self, page: Page, name: str, value) -> None:
        model_field = page._meta.get_field(name)
        if isinstance(model_field, ForeignObjectRel):  # inline items such as drips and hours
            value = [model_field.related_model(**item) for item in value]
        setattr(page, name, self.resolve(value))


def comparable(page: Page, spec: PageSpec) -> dict:
    """The page's spec fields as stored, without the block ids Wagtail makes up each time."""
    values = {}
    for name in spec.fields:
        model_field = page._meta.get_field(name)
        if not isinstance(model_field, ForeignObjectRel):
            stored = model_field.get_prep_value(model_field.value_from_object(page))
            values[name] = without_ids(stored)
    return values


def without_ids(value):
    if isinstance(value, dict):
        return {key: without_ids(item) for key, item in value.items() if key != "id"}
    if isinstance(value, list | tuple):
        return [without_ids(item) for item in value]
    return value


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
        fill_clinic_settings(builder)
    return report


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
