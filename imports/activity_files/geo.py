"""Track geometry: distances, GPS-noise cleaning, pauses, splits, sustained speed, climbing.

Everything works on plain tuples so that a 50,000-point track costs a few megabytes and a few
tens of milliseconds. A *fix* is ``(t, lat, lon)`` with ``t`` in POSIX seconds (float).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

__all__ = [
    "EARTH_RADIUS_M",
    "MAX_PLAUSIBLE_SPEED_MPS",
    "clean_fixes",
    "cumulative_distances",
    "downsample",
    "elevation_gain",
    "haversine_m",
    "max_sustained_speed",
    "moving_times",
    "splits",
]

#: Mean Earth radius (IUGG), metres.
EARTH_RADIUS_M = 6_371_008.8
#: Faster than this between two fixes is a GPS teleport, not a runner (12 m/s = 1:23 min/km,
#: well above the 100 m world record's average speed of ~10.4 m/s).
MAX_PLAUSIBLE_SPEED_MPS = 12.0
#: When this many consecutive fixes right after the very first one are all "teleports" from it
#: but agree with each other, the first fix was the outlier (a cold-start GPS fix), not they.
_START_OUTLIER_RUN = 3
#: Slower than this is standing still (a brisk walk is ~1.5 m/s).
PAUSE_SPEED_MPS = 0.5
#: Standing still for at least this long counts as a pause that is not moving time.
LONG_PAUSE_S = 10.0
#: The window over which a speed must be held to count as sustained.
SUSTAINED_MIN_S = 60.0
SUSTAINED_MIN_M = 200.0
#: Climbs and descents smaller than this are treated as altimeter/GPS noise (hysteresis).
ELEVATION_NOISE_M = 5.0

_RAD = math.pi / 180.0


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two points given in degrees."""
    phi1 = lat1 * _RAD
    phi2 = lat2 * _RAD
    dphi = phi2 - phi1
    dlmb = (lon2 - lon1) * _RAD
    a = math.sin(dphi * 0.5) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb * 0.5) ** 2
    return 2.0 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def clean_fixes(
    fixes: Iterable[tuple[float, float, float]],
    max_speed: float = MAX_PLAUSIBLE_SPEED_MPS,
) -> tuple[list[tuple[float, float, float]], list[float]]:
    """Drop GPS noise from time-ordered fixes; return the kept fixes and the leg lengths.

    * a fix whose time is not after the previous kept fix is dropped (duplicate or out of order);
    * a fix implying more than ``max_speed`` from the previous *kept* fix is a teleport and is
      dropped, so a single wild fix costs nothing and the track resumes at the next good one;
    * special case: if the fixes right after the first one all "teleport" from it yet agree with
      each other, the first fix was a bad cold-start position and is dropped instead.

    ``legs[i]`` is the distance in metres from kept fix ``i`` to kept fix ``i + 1``.
    """
    kept: list[tuple[float, float, float]] = []
    legs: list[float] = []
    pending: list[tuple[float, float, float]] = []  # consecutive teleports right after the start
    for fix in fixes:
        if not kept:
            kept.append(fix)
            continue
        t0, lat0, lon0 = kept[-1]
        t, lat, lon = fix
        dt = t - t0
        if dt <= 0:
            continue
        d = haversine_m(lat0, lon0, lat, lon)
        if d <= max_speed * dt:
            kept.append(fix)
            legs.append(d)
            pending.clear()
            continue
        if len(kept) != 1:
            continue
        if pending:
            pt, plat, plon = pending[-1]
            pdt = t - pt
            if pdt <= 0 or haversine_m(plat, plon, lat, lon) > max_speed * pdt:
                pending.clear()
        pending.append(fix)
        if len(pending) >= _START_OUTLIER_RUN:
            kept = [pending[0]]
            legs = []
            for prev, cur in zip(pending, pending[1:], strict=False):
                kept.append(cur)
                legs.append(haversine_m(prev[1], prev[2], cur[1], cur[2]))
            pending = []
    return kept, legs


def cumulative_distances(legs: Sequence[float]) -> list[float]:
    """Running total of leg lengths, starting at 0 for the first fix."""
    total = 0.0
    out = [0.0]
    for leg in legs:
        total += leg
        out.append(total)
    return out


