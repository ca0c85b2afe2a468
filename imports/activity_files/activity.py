"""Turning the raw samples of one activity into a ``ParsedActivity``.

The format parsers (``gpx``, ``tcx``, ``fit``) only extract; every rule about what a run is,
what counts as noise and which figure wins lives here, so that the three formats agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from . import geo
from .errors import SKIPPABLE_CODES, ActivityFileError
from .sports import RUNNING, UNKNOWN, WALKING, describe_sport, is_transition, normalise_sport

__all__ = [
    "MAX_ACTIVITIES_PER_FILE",
    "MAX_TRACK_POINTS",
    "WALKING_PACE_S_PER_KM",
    "FileReading",
    "ParsedActivity",
    "RawActivity",
    "SkippedActivity",
    "build_activity",
    "check_position",
    "too_many_activities",
    "too_many_points",
    "select_runs",
]

#: Nothing before this is a real recording (and FIT cannot even express 1970).
EARLIEST_PLAUSIBLE = datetime(2000, 1, 1, tzinfo=UTC)
#: How far in the future an activity may claim to be (time zones, badly set watches).
FUTURE_SLACK = timedelta(days=1)
#: Size of the sketch of the route kept for display.
TRACK_SKETCH_POINTS = 500
#: Most track points (records) one file may hold: 27 hours recorded every second, more than any
#: run in a programme. Bounds memory and time for files crafted to be small per point.
MAX_TRACK_POINTS = 100_000
#: Most activities (GPX <trk>, TCX <Activity>, FIT session) one file may hold, whatever their
#: sport. The parsers count them as they read and stop at the first one over: an empty
#: activity costs a few bytes to write but a kilobyte to hold, so 3.5 million <trk/> in 20 MB
#: took 800 MB when they were counted only after reading the whole file.
MAX_ACTIVITIES_PER_FILE = 20
#: An activity whose file names no sport and whose moving pace is slower than this (12:00 per
#: km) is a walk or a hike: even a slow jog is faster. It counts only where walks count.
WALKING_PACE_S_PER_KM = 720

# A sample is (t, lat, lon, ele, dist): t in POSIX seconds, dist the device's own cumulative
# distance in metres (FIT records, TCX trackpoints); any of them may be None.
Sample = tuple[float | None, float | None, float | None, float | None, float | None]


@dataclass(frozen=True)
class ParsedActivity:
    format: str  # "gpx" | "tcx" | "fit"
    sport: str  # "running", "cycling", "walking", "swimming", "other", "" when unknown
    started_at: datetime  # aware, UTC
    distance_m: int  # the device's recorded distance when present, else the cleaned track's
    duration_s: int  # moving duration: device timer time, else elapsed minus long pauses
    elevation_gain_m: int
    point_count: int
    track: tuple[tuple[float, float], ...]  # (lat, lon), cleaned, at most 500 points
    splits_s: tuple[int, ...]  # seconds per whole kilometre, from the track
    max_sustained_speed_mps: float  # best speed held over >= 60 s and >= 200 m


@dataclass(frozen=True)
class SkippedActivity:
    """An activity of the file that is not imported, and why (a sentence for its owner)."""

    sport: str  # a short name for display: "cycling", "walking", "activity" when unknown
    started_at: datetime | None  # when the file says (None when it has no usable time)
    distance_m: int | None
    reason: str


@dataclass(frozen=True)
class FileReading:
    """What a file holds: the activities to import, and those left out with their reason."""

    activities: list[ParsedActivity]
    skipped: list[SkippedActivity]


@dataclass
class RawActivity:
    """What a format parser extracted for one activity (a GPX <trk>, a TCX <Activity>, a FIT
    session), before any validation."""

    format: str
    sport_label: str | int | None
    samples: list[Sample] = field(default_factory=list)
    point_count: int = 0
    start_hint: float | None = None  # the file's own start time (FIT session, TCX lap/Id)
    device_distance_m: float | None = None
    device_duration_s: float | None = None
    device_ascent_m: float | None = None

    @property
    def sport(self) -> str:
        return normalise_sport(self.sport_label)


def too_many_points() -> ActivityFileError:
    return ActivityFileError(
        f"The file holds more than {MAX_TRACK_POINTS:,} track points, far more than a run "
        "recorded every second.",
        code="too_many_points",
    )


def too_many_activities() -> ActivityFileError:
    return ActivityFileError(
        f"The file holds more than {MAX_ACTIVITIES_PER_FILE} activities; at most "
        f"{MAX_ACTIVITIES_PER_FILE} can be imported from one file.",
        code="too_many_activities",
    )


def check_position(lat: float, lon: float) -> None:
    """Refuse a position outside latitude ±90°, longitude ±180°."""
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise ActivityFileError(
            "The file contains a position outside the valid range of coordinates "
            f"(latitude {lat:.6g}, longitude {lon:.6g}).",
            code="bad_coordinates",
        )


def _date(ts: float) -> str:
    try:
        return datetime.fromtimestamp(ts, UTC).date().isoformat()
    except (OverflowError, OSError, ValueError):
        return "a date out of range"


def _check_plausible_time(ts: float, now: datetime) -> None:
    low = EARLIEST_PLAUSIBLE.timestamp()
    high = (now + FUTURE_SLACK).timestamp()
    if not low <= ts <= high:
        raise ActivityFileError(
            f"The activity's time ({_date(ts)}) is not plausible.", code="implausible_time"
        )


def _positive(value: float | None) -> float | None:
    if value is None or not math.isfinite(value) or value <= 0:
        return None
    return value


def _device_series(timed: list[Sample]) -> tuple[list[float], list[float]]:
    """The device's own cumulative distance over time (FIT records, TCX trackpoints), keeping
    only samples where both time and distance move forward."""
    times: list[float] = []
    distances: list[float] = []
    for s in timed:
        dist = s[4]
        if dist is None or not math.isfinite(dist):
            continue
        if times and (s[0] <= times[-1] or dist < distances[-1]):  # type: ignore[operator]
            continue
        times.append(s[0])  # type: ignore[arg-type]
        distances.append(dist)
    return times, distances


def build_activity(raw: RawActivity, now: datetime) -> ParsedActivity:
    """Validate one raw activity and compute its figures; raise ``ActivityFileError`` if unusable."""
    if raw.point_count <= 0 or not raw.samples:
        raise ActivityFileError("The activity holds no track points.", code="no_points")
    if raw.point_count == 1 or len(raw.samples) == 1:
        raise ActivityFileError(
            "The activity holds a single track point; a run needs at least two.",
            code="single_point",
        )
    timed = [s for s in raw.samples if s[0] is not None]
    if not timed:
        raise ActivityFileError(
            "The activity's track points have no timestamps, so its time and duration are unknown.",
            code="no_timestamps",
        )
    if len(timed) == 1:
        raise ActivityFileError(
            "Only one of the activity's track points has a timestamp; a run needs at least two.",
            code="single_point",
        )
    timed.sort(key=lambda s: s[0])  # already in order nearly always: linear time
    t_first: float = timed[0][0]  # type: ignore[assignment]
    t_last: float = timed[-1][0]  # type: ignore[assignment]
    _check_plausible_time(t_first, now)
    _check_plausible_time(t_last, now)
    start = raw.start_hint if raw.start_hint is not None else t_first
    _check_plausible_time(start, now)

    fixes = [(s[0], s[1], s[2]) for s in timed if s[1] is not None and s[2] is not None]
    kept, legs = geo.clean_fixes(fixes)  # type: ignore[arg-type]
    track_distance = sum(legs)
    device_times, device_distances = _device_series(timed)

    # The series used for splits, pauses and sustained speed: the cleaned GPS track, or, for an
    # activity without positions (treadmill), the device's own cumulative distance.
    if len(kept) >= 2:
        times = [f[0] for f in kept]
        distances = geo.cumulative_distances(legs)
    else:
        times, distances = device_times, device_distances
        legs = [b - a for a, b in zip(distances, distances[1:], strict=False)]
    moving = geo.moving_times(times, legs) if times else []

    # Sustained speed is for plausibility checks, so it errs on the high side: the teleport
    # filter caps the GPS track at 12 m/s, but the device's own distance is not capped, and a
    # track whose fixes are mostly "teleports" is a vehicle, not noise: measure it unfiltered.
    speed = geo.max_sustained_speed(times, distances)
    if len(device_times) >= 2:
        speed = max(speed, geo.max_sustained_speed(device_times, device_distances))
    if len(kept) < len(fixes) / 2:
        raw_kept, raw_legs = geo.clean_fixes(fixes, max_speed=math.inf)  # type: ignore[arg-type]
        raw_times = [f[0] for f in raw_kept]
        speed = max(speed, geo.max_sustained_speed(raw_times, geo.cumulative_distances(raw_legs)))

    device_duration = _positive(raw.device_duration_s)
    if device_duration is not None:
        duration = device_duration
    else:
        paused = (times[-1] - times[0] - moving[-1]) if len(times) >= 2 else 0.0
        duration = (t_last - t_first) - paused
    if t_last - t_first < 0.5 and device_duration is None:
        raise ActivityFileError(
            "All the activity's track points carry the same time, so it has no duration.",
            code="no_duration",
        )
    if duration < 0.5:
        raise ActivityFileError(
            "The activity has no moving time: its track never moves.", code="no_duration"
        )

    device_distance = _positive(raw.device_distance_m)
    distance = device_distance if device_distance is not None else track_distance

    ascent = raw.device_ascent_m
    if ascent is None or not math.isfinite(ascent) or ascent < 0:
        ascent = geo.elevation_gain(s[3] for s in timed if s[3] is not None)

    return ParsedActivity(
        format=raw.format,
        sport=raw.sport,
        started_at=datetime.fromtimestamp(start, UTC),
        distance_m=round(distance),
        duration_s=round(duration),
        elevation_gain_m=round(ascent),
        point_count=raw.point_count,
        track=geo.downsample([(f[1], f[2]) for f in kept], TRACK_SKETCH_POINTS),
        splits_s=tuple(geo.splits(moving, distances)) if len(times) >= 2 else (),
        max_sustained_speed_mps=round(speed, 3),
    )


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _not_a_run(labels: list[str | int | None]) -> ActivityFileError:
    names: list[str] = []
    for label in labels:
        name = describe_sport(label)
        if name not in names:
            names.append(name)
    if not names:
        return ActivityFileError("The file holds no activity.", code="no_activity")
    if len(names) == 1:
        name = names[0]
        if name == "other":
            message = "This activity's sport is “other”, not a run."
        else:
            message = f"This is {_article(name)} {name} activity, not a run."
    else:
        listed = ", ".join(names[:-1]) + " and " + names[-1]
        message = f"This file holds {listed} activities, not a run."
    return ActivityFileError(message, code="not_a_run")


def _raw_start(raw: RawActivity) -> datetime | None:
    moments = [s[0] for s in raw.samples if s[0] is not None]
    moment = raw.start_hint if raw.start_hint is not None else (min(moments) if moments else None)
    try:
        return datetime.fromtimestamp(moment, UTC) if moment is not None else None
    except (OverflowError, OSError, ValueError):
        return None


def _skipped(raw: RawActivity, reason: str, activity: ParsedActivity | None = None):
    sport = describe_sport(raw.sport_label) if raw.sport != UNKNOWN else "activity"
    if activity is not None:
        return SkippedActivity(sport, activity.started_at, activity.distance_m, reason)
    distance = _positive(raw.device_distance_m)
    return SkippedActivity(sport, _raw_start(raw), round(distance) if distance else None, reason)


def _pace_s_per_km(activities: list[ParsedActivity]) -> float:
    distance = sum(a.distance_m for a in activities)
    return sum(a.duration_s for a in activities) * 1000 / distance if distance > 0 else 0.0


def _walking_pace(activities: list[ParsedActivity]) -> bool:
    return _pace_s_per_km(activities) > WALKING_PACE_S_PER_KM


def _pace_text(activities: list[ParsedActivity]) -> str:
    seconds = round(_pace_s_per_km(activities))
    return f"{seconds // 60}:{seconds % 60:02d}"


def select_runs(
    raws: list[RawActivity], now: datetime, *, walks_count: bool = False
) -> FileReading:
    """Keep the activities that count as runs, build them, and say why the others are left out.

    * explicit running activities are taken (and walks and hikes when ``walks_count``); other
      sports are skipped;
    * if none is taken so, activities with no sport at all (a GPX without <type>, a FIT
      session of sport "generic") are taken as runs of unknown sport — unless together they
      keep a walking pace (slower than ``WALKING_PACE_S_PER_KM``) and walks do not count;
    * if nothing is left, the error names the sport(s) found, or the reason(s);
    * an activity without usable points is skipped when the file holds other usable runs, but
      a time that is not plausible refuses the whole file.

    Every activity left out is in ``FileReading.skipped`` with its reason (transitions
    between the legs of a multisport file are no activity of their own and are not listed).
    """
    if len(raws) > MAX_ACTIVITIES_PER_FILE:  # the parsers stop sooner; this is the rule itself
        raise too_many_activities()
    counted = {RUNNING, WALKING} if walks_count else {RUNNING}
    activities = [r for r in raws if not is_transition(r.sport_label)]
    runs = [r for r in activities if r.sport in counted]
    explicit = [r for r in activities if r.sport not in counted and r.sport != UNKNOWN]
    unknown_sport = not runs
    if unknown_sport:
        if explicit:
            raise _not_a_run([r.sport_label for r in explicit])
        runs = [r for r in activities if r.sport == UNKNOWN]
    if not runs:
        raise ActivityFileError("The file holds no activity.", code="no_activity")
    skipped: list[SkippedActivity] = [
        _skipped(
            r,
            f"This is {_article(describe_sport(r.sport_label))} "
            f"{describe_sport(r.sport_label)} activity, not a run.",
        )
        for r in activities
        if r not in runs and r.sport != UNKNOWN
    ] + [
        _skipped(r, "The file names no sport for this activity, and it holds other runs.")
        for r in activities
        if r not in runs and r.sport == UNKNOWN
    ]
    built: list[ParsedActivity] = []
    built_raws: list[RawActivity] = []
    first_error: ActivityFileError | None = None
    for raw in runs:
        try:
            built.append(build_activity(raw, now))
            built_raws.append(raw)
        except ActivityFileError as exc:
            if exc.code not in SKIPPABLE_CODES:
                raise
            first_error = first_error or exc
            skipped.append(_skipped(raw, exc.message))
    # A file that names no sport is one outing, judged as a whole: its stretches together at a
    # walking pace are a walk, however brisk one stretch between two stops was.
    if built and unknown_sport and not walks_count and _walking_pace(built):
        walk = ActivityFileError(
            f"At {_pace_text(built)} per km this looks like a walk, and walks do not count "
            "in this programme.",
            code="walking_pace",
        )
        first_error = walk
        skipped += [
            _skipped(raw, walk.message, a) for raw, a in zip(built_raws, built, strict=True)
        ]
        built = []
    skipped.sort(key=lambda s: (s.started_at is None, s.started_at or now))
    if not built:
        assert first_error is not None
        if len(skipped) > 1:
            raise ActivityFileError(
                f"None of the {len(skipped)} activities in this file counts as a run.",
                code="nothing_counted",
                skipped=skipped,
            )
        raise first_error
    built.sort(key=lambda a: a.started_at)
    return FileReading(activities=built, skipped=skipped)
