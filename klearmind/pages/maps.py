"""A location's map, drawn on our server as SVG: the clinics as pins on a plain schematic,
from their coordinates alone. No tiles are fetched, so the page asks no one else for anything.

Positions use the Web Mercator projection (the one online maps use), scaled to fit every
clinic shown with a margin, so the picture matches what the directions link opens.
"""

import math
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 360
MARGIN = 64
EARTH_RADIUS_KM = 6371.0
MIN_SPAN_KM = 8.0  # a single clinic is shown with about this much around it
SCALE_BARS_KM = (1, 2, 5, 10, 20, 50)


@dataclass(frozen=True)
class Spot:
    label: str
    latitude: float
    longitude: float


def mercator(latitude: float, longitude: float) -> tuple[float, float]:
    """Web Mercator coordinates in radians: x east, y north."""
    phi = math.radians(latitude)
    return math.radians(longitude), math.log(math.tan(math.pi / 4 + phi / 2))


@dataclass(frozen=True)
class Frame:
    center_x: float
    center_y: float
    scale: float  # pixels per radian of Web Mercator
    latitude: float

    @classmethod
    def around(cls, spots: list[Spot]) -> "Frame":
        points = [mercator(spot.latitude, spot.longitude) for spot in spots]
        xs, ys = [x for x, _ in points], [y for _, y in points]
        latitude = sum(spot.latitude for spot in spots) / len(spots)
        least = MIN_SPAN_KM / (EARTH_RADIUS_KM * math.cos(math.radians(latitude)))
        span_x, span_y = max(max(xs) - min(xs), least), max(max(ys) - min(ys), least)
        scale = min((WIDTH - 2 * MARGIN) / span_x, (HEIGHT - 2 * MARGIN) / span_y)
        return cls((max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2, scale, latitude)

    def project(self, latitude: float, longitude: float) -> tuple[float, float]:
        x, y = mercator(latitude, longitude)
        return (
            round(WIDTH / 2 + (x - self.center_x) * self.scale, 1),
            round(HEIGHT / 2 - (y - self.center_y) * self.scale, 1),
        )

    @property
    def pixels_per_km(self) -> float:
        return self.scale / (EARTH_RADIUS_KM * math.cos(math.radians(self.latitude)))


def scale_bar(frame: Frame) -> SafeString:
    km = max((n for n in SCALE_BARS_KM if n * frame.pixels_per_km <= WIDTH / 4), default=1)
    length = round(km * frame.pixels_per_km, 1)
    x, y = 24, HEIGHT - 24
    return format_html(
        '<g class="map__scale"><path d="M{} {}h{}" /><text x="{}" y="{}">{} km</text></g>',
        x,
        y,
        length,
        x,
        y - 8,
        km,
    )


def location_map(here: Spot, others: list[Spot]) -> SafeString:
    """The SVG for `here`, its pin at its projected position, the other clinics as dots."""
    frame = Frame.around([here, *others])
    x, y = frame.project(here.latitude, here.longitude)
    dots = format_html_join(
        "",
        '<g class="map__other"><circle cx="{}" cy="{}" r="6" /><text x="{}" y="{}">{}</text></g>',
        (
            (*point, point[0] + 10, point[1] + 4, other.label)
            for other in others
            for point in [frame.project(other.latitude, other.longitude)]
        ),
    )
    grid = mark_safe(  # noqa: S308 (numbers only)
        "".join(f'<path d="M{i} 0V{HEIGHT}" />' for i in range(0, WIDTH + 1, 80))
        + "".join(f'<path d="M0 {i}H{WIDTH}" />' for i in range(0, HEIGHT + 1, 80))
    )
    return format_html(
        '<svg class="map" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-labelledby="map-title"><title id="map-title">Schematic map: {label} and our '
        'other clinics</title><rect class="map__land" width="{w}" height="{h}" />'
        '<g class="map__grid">{grid}</g>{dots}'
        '<g class="map__pin" data-x="{x}" data-y="{y}" transform="translate({x} {y})">'
        '<path d="M0 0C-4-10-14-16-14-26a14 14 0 1 1 28 0C14-16 4-10 0 0Z" />'
        '<circle cy="-26" r="5" /></g>'
        '<text class="map__label" x="{x}" y="{label_y}" text-anchor="middle">{label}</text>'
        '{scale}<text class="map__north" x="{north_x}" y="28" text-anchor="middle">N ↑</text>'
        "</svg>",
        w=WIDTH,
        h=HEIGHT,
        grid=grid,
        dots=dots,
        x=x,
        y=y,
        label=here.label,
        label_y=round(y + 20, 1),
        scale=scale_bar(frame),
        north_x=WIDTH - 28,
    )