def moving_times(times: Sequence[float], legs: Sequence[float]) -> list[float]:
    """Cumulative *moving* seconds at each fix: elapsed time minus long pauses.

    A pause is a stretch of consecutive legs, each slower than ``PAUSE_SPEED_MPS``, lasting at
    least ``LONG_PAUSE_S`` in total (a stop at traffic lights, an auto-paused watch leaving a gap
    in the recording). A short slow leg, such as the GPS repeating a fix for a second, is kept.
    """
    n = len(times)
    if n == 0:
        return []
    slow = [legs[i] < PAUSE_SPEED_MPS * (times[i + 1] - times[i]) for i in range(n - 1)]  # per leg
    paused = [False] * (n - 1)
    i = 0
    while i < n - 1:
        if not slow[i]:
            i += 1
            continue
        j = i
        while j < n - 1 and slow[j]:
            j += 1
        if times[j] - times[i] >= LONG_PAUSE_S:
            for k in range(i, j):
                paused[k] = True
        i = j
    out = [0.0]
    total = 0.0
    for k in range(n - 1):
        if not paused[k]:
            total += times[k + 1] - times[k]
        out.append(total)
    return out


def splits(
    moving: Sequence[float], distances: Sequence[float], unit_m: float = 1000.0
) -> list[int]:
    """Seconds taken for each whole ``unit_m`` (kilometre), interpolating between fixes."""
    marks: list[float] = [0.0]
    next_mark = unit_m
    for i in range(1, len(distances)):
        d0, d1 = distances[i - 1], distances[i]
        while d1 >= next_mark:
            frac = (next_mark - d0) / (d1 - d0) if d1 > d0 else 1.0
            marks.append(moving[i - 1] + frac * (moving[i] - moving[i - 1]))
            next_mark += unit_m
    rounded = [round(m) for m in marks]
    return [b - a for a, b in zip(rounded, rounded[1:], strict=False)]


def max_sustained_speed(
    times: Sequence[float],
    distances: Sequence[float],
    min_seconds: float = SUSTAINED_MIN_S,
    min_metres: float = SUSTAINED_MIN_M,
) -> float:
    """Best average speed (m/s) over any stretch lasting >= ``min_seconds`` and >= ``min_metres``.

    For each start fix the shortest qualifying stretch is taken (two pointers, linear time). A
    track too short to hold such a stretch reports its overall average speed instead.
    """
    n = len(times)
    if n < 2:
        return 0.0
    best = 0.0
    found = False
    j = 0
    for i in range(n):
        if j < i:
            j = i
        while j < n and (
            times[j] - times[i] < min_seconds or distances[j] - distances[i] < min_metres
        ):
            j += 1
        if j >= n:
            break
        found = True
        speed = (distances[j] - distances[i]) / (times[j] - times[i])
        if speed > best:
            best = speed
    if not found:
        span = times[-1] - times[0]
        best = (distances[-1] - distances[0]) / span if span > 0 else 0.0
    return best


def elevation_gain(elevations: Iterable[float]) -> float:
    """Total climb in metres; reversals smaller than ``ELEVATION_NOISE_M`` are noise (hysteresis).

    Once a climb is confirmed (``ELEVATION_NOISE_M`` above the last low) every further metre up
    counts, until the altitude drops ``ELEVATION_NOISE_M`` below the high; then a descent is in
    progress until the next confirmed climb.
    """
    gain = 0.0
    ref: float | None = None
    climbing: bool | None = None
    for ele in elevations:
        if ref is None:
            ref = ele
        elif climbing:
            if ele > ref:
                gain += ele - ref
                ref = ele
            elif ref - ele >= ELEVATION_NOISE_M:
                climbing = False
                ref = ele
        elif climbing is False:
            if ele < ref:
                ref = ele
            elif ele - ref >= ELEVATION_NOISE_M:
                climbing = True
                gain += ele - ref
                ref = ele
        elif ele - ref >= ELEVATION_NOISE_M:
            climbing = True
            gain += ele - ref
            ref = ele
        elif ref - ele >= ELEVATION_NOISE_M:
            climbing = False
            ref = ele
    return gain


def downsample(
    points: Sequence[tuple[float, float]], limit: int = 500
) -> tuple[tuple[float, float], ...]:
    """At most ``limit`` evenly spaced points, always keeping the first and the last."""
    n = len(points)
    if n <= limit:
        picked: Iterable[tuple[float, float]] = points
    else:
        step = (n - 1) / (limit - 1)
        picked = (points[round(i * step)] for i in range(limit))
    return tuple((round(lat, 6), round(lon, 6)) for lat, lon in picked)
