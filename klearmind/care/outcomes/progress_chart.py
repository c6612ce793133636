"""The progress chart: an SVG drawn on the server, one chart per measure, with the bands
shaded and labelled, each score a point on a line, and the treatment sessions as dashed
vertical lines. No script and no third party; a table of the same numbers goes beside it."""

import datetime
import textwrap
from collections.abc import Sequence

from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from klearmind.intake import scoring

from ..measures import MEASURES, measure_spec
from .rules import Point

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 40, 170, 12, 34
PLOT_WIDTH, PLOT_HEIGHT = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
# A band's label is wrapped to lines that fit the space right of the plot at 11 px.
LABEL_CHARACTERS = 24
# Light fills from the mildest band to the most severe; each band is also labelled in text.
BAND_FILLS = ("#e6f2e8", "#eef3dc", "#fbf0d6", "#fbe2d2", "#f6d5d5")
DATE_FORMAT = "j M Y"


def day_label(moment: datetime.datetime) -> str:
    return format_date(timezone.localtime(moment), DATE_FORMAT)


class Scale:
    def __init__(self, moments: Sequence[datetime.datetime], maximum: int):
        first, last = min(moments), max(moments)
        if first == last:
            first, last = first - datetime.timedelta(days=1), last + datetime.timedelta(days=1)
        self.first, self.span, self.maximum = first, (last - first).total_seconds(), maximum

    def x(self, moment: datetime.datetime) -> float:
        return LEFT + (moment - self.first).total_seconds() / self.span * PLOT_WIDTH

    def y(self, value: float) -> float:
        return TOP + (1 - value / self.maximum) * PLOT_HEIGHT


def progress_chart(
    measure: str,
    points: Sequence[Point],
    treatments: Sequence[datetime.datetime],
    *,
    pcl5_cutoff: int = scoring.PCL5_DEFAULT_CUTOFF,
) -> SafeString:
    """The chart of one measure as an SVG element, every text in it escaped."""
    spec = measure_spec(measure, pcl5_cutoff=pcl5_cutoff)
    scale = Scale([point.taken_at for point in points] + list(treatments), spec.maximum)
    ident = f"chart-{measure}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'class="care-chart" aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(spec.label)} scores over time</title>',
        f'<desc id="{ident}-desc">{escape(describe(spec.label, points, treatments))}</desc>',
        *bands(spec, scale),
        *axes(spec, scale),
        *treatment_lines(treatments, scale),
        *score_line(points, scale),
    ]
    return mark_safe("\n".join(parts) + "\n</svg>")  # noqa: S308 - every text escaped above


def describe(label: str, points: Sequence[Point], treatments) -> str:
    sessions = f"{len(treatments)} treatment session{'s' if len(treatments) != 1 else ''} marked."
    if not points:
        return f"No {label} scores yet. {sessions}"
    first, last = points[0], points[-1]
    if len(points) == 1:
        return f"One {label} score: {first.total} on {day_label(first.taken_at)}. {sessions}"
    return (
        f"{len(points)} {label} scores, from {first.total} on {day_label(first.taken_at)} "
        f"to {last.total} on {day_label(last.taken_at)}. {sessions}"
    )


def bands(spec, scale: Scale) -> list[str]:
    shapes = []
    for band, fill in zip(spec.bands, BAND_FILLS, strict=False):
        top = scale.y(min(band.high + 1, spec.maximum))
        bottom = scale.y(band.low)
        label = f"{band.low}–{band.high} {band.label}"
        shapes.append(
            f'<rect class="care-chart__band" x="{LEFT}" y="{top:.1f}" width="{PLOT_WIDTH}" '
            f'height="{bottom - top:.1f}" fill="{fill}"><title>{escape(label)}</title></rect>'
        )
        lines = textwrap.wrap(label, LABEL_CHARACTERS)
        x, first_y = LEFT + PLOT_WIDTH + 6, (top + bottom) / 2 + 4 - (len(lines) - 1) * 6.5
        spans = "".join(
            f'<tspan x="{x}" y="{first_y + number * 13:.1f}">{escape(line)}</tspan>'
            for number, line in enumerate(lines)
        )
        shapes.append(f'<text class="care-chart__band-label">{spans}</text>')
    return shapes


def axes(spec, scale: Scale) -> list[str]:
    ticks = sorted({0, spec.maximum, *(band.low for band in spec.bands)})
    bottom = TOP + PLOT_HEIGHT
    lines = [
        f'<line class="care-chart__axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}" '
        'stroke="#333"/>',
        f'<line class="care-chart__axis" x1="{LEFT}" y1="{bottom}" x2="{LEFT + PLOT_WIDTH}" '
        f'y2="{bottom}" stroke="#333"/>',
    ]
    lines += [
        f'<text class="care-chart__tick" x="{LEFT - 6}" y="{scale.y(value) + 4:.1f}" '
        f'text-anchor="end">{value}</text>'
        for value in ticks
    ]
    first_day = scale.first
    last_day = first_day + datetime.timedelta(seconds=scale.span)
    for moment, anchor in ((first_day, "start"), (last_day, "end")):
        lines.append(
            f'<text class="care-chart__date" x="{scale.x(moment):.1f}" y="{bottom + 20}" '
            f'text-anchor="{anchor}">{escape(day_label(moment))}</text>'
        )
    return lines


def treatment_lines(treatments, scale: Scale) -> list[str]:
    return [
        f'<line class="care-chart__treatment" x1="{scale.x(moment):.1f}" y1="{TOP}" '
        f'x2="{scale.x(moment):.1f}" y2="{TOP + PLOT_HEIGHT}" stroke="#4b3f8f" '
        f'stroke-dasharray="4 3"><title>Treatment on {escape(day_label(moment))}</title></line>'
        for moment in treatments
    ]


def score_line(points: Sequence[Point], scale: Scale) -> list[str]:
    coordinates = [(scale.x(point.taken_at), scale.y(point.total)) for point in points]
    shapes = []
    if len(points) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates)
        shapes.append(
            f'<polyline class="care-chart__line" points="{path}" fill="none" stroke="#1b1b1b" '
            'stroke-width="2"/>'
        )
    for point, (x, y) in zip(points, coordinates, strict=True):
        shapes.append(
            f'<circle class="care-chart__point" cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#1b1b1b">'
            f"<title>{escape(day_label(point.taken_at))}: {point.total}</title></circle>"
        )
    return shapes


def band_name(measure: str, total: int, *, pcl5_cutoff: int = scoring.PCL5_DEFAULT_CUTOFF) -> str:
    spec = measure_spec(measure, pcl5_cutoff=pcl5_cutoff)
    return scoring.band_for(total, spec.bands) if spec.bands else ""


def charts(progress) -> list[dict]:
    """Per measure answered: its label, its chart and its rows for the table beside it."""
    return [
        {
            "measure": measure,
            "label": MEASURES[measure].label,
            "svg": progress_chart(
                measure, points, progress.treatments, pcl5_cutoff=progress.pcl5_cutoff
            ),
            "rows": [
                (
                    day_label(point.taken_at),
                    point.total,
                    band_name(measure, point.total, pcl5_cutoff=progress.pcl5_cutoff),
                )
                for point in points
            ],
        }
        for measure, points in progress.series.items()
    ]
