"""The route sketch and the splits in the runner's unit: pure functions."""

import math

import pytest

from imports.sketch import route_sketch, splits_in_units


def coords(sketch):
    return [tuple(float(v) for v in pair.split(",")) for pair in sketch.points.split()]


def test_a_square_stays_square_at_any_latitude():
    # 1 km east and 1 km north, near Oslo: a degree of longitude is about half a degree of
    # latitude there, so without the cosine the square would come out twice as wide.
    lat, lon = 60.0, 10.0
    dlat = 1000 / 111_195
    dlon = dlat / math.cos(math.radians(lat + dlat / 2))
    track = [(lat, lon), (lat, lon + dlon), (lat + dlat, lon + dlon), (lat + dlat, lon)]
    sketch = route_sketch(track, width=200, height=200, padding=0)
    xs = [x for x, _y in coords(sketch)]
    ys = [y for _x, y in coords(sketch)]
    assert max(xs) - min(xs) == pytest.approx(max(ys) - min(ys), rel=0.01)


def test_north_is_up_and_the_shape_is_centred_in_the_box():
    sketch = route_sketch([(52.50, 13.40), (52.51, 13.40)], width=320, height=200, padding=10)
    (x0, y0), (x1, y1) = coords(sketch)
    assert y1 < y0  # going north goes up the SVG
    assert x0 == x1 == 160.0  # a north-south line sits in the middle
    assert (y1, y0) == (10.0, 190.0)
    assert sketch.start == (x0, y0) and sketch.end == (x1, y1)


def test_every_point_lands_inside_the_box():
    track = [(47.0 + 0.001 * i, 8.0 + 0.002 * math.sin(i / 5)) for i in range(500)]
    sketch = route_sketch(track)
    assert all(0 <= x <= 320 and 0 <= y <= 200 for x, y in coords(sketch))
    assert len(coords(sketch)) == 500


@pytest.mark.parametrize("track", [[], [(52.5, 13.4)], [(52.5, 13.4)] * 5])
def test_nothing_to_draw(track):
    assert route_sketch(track) is None


def test_kilometre_splits_are_shown_as_they_are():
    assert splits_in_units([300, 310, 290], "km") == [300, 310, 290]


def test_mile_splits_are_interpolated_from_the_kilometre_splits():
    # An even 5:00/km is 8:03/mile (1.609344 × 300 s = 482.8 s).
    assert splits_in_units([300] * 10, "mi") == [483, 483, 482, 483, 483, 483]
    # A fast first kilometre makes a fast first mile.
    first, *_ = splits_in_units([240, 300, 300, 300], "mi")
    assert first == round(240 + 0.609344 * 300)


def test_no_whole_mile_no_split():
    assert splits_in_units([300], "mi") == []
    assert splits_in_units([], "mi") == []
