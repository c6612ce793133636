"""Hero and card images: responsive AVIF and WebP renditions with sizes set, and never an
image without alt text."""

import io

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.test import TestCase
from PIL import Image as PILImage
from wagtail.images.rect import Rect
from wagtail.models import Page, Site

from klearmind.pages.models import (
    ArticleIndexPage,
    ArticlePage,
    ConditionIndexPage,
    ConditionPage,
    HomePage,
)

from .factories import ImageFactory, png_file, publish_child

ALT = "A nurse adjusting an IV drip beside a reclining chair."


def site_home() -> HomePage:
    home = Page.get_first_root_node().add_child(
        instance=HomePage(title="Home", slug="pictured-home", hero_heading="Hi", hero_text="Hi")
    )
    Site.objects.update(root_page=home)
    return home


class PictureRenderingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        home = site_home()
        cls.image = ImageFactory(description=ALT, file=png_file(size=(1600, 900)))
        index = publish_child(home, ArticleIndexPage(title="Articles", slug="articles"))
        cls.article = publish_child(
            index,
            ArticlePage(
                title="First infusion",
                slug="first-infusion",
                intro="What happens.",
                body=[],
                hero_image=cls.image,
            ),
        )

    def soup(self, path) -> BeautifulSoup:
        response = self.client.get(path)
        assert response.status_code == 200
        return BeautifulSoup(response.content, "html.parser")

    def test_the_hero_is_a_picture_with_avif_and_webp_sources_and_sizes(self):
        picture = self.soup(self.article.url).select_one(".hero-picture picture")
        sources = {source["type"]: source for source in picture.find_all("source")}
        assert list(sources) == ["image/avif", "image/webp"]
        for source in sources.values():
            widths = [entry.split()[-1] for entry in source["srcset"].split(", ")]
            assert widths == ["640w", "960w", "1440w"]
            assert source["sizes"] == "(min-width: 1200px) 1200px, 100vw"
        assert ".avif 640w" in sources["image/avif"]["srcset"]
        assert ".webp 1440w" in sources["image/webp"]["srcset"]

    def test_the_hero_image_has_its_alt_text_width_height_and_loads_first(self):
        img = self.soup(self.article.url).select_one(".hero-picture img")
        assert img["alt"] == ALT
        assert (img["width"], img["height"]) == ("640", "300")
        assert img["fetchpriority"] == "high"
        assert "loading" not in img.attrs
        assert img["src"].endswith(".jpg")

    def test_a_card_below_the_fold_loads_lazily_and_falls_back_to_the_hero(self):
        img = self.soup("/articles/").select_one(".card picture img")
        assert img["loading"] == "lazy"
        assert img["alt"] == ALT
        assert (img["width"], img["height"]) == ("400", "225")
        assert "800w" in img["srcset"]

    def test_renditions_are_cropped_around_the_focal_point(self):
        buffer = io.BytesIO()
        halves = PILImage.new("RGB", (1600, 900), (255, 255, 255))
        halves.paste((0, 0, 0), (800, 0, 1600, 900))
        halves.save(buffer, format="PNG")
        image = ImageFactory(file=ImageFile(io.BytesIO(buffer.getvalue()), name="halves.png"))
        image.set_focal_point(Rect.from_point(1400, 450, 100, 100))
        image.save()
        rendition = image.get_rendition("fill-400x400-c100|format-webp")
        assert (rendition.width, rendition.height) == (400, 400)
        with rendition.file.open() as file:
            assert PILImage.open(file).convert("L").getpixel((200, 200)) < 20  # the dark half


class AltTextRequiredTests(TestCase):
    def setUp(self):
        self.home = site_home()
        self.index = self.home.add_child(instance=ConditionIndexPage(title="Conditions"))

    def condition(self, **images) -> ConditionPage:
        return ConditionPage(title="PTSD", slug="ptsd", summary="About PTSD.", **images)

    def test_a_page_refuses_a_hero_image_without_alt_text(self):
        page = self.condition(hero_image=ImageFactory(title="Chair", description=""))
        with pytest.raises(ValidationError) as refusal:
            page.full_clean()
        error = refusal.value.error_dict["hero_image"][0]
        assert error.code == "image_without_alt_text"
        assert "“Chair” has no description" in error.messages[0]

    def test_a_blank_description_counts_as_none(self):
        page = self.condition(card_image=ImageFactory(description="   "))
        with pytest.raises(ValidationError) as refusal:
            page.full_clean()
        errors = refusal.value.error_dict
        assert errors["card_image"][0].code == "image_without_alt_text"
        assert "hero_image" not in errors

    def test_it_cannot_be_published(self):
        page = self.condition(hero_image=ImageFactory(description=""))
        with pytest.raises(ValidationError):
            self.index.add_child(instance=page)
        assert not ConditionPage.objects.exists()

    def test_an_image_with_alt_text_is_accepted(self):
        page = self.condition(hero_image=ImageFactory(description=ALT))
        self.index.add_child(instance=page)
        page.save_revision().publish()
        assert ConditionPage.objects.live().get().hero_image.description == ALT

    def test_an_image_whose_description_was_removed_later_is_not_shown(self):
        image = ImageFactory(description=ALT)
        page = publish_child(self.index, self.condition(hero_image=image))
        image.description = ""
        image.save()
        html = self.client.get(page.url).content.decode()
        assert "<picture" not in html
        assert 'alt=""' not in html
