"""Test data for the public site: images and pages built the way editors build them."""

import io

import factory
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from klearmind.pages.models import SafetyNotice


def png_file(name="test.png", size=(64, 36), colour=(15, 82, 87)) -> ImageFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, format="PNG")
    return ImageFile(io.BytesIO(buffer.getvalue()), name=name)


class ImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_image_model()

    title = factory.Sequence(lambda n: f"Image {n}")
    file = factory.LazyFunction(png_file)


class SafetyNoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SafetyNotice

    title = factory.Sequence(lambda n: f"Safety notice {n}")
    body = "<p>Ketamine can raise blood pressure for a short time.</p>"


def publish_child(parent, page):
    """Add `page` under `parent` and publish it, as an editor pressing Publish does."""
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page
