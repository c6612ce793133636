"""Hero and card images of the public pages: optional, but never without alt text."""

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel

NO_ALT_TEXT = (
    "“%(title)s” has no description, which is read out as its alt text. Edit the image, "
    "describe what it shows in a sentence, then choose it again."
)
HERO_HELP = "Shown at the top of the page, cropped around the image's focal point."
CARD_HELP = "Shown where the page is listed as a card; the hero image is used when empty."


def image_field(help_text: str) -> models.ForeignKey:
    return models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=help_text,
    )


def alt_text_refusals(page, names) -> dict[str, ValidationError]:
    """One error per chosen image whose description (its alt text) is blank."""
    refusals = {}
    for name in names:
        image = getattr(page, name)
        if image is not None and not (image.description or "").strip():
            refusals[name] = ValidationError(
                NO_ALT_TEXT, code="image_without_alt_text", params={"title": image.title}
            )
    return refusals


class PicturedPage(models.Model):
    """A page with an optional hero image and card image (mixed in before SitePage)."""

    hero_image = image_field(HERO_HELP)
    card_image = image_field(CARD_HELP)

    picture_panels = [
        MultiFieldPanel([FieldPanel("hero_image"), FieldPanel("card_image")], heading="Images")
    ]

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        refusals = alt_text_refusals(self, ("hero_image", "card_image"))
        if refusals:
            raise ValidationError(refusals)

    @property
    def card_picture(self):
        return self.card_image or self.hero_image
