"""Track geometry helpers: distances, GPS-noise cleaning, pauses, splits, speed, climbing."""

from __future__ import annotations

import math
import random

import pytest

from imports.activity_files import geo
from imports.activity_files.sports import describe_sport, normalise_sport

M_PER_DEG = 2 * math.pi * geo.EARTH_RADIUS_M / 360  # ~111,195 m per degree of latitude


def straight_line(seconds: int, speed: float, start_t: float = 1_700_000_000.0):
    """Fixes one second apart going north at ``speed`` m/s."""
    return [(start_t + s, 45.0 + s * speed / M_PER_DEG, 7.0) for s in range(seconds + 1)]


def test_haversine():
    assert geo.haversine_m(45, 7, 46, 7) == pytest.approx(M_PER_DEG, rel=1e-9)
    assert geo.haversine_m(0, 0, 0, 180) == pytest.approx(math.pi * geo.EARTH_RADIUS_M, rel=1e-9)
    assert geo.haversine_m(52.5, 13.4, 52.5, 13.4) == 0


def test_clean_fixes_drops_duplicates_and_time_going_backwards():
    fixes = straight_line(10, 3.0)
    noisy = fixes[:5] + [fixes[4], (fixes[3][0], 45.1, 7.0)] + fixes[5:]
    kept, legs = geo.clean_fixes(noisy)
    assert kept == fixes
    assert sum(legs) == pytest.approx(30.0, rel=1e-6)


def test_clean_fixes_drops_a_teleport_and_resumes():
    fixes = straight_line(60, 3.0)
    fixes[30] = (fixes[30][0], 46.0, 7.0)
    kept, legs = geo.clean_fixes(fixes)
    assert len(kept) == 60
    assert sum(legs) == pytest.approx(180.0, rel=1e-6)


def test_speed_just_under_the_limit_is_kept():
    kept, legs = geo.clean_fixes(straight_line(30, 11.9))
    assert len(kept) == 31
    # a steady 12.5 m/s never passes: every fix teleports from the last kept one
    kept, legs = geo.clean_fixes(straight_line(30, 12.5))
    assert len(kept) == 1 and legs == []


def test_clean_fixes_drops_a_bad_cold_start_fix():
    fixes = straight_line(60, 3.0)
    fixes[0] = (fixes[0][0], 44.0, 7.0)
    kept, legs = geo.clean_fixes(fixes)
    assert kept[0] == fixes[1]
    assert sum(legs) == pytest.approx(177.0, rel=1e-6)


def test_moving_times_exclude_long_stops_only():
    run = straight_line(100, 3.0)
    stop_at = run[-1]
    stopped = [(stop_at[0] + s, stop_at[1], stop_at[2]) for s in range(1, 61)]  # 60 s still
    resumed = [(t + 161, lat + 300 / M_PER_DEG, lon) for t, lat, lon in straight_line(100, 3.0)]
    track = run + stopped + resumed
    kept, legs = geo.clean_fixes(track)
    times = [f[0] for f in kept]
    moving = geo.moving_times(times, legs)
    assert times[-1] - times[0] == 261
    assert moving[-1] == pytest.approx(200, abs=1)  # 100 s out, 61 s still, 100 s back
    # a 3-second hiccup (GPS repeating its fix) is not a pause
    hiccup = run + [(stop_at[0] + s, stop_at[1], stop_at[2]) for s in (1, 2, 3)]
    kept, legs = geo.clean_fixes(hiccup)
    assert geo.moving_times([f[0] for f in kept], legs)[-1] == 103


def test_splits_per_kilometre():
    kept, legs = geo.clean_fixes(straight_line(900, 3.0))  # 2,700 m in 900 s
    times = [f[0] for f in kept]
    moving = geo.moving_times(times, legs)
    assert geo.splits(moving, geo.cumulative_distances(legs)) == [333, 334]
    assert geo.splits([0.0, 10.0], [0.0, 30.0]) == []


def test_max_sustained_speed_finds_the_fast_minute():
    jog = straight_line(300, 3.0)
    t0, lat0, _ = jog[-1]
    sprint = [(t0 + s, lat0 + s * 7.0 / M_PER_DEG, 7.0) for s in range(1, 91)]
    t1, lat1, _ = sprint[-1]
    cool = [(t1 + s, lat1 + s * 2.0 / M_PER_DEG, 7.0) for s in range(1, 301)]
    kept, legs = geo.clean_fixes(jog + sprint + cool)
    times = [f[0] for f in kept]
    assert geo.max_sustained_speed(times, geo.cumulative_distances(legs)) == pytest.approx(
        7.0, rel=0.01
    )


def test_max_sustained_speed_of_a_short_track_is_its_average():
    kept, legs = geo.clean_fixes(straight_line(40, 2.5))  # 100 m, 40 s: no 60 s / 200 m stretch
    times = [f[0] for f in kept]
    assert geo.max_sustained_speed(times, geo.cumulative_distances(legs)) == pytest.approx(
        2.5, rel=1e-6
    )
    assert geo.max_sustained_speed([1.0], [0.0]) == 0.0


def test_elevation_gain_ignores_noise():
    rng = random.Random(3)
    flat = [100 + rng.uniform(-2, 2) for _ in range(1000)]
    assert geo.elevation_gain(flat) < 5
    climb = [100 + i * 0.1 + rng.uniform(-1.5, 1.5) for i in range(500)]  # +50 m
    assert geo.elevation_gain(climb) == pytest.approx(50, abs=4)
    hills = [100 + 20 * math.sin(i / 50) for i in range(int(50 * 2 * math.pi * 3))]  # 3 hills
    assert geo.elevation_gain(hills) == pytest.approx(20 + 40 + 40 + 20, abs=3)
    assert geo.elevation_gain([]) == 0


def test_downsample_keeps_ends_and_limit():
    points = [(i / 1000, i / 1000) for i in range(10_000)]
    sketch = geo.downsample(points)
    assert len(sketch) == 500
    assert sketch[0] == points[0] and sketch[-1] == (9.999, 9.999)
    assert geo.downsample(points[:10]) == tuple(points[:10])


@pytest.mark.parametrize(
    ("label", "sport"),
    [
        ("running", "running"),
        ("Running", "running"),
        ("trail_running", "running"),
        ("Trail Run", "running"),
        ("9", "running"),
        ("cycling", "cycling"),
        ("Biking", "cycling"),
        ("walking", "walking"),
        ("hiking", "walking"),
        ("swimming", "swimming"),
        ("open_water", "swimming"),
        ("Other", "other"),
        ("transition", "other"),
        (54, "other"),
        ("generic", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise_sport(label, sport):
    assert normalise_sport(label) == sport


def test_describe_sport():
    assert describe_sport("Biking") == "cycling"
    assert describe_sport("stand_up_paddleboarding") == "stand up paddleboarding"
    assert describe_sport("Other") == "other"
    assert describe_sport(254) == "other"
