import pytest
from wagtail.blocks import StructBlockValidationError

from klearmind.clinic.blocks import FooterLinkBlock
from klearmind.pages.blocks import CaptionedImageBlock, VideoBlock, plain_text
from klearmind.pages.templatetags.clinic_tags import json_ld

from .factories import ImageFactory

pytestmark = pytest.mark.django_db


def test_an_image_needs_alt_text():
    block = CaptionedImageBlock()
    value = block.to_python({"image": ImageFactory().pk, "alt_text": "  ", "caption": ""})
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(value)
    assert "alt_text" in error.value.block_errors


def test_an_image_with_alt_text_is_accepted():
    block = CaptionedImageBlock()
    value = block.to_python({"image": ImageFactory().pk, "alt_text": "A quiet treatment room"})
    assert block.clean(value)["alt_text"] == "A quiet treatment room"


def test_a_video_must_come_from_youtube_or_vimeo():
    block = VideoBlock()
    value = block.to_python(
        {
            "url": "https://videos.example/ketamine.mp4",
            "title": "Ketamine",
            "poster": ImageFactory().pk,
        }
    )
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(value)
    assert "YouTube or Vimeo" in str(error.value.block_errors["url"])


def test_a_video_renders_a_poster_link_and_no_player():
    block = VideoBlock()
    value = block.to_python(
        {
            "url": "https://youtu.be/dQw4w9WgXcQ",
            "title": "How ketamine works",
            "poster": ImageFactory().pk,
            "duration": "4:12",
        }
    )
    html = block.render(value)
    assert "<iframe" not in html
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in html
    assert (
        'data-player="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1&amp;rel=0"'
        in html
    )
    assert "Play video: How ketamine works (4:12)" in html
    assert 'src="/media/images/' in html


def test_a_footer_link_is_a_page_or_an_address_not_both_nor_neither():
    block = FooterLinkBlock()
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({"label": "Privacy", "page": None, "url": ""}))
    cleaned = block.clean(block.to_python({"label": "988", "url": "https://988lifeline.org/"}))
    assert cleaned["url"] == "https://988lifeline.org/"


def test_plain_text_drops_markup_and_folds_space():
    assert plain_text("<p>Call <b>988</b>\n any   time.</p>") == "Call 988 any time."


def test_json_ld_cannot_close_its_script_element():
    html = json_ld({"name": "</script><script>alert(1)</script> & more"})
    assert html.startswith('<script type="application/ld+json">')
    assert html.count("</script>") == 1
    assert "\\u003C/script\\u003E" in html
    assert "\\u0026 more" in html


def test_json_ld_of_nothing_is_nothing():
    assert json_ld(None) == ""


def call_to_action(**target):
    from klearmind.pages.blocks import CallToActionBlock

    block = CallToActionBlock()
    data = {"heading": "Ready?", "text": "", "label": "Book", "page": None, **target}
    return block, block.to_python(data)


def test_a_call_to_action_opens_the_questionnaire():
    block, value = call_to_action(kind="candidacy")
    assert block.clean(value).url() == "/candidacy/"
    html = block.render(value)
    assert 'href="/candidacy/"' in html and ">Book</a>" in html


def test_a_call_to_action_to_a_service_must_name_one():
    block, value = call_to_action(kind="service", service="")
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(value)
    assert str(error.value.block_errors["service"].messages[0]) == (
        "Choose the service the button books."
    )


def test_a_call_to_action_to_a_page_must_name_one():
    block, value = call_to_action(kind="page")
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(value)
    assert "page" in error.value.block_errors


def test_a_call_to_action_of_an_earlier_version_still_leads_to_its_page():
    from wagtail.models import Page

    from klearmind.pages.blocks import CallToActionBlock

    home = Page.get_first_root_node().get_children().first()
    stored = {"heading": "Ready?", "text": "", "page": home.pk, "label": "Contact us"}
    value = CallToActionBlock().to_python(stored)  # stored before buttons had a kind
    assert value.url() == home.url
