"""A warning when a form built with Wagtail's form builder asks for free text in public."""

from django.core import checks
from django.db import DatabaseError
from wagtail.contrib.forms.models import AbstractForm
from wagtail.models import Page, get_page_models

FREE_TEXT_TYPES = {"singleline", "multiline"}


def form_page_models() -> list[type]:
    return [model for model in get_page_models() if issubclass(model, AbstractForm)]


def public_form_pages():
    """Live form-builder pages without a view restriction on them or above them."""
    models = form_page_models()
    if not models:
        return []
    return Page.objects.live().public().type(*models).specific()


def free_text_labels(page) -> list[str]:
    return [field.label for field in page.get_form_fields() if field.field_type in FREE_TEXT_TYPES]


@checks.register(checks.Tags.database)
def check_public_form_builder_pages(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    try:
        pages = list(public_form_pages())
    except DatabaseError:  # not migrated yet
        return []
    warnings = []
    for page in pages:
        if labels := free_text_labels(page):
            warnings.append(
                checks.Warning(
                    f"The public form page “{page.title}” (id {page.pk}) has free-text fields "
                    f"({', '.join(labels)}). The form builder stores what visitors type in "
                    "plain text, readable and exportable by anyone who may edit the page.",
                    hint="Take contact messages through the contact page (enquiries are "
                    "encrypted and audited), restrict the page, or remove the free-text fields.",
                    obj=page.specific_class,
                    id="enquiries.W001",
                )
            )
    return warnings
