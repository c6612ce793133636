"""Builds the demo's Spanish side as Wagtail translations of the English pages and notices
(docs/decisions/043): each is Wagtail's copy of its English original in the Spanish locale,
sharing its translation key, with the Spanish text written over the copy. Addresses, hours,
images and menu places come with the copy; only the words change."""

from wagtail.models import Locale, Page

from ..models import SafetyNotice
from .spec import PageSpec
from .tree import DemoReport, TreeBuilder, Unresolved

SPANISH = "es"


class TranslationBuilder(TreeBuilder):
    """Walks the Spanish page specs, each naming its English original: finds the original's
    translation or copies the original into the locale, then writes the Spanish slug and
    fields. A page keeps one revision, the published one, as the English demo pages do, so the
    rule that brings unedited pages up to date applies to translations too."""

    def __init__(self, report: DemoReport, *, locale: Locale, originals: dict, **objects):
        super().__init__(report, **objects)
        self.locale = locale
        self.originals = originals
        self.by_original: dict[str, Page] = {}

    def build(self, spec: PageSpec, parent: Page) -> None:
        super().build(spec, parent)
        self.by_original[spec.translation_of] = self.pages[spec.slug]

    def _find(self, spec: PageSpec, parent: Page) -> Page | None:
        original = self.originals[spec.translation_of]
        translation = original.get_translation_or_none(self.locale)
        if translation is None:
            # A translation whose original was deleted and made again: join it to the new one.
            translation = parent.get_children().filter(slug=spec.slug).first()
            if translation is None:
                return None
            translation.translation_key = original.translation_key
            translation.save(update_fields=["translation_key"])
        return translation.specific

    def _create(self, spec: PageSpec, parent: Page) -> Page:
        # The parent is translated first, so the copy goes under it and copies no parent.
        page = self.originals[spec.translation_of].copy_for_translation(self.locale).specific
        page.title = page.draft_title = spec.title
        page.slug = spec.slug
        deferred = {}
        for name, value in spec.fields.items():
            try:
                self._assign(page, name, value)
            except Unresolved:
                deferred[name] = value
        page.save()  # its children's addresses start with its slug
        self.drafts.append((page, deferred))
        return page

    def publish(self) -> None:
        """Fill in the forward references, then publish each copy with the Spanish text as its
        one revision (the copy made a revision of the English text; it becomes the Spanish)."""
        for draft, deferred in self.drafts:
            # Read again: the copy in hand still counts no children.
            page = draft.specific_class.objects.get(pk=draft.pk)
            for name, value in deferred.items():
                self._assign(page, name, value)
            page.save()
            revision = page.latest_revision
            revision.content = page.serializable_data()
            revision.save(update_fields=["content"])
            revision.publish()


def load_translations(
    report: DemoReport, *, home: PageSpec, originals: dict, notices: dict, texts: dict, images
) -> tuple[dict[str, Page], dict[str, SafetyNotice], list[str]]:
    """The Spanish notices and pages, made where missing. Returns the Spanish pages by the slug
    of their English original, the Spanish notices by key and the keys of those made now."""
    locale = Locale.objects.get(language_code=SPANISH)
    translated, new_notices = ensure_translated_notices(report, locale, notices, texts)
    spanish = DemoReport()
    builder = TranslationBuilder(
        spanish, locale=locale, originals=originals, notices=translated, images=images
    )
    builder.build(home, originals[home.translation_of].get_parent())
    builder.publish()
    builder.refresh_unedited()
    report.translations_created += spanish.pages_created
    report.translations_present += spanish.pages_present
    report.pages_updated += spanish.pages_updated
    return builder.by_original, translated, new_notices


def ensure_translated_notices(
    report: DemoReport, locale: Locale, notices: dict[str, SafetyNotice], texts: dict
) -> tuple[dict[str, SafetyNotice], list[str]]:
    """Each notice's translation, copied from the English notice and given the Spanish text
    where missing; returns them by key and the keys made now."""
    translated, created = {}, []
    for key, data in texts.items():
        notice = notices[key].get_translation_or_none(locale)
        if notice is None:
            notice = notices[key].copy_for_translation(locale)
            notice.title, notice.body, notice.full_page = data["title"], data["body"], None
            notice.save()
            created.append(key)
            report.other_created.append(data["title"])
        translated[key] = notice
    return translated, created
