"""Calm abstract pictures in the site palette, drawn here so the demo ships no binary files."""

import functools
import math
from dataclasses import dataclass
from io import BytesIO

from django.core.files.images import ImageFile
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from wagtail.images import get_image_model
from wagtail.images.rect import Rect

TEAL = (15, 82, 87)
SAND = (244, 239, 230)
SAGE = (143, 185, 168)


CORAL = (196, 106, 84)
HERO = (1600, 750)
PATTERN = (
    "the clinic's pattern: soft teal and sage circles on sand, crossed by a line of joined "
    "points, like connections between nerve cells"
)


@dataclass(frozen=True)
class Picture:
    title: str
    filename: str
    size: tuple[int, int]
    phase: float  # shifts the shapes so each picture differs
    description: str = f"An abstract drawing in {PATTERN}."


PICTURES = {
    "video-poster": Picture(
        "Ketamine and neuroplasticity: video poster", "ketamine-video-poster.png", (1280, 720), 0.0
    ),
    "article-social": Picture(
        "Ketamine therapy: article social image", "ketamine-article-social.png", (1200, 630), 1.3
    ),
    "home-hero": Picture("Home: hero image", "home-hero.png", HERO, 0.6),
    "treatment-hero": Picture("Treatments: hero image", "treatment-hero.png", HERO, 2.2),
    "hydration-hero": Picture("IV hydration: hero image", "hydration-hero.png", HERO, 3.1),
    "condition-hero": Picture("Conditions: hero image", "condition-hero.png", HERO, 4.0),
    "location-hero": Picture("Locations: hero image", "location-hero.png", HERO, 5.2),
    "article-hero": Picture("Articles: hero image", "article-hero.png", HERO, 1.3),
}
# Where the eye should rest when a picture is cropped: the middle of its brightest shapes.
FOCAL_SHARE = (0.5, 0.45, 0.5, 0.5)  # x, y, width, height as shares of the picture


@functools.cache  # the same picture every time: drawn once per process
def draw(picture: Picture) -> bytes:
    """Soft overlapping circles, a web of joined points and gentle waves, as a PNG."""
    canvas = Image.alpha_composite(Image.new("RGBA", picture.size, (*SAND, 255)), _glow(picture))
    _draw_web(ImageDraw.Draw(canvas, "RGBA"), picture)
    output = BytesIO()
    canvas.convert("RGB").save(output, format="PNG")
    return output.getvalue()


def _glow(picture: Picture) -> Image.Image:
    width, height = picture.size
    layer = Image.new("RGBA", picture.size, (*SAND, 0))  # blur towards sand, not black
    shapes = ImageDraw.Draw(layer)
    circles = [(SAGE, 150, 0.55), (TEAL, 120, 0.42), (SAGE, 110, 0.3), (TEAL, 70, 0.22)]
    for index, (color, alpha, scale) in enumerate(circles):
        angle = picture.phase + index * 1.9
        cx = width * (0.5 + 0.3 * math.cos(angle))
        cy = height * (0.5 + 0.28 * math.sin(angle))
        radius = height * scale
        shapes.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), (*color, alpha))
    return layer.filter(ImageFilter.GaussianBlur(height / 14))


def _draw_web(pen: ImageDraw.ImageDraw, picture: Picture) -> None:
    width, height = picture.size
    points = [
        (
            width * (0.1 + 0.8 * step / 11),
            height * (0.45 + 0.18 * math.sin(step * 0.8 + picture.phase) + 0.06 * (step % 2)),
        )
        for step in range(12)
    ]
    for gap, alpha in ((1, 110), (2, 45)):
        for start, end in zip(points, points[gap:], strict=False):
            pen.line((start, end), fill=(*TEAL, alpha), width=2)
    for x, y in points:
        pen.ellipse((x - 7, y - 7, x + 7, y + 7), fill=(*TEAL, 170))
    for wave in range(3):
        crest = [
            (x, height * (0.8 + 0.04 * wave) + 14 * math.sin(x / 90 + picture.phase + wave))
            for x in range(0, width + 10, 10)
        ]
        pen.line(crest, fill=(*SAND, 150), width=3)


@functools.cache
def draw_portrait(initials: str, color: tuple[int, int, int], size: int = 600) -> bytes:
    """A stand-in portrait: the person's initials on a coloured circle, as a PNG."""
    canvas = Image.new("RGB", (size, size), SAND)
    pen = ImageDraw.Draw(canvas)
    pen.ellipse((size * 0.06, size * 0.06, size * 0.94, size * 0.94), fill=color)
    font = ImageFont.load_default(size=size * 0.3)
    pen.text((size / 2, size / 2), initials, fill=SAND, font=font, anchor="mm")
    output = BytesIO()
    canvas.save(output, format="PNG")
    return output.getvalue()


def ensure_image(title: str, filename: str, description: str, content) -> tuple[object, bool]:
    """The image with this title, made from `content()` if missing; a blank description
    (its alt text) is filled in. Returns it and whether it was created."""
    image_model = get_image_model()
    image = image_model.objects.filter(title=title).first()
    if image is not None:
        if not image.description:
            image.description = description
            image.save(update_fields=["description"])
        return image, False
    image = image_model(title=title, description=description)
    image.file = ImageFile(BytesIO(content()), name=filename)
    image.save()
    x, y, width, height = FOCAL_SHARE
    image.set_focal_point(
        Rect.from_point(
            image.width * x, image.height * y, image.width * width, image.height * height
        )
    )
    image.save(
        update_fields=["focal_point_x", "focal_point_y", "focal_point_width", "focal_point_height"]
    )
    return image, True


def ensure_images() -> tuple[dict, list[str]]:
    """The demo images by key, reused by title; returns them and the titles created."""
    images, created = {}, []
    for key, picture in PICTURES.items():
        image, made = ensure_image(
            picture.title, picture.filename, picture.description, lambda p=picture: draw(p)
        )
        if made:
            created.append(picture.title)
        images[key] = image
    return images, created
