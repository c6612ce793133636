"""Calm abstract pictures in the site palette, drawn here so the demo ships no binary files."""

import math
from dataclasses import dataclass
from io import BytesIO

from django.core.files.images import ImageFile
from PIL import Image, ImageDraw, ImageFilter
from wagtail.images import get_image_model

TEAL = (15, 82, 87)
SAND = (244, 239, 230)
SAGE = (143, 185, 168)


@dataclass(frozen=True)
class Picture:
    title: str
    filename: str
    size: tuple[int, int]
    phase: float  # shifts the shapes so each picture differs


PICTURES = {
    "video-poster": Picture(
        "Ketamine and neuroplasticity: video poster", "ketamine-video-poster.png", (1280, 720), 0.0
    ),
    "article-social": Picture(
        "Ketamine therapy: article social image", "ketamine-article-social.png", (1200, 630), 1.3
    ),
}


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


def ensure_images() -> tuple[dict, list[str]]:
    """The demo images by key, reused by title; returns them and the titles created."""
    image_model = get_image_model()
    images, created = {}, []
    for key, picture in PICTURES.items():
        image = image_model.objects.filter(title=picture.title).first()
        if image is None:
            image = image_model(title=picture.title)
            image.file = ImageFile(BytesIO(draw(picture)), name=picture.filename)
            image.save()
            created.append(picture.title)
        images[key] = image
    return images, created
