"""The StreamField blocks editors build pages from."""

from django.core.exceptions import ValidationError
from django.utils.html import strip_tags
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from klearmind.clinic.link_targets import (
    LinkKind,
    place_choices,
    service_choices,
    target_errors,
    target_url,
)

from .video import UnsupportedVideo, parse_video_url

RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul", "h3", "h4"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=120)
    level = blocks.ChoiceBlock(
        choices=[("h2", "Section heading"), ("h3", "Sub-heading")], default="h2"
    )

    class Meta:
        icon = "title"
        template = "pages/blocks/heading_block.html"


class PullQuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(max_length=600)
    attribution = blocks.CharBlock(max_length=160, required=False)

    class Meta:
        icon = "openquote"
        template = "pages/blocks/pull_quote_block.html"


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=250,
        help_text="Describe the image for people who cannot see it. Required.",
    )
    caption = blocks.CharBlock(max_length=250, required=False)

    class Meta:
        icon = "image"
        template = "pages/blocks/captioned_image_block.html"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("alt_text", "").strip():
            raise blocks.StructBlockValidationError(
                block_errors={"alt_text": ValidationError("Describe the image in a few words.")}
            )
        return value


class VideoBlock(blocks.StructBlock):
    """A self-hosted poster and a play link; the external player loads only after a click."""

    url = blocks.URLBlock(help_text="The YouTube or Vimeo address of the video.")
    title = blocks.CharBlock(max_length=160)
    poster = ImageChooserBlock(help_text="A still from the video, stored on our own server.")
    duration = blocks.CharBlock(max_length=20, required=False, help_text="For example 4:12.")
    transcript = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, required=False)

    class Meta:
        icon = "media"
        template = "pages/blocks/video_block.html"

    def clean(self, value):
        value = super().clean(value)
        try:
            parse_video_url(value["url"])
        except UnsupportedVideo as error:
            raise blocks.StructBlockValidationError(
                block_errors={"url": ValidationError(str(error))}
            ) from error
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["source"] = parse_video_url(value["url"])
        return context


class SafetyNoticeBlock(blocks.StructBlock):
    """Places one of the reusable safety notices, edited once as a snippet."""

    notice = SnippetChooserBlock("pages.SafetyNotice")

    class Meta:
        icon = "warning"
        template = "pages/blocks/safety_notice_block.html"


class CallToActionValue(blocks.StructValue):
    def url(self) -> str:
        return target_url(
            self.get("kind") or LinkKind.PAGE,
            page=self.get("page"),
            service=self.get("service") or "",
            place=self.get("place") or "",
        )


class CallToActionBlock(blocks.StructBlock):
    """A heading, a line and a button that leads to a page, a booking service (opening the
    booking flow with it chosen) or the candidacy questionnaire."""

    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(max_length=400, required=False)
    kind = blocks.ChoiceBlock(
        choices=LinkKind.choices, default=LinkKind.PAGE, label="The button leads to"
    )
    page = blocks.PageChooserBlock(required=False, help_text="For “A page”.")
    service = blocks.ChoiceBlock(
        choices=service_choices, required=False, help_text="For “Book a service”."
    )
    place = blocks.ChoiceBlock(
        choices=place_choices,
        required=False,
        help_text="For “Book a service”: a clinic chosen in advance, or none.",
    )
    label = blocks.CharBlock(max_length=60)

    class Meta:
        icon = "pick"
        template = "pages/blocks/call_to_action_block.html"
        value_class = CallToActionValue

    def clean(self, value):
        value = super().clean(value)
        errors = target_errors(
            value.get("kind") or LinkKind.PAGE,
            page=value.get("page"),
            service=value.get("service") or "",
            place=value.get("place") or "",
        )
        if errors:
            raise blocks.StructBlockValidationError(
                block_errors={name: ValidationError(message) for name, message in errors.items()}
            )
        return value


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)
    pull_quote = PullQuoteBlock()
    image = CaptionedImageBlock()
    video = VideoBlock()
    safety_notice = SafetyNoticeBlock()
    call_to_action = CallToActionBlock()


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(max_length=250)
    answer = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "help"
        template = "pages/blocks/question_block.html"


def plain_text(rich_text) -> str:
    """The words of a rich-text value without markup, for JSON-LD and descriptions."""
    return " ".join(strip_tags(str(rich_text)).split())
