"""The route sketch and the splits of an imported run: pure functions, no database."""

import math
from dataclasses import dataclass

from core.units import UNIT_METRES


@dataclass(frozen=True)
class RouteSketch:
    width: int
    height: int
    points: str  # "x,y x,y ..." for an SVG polyline
    start: tuple[float, float]
    end: tuple[float, float]


def route_sketch(track, width=320, height=200, padding=10):
    """Fit a track of (lat, lon) into a ``width`` × ``height`` box, keeping its shape.

    An equirectangular projection: x is longitude scaled by the cosine of the track's mean
    latitude (so a kilometre east is as long as a kilometre north), y is latitude, flipped
    because SVG's y grows downwards. Runs cover a few kilometres, where this is exact enough
    for a sketch. None when the track has fewer than two points.
    """
    if len(track) < 2:
        return None
    mean_lat = sum(lat for lat, _lon in track) / len(track)
    scale_x = math.cos(math.radians(mean_lat))
    xs = [lon * scale_x for _lat, lon in track]
    ys = [lat for lat, _lon in track]
    min_x, min_y = min(xs), min(ys)
    span_x, span_y = max(xs) - min_x, max(ys) - min_y
    inner_w, inner_h = width - 2 * padding, height - 2 * padding
    span = max(span_x / inner_w, span_y / inner_h)
    if span <= 0:
        return None  # every point in one place: nothing to draw
    # Centre the shape in the box.
    offset_x = padding + (inner_w - span_x / span) / 2
    offset_y = padding + (inner_h - span_y / span) / 2
    max_y = min_y + span_y
    coords = [
        (round(offset_x + (x - min_x) / span, 1), round(offset_y + (max_y - y) / span, 1))
        for x, y in zip(xs, ys, strict=True)
    ]
    return RouteSketch(
        width=width,
        height=height,
        points=" ".join(f"{x},{y}" for x, y in coords),
        start=coords[0],
        end=coords[-1],
    )


def splits_in_units(splits_s, units):
    """Seconds per whole kilometre or mile, from the per-kilometre splits of the file.

    Miles are interpolated within each kilometre (an even pace inside a kilometre), which is
    as close as the stored splits allow.
    """
    if units == "km" or not splits_s:
        return list(splits_s)
    unit_km = UNIT_METRES[units] / 1000
    elapsed = [0]
    for split in splits_s:
        elapsed.append(elapsed[-1] + split)

    def time_at(km):
        whole = min(int(km), len(splits_s) - 1)
        return elapsed[whole] + (km - whole) * splits_s[whole]

    marks = [0.0]
    mark = unit_km
    while mark <= len(splits_s) + 1e-9:
        marks.append(time_at(mark))
        mark += unit_km
    rounded = [round(m) for m in marks]
    return [b - a for a, b in zip(rounded, rounded[1:], strict=False)]
