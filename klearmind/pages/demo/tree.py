"""The page tree walker the demo is built with: finds or creates each page of a spec tree,
publishes what it created, and brings unedited pages up to date (decision 026)."""

from dataclasses import dataclass, field

from django.db.models import ForeignObjectRel
from wagtail.models import Locale, Page

from .spec import PageSpec, Ref


@dataclass
class DemoReport:
    pages_created: list[str] = field(default_factory=list)
    pages_present: list[str] = field(default_factory=list)
    pages_updated: list[str] = field(default_factory=list)
    other_created: list[str] = field(default_factory=list)
    other_updated: list[str] = field(default_factory=list)
    translations_created: list[str] = field(default_factory=list)
    translations_present: list[str] = field(default_factory=list)


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
        if spec.model.max_count == 1:  # one per language: the one in the site's own
            return spec.model.objects.filter(locale=Locale.get_default()).first()
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
