"""A Strava activity and its streams, as the same ``ParsedActivity`` a file import builds.

Going through ``imports.activity_files.build_activity`` gives Strava runs the file imports'
plausibility checks, route sketch and splits, computed the same way.
"""

from datetime import UTC, datetime

from django.utils.translation import gettext as _

from imports.activity_files import ActivityFileError, ParsedActivity
from imports.activity_files.activity import RawActivity, build_activity

#: Strava ``sport_type`` values that are runs.
RUN_SPORTS = frozenset({"Run", "TrailRun", "VirtualRun"})
#: Counted only where the programme counts walks.
WALK_SPORTS = frozenset({"Walk", "Hike"})


def sport_refusal(activity, *, walks_count):
    """Why this activity's sport does not count, or ''."""
    sport = activity.get("sport_type") or activity.get("type") or ""
    if sport in RUN_SPORTS or (walks_count and sport in WALK_SPORTS):
        return ""
    if sport in WALK_SPORTS:
        return _("A %(sport)s on Strava: this programme counts runs only.") % {
            "sport": sport.lower()
        }
    return _("A %(sport)s on Strava, not a run.") % {"sport": sport or _("activity of no sport")}


def parse_start(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _stream(streams, key):
    if isinstance(streams, dict):  # key_by_type=true
        return (streams.get(key) or {}).get("data") or []
    for stream in streams or []:  # the list form
        if stream.get("type") == key:
            return stream.get("data") or []
    return []


def parsed_activity(activity, streams, *, now):
    """The activity as a run to check and import; raises ``ActivityFileError`` if unusable."""
    started_at = parse_start(activity["start_date"])
    distance_m = float(activity.get("distance") or 0)
    moving_s = float(activity.get("moving_time") or activity.get("elapsed_time") or 0)
    elevation = activity.get("total_elevation_gain")
    times = _stream(streams, "time")
    if len(times) < 2:
        # A manual or indoor activity without samples: Strava's own figures, no route.
        if distance_m <= 0 or moving_s <= 0:
            raise ActivityFileError(
                "The activity has no distance or no moving time.", code="no_duration"
            )
        return ParsedActivity(
            format="strava",
            sport="running",
            started_at=started_at,
            distance_m=round(distance_m),
            duration_s=round(moving_s),
            elevation_gain_m=round(elevation or 0),
            point_count=0,
            track=(),
            splits_s=(),
            max_sustained_speed_mps=round(distance_m / moving_s, 3),
        )
    start = started_at.timestamp()
    latlng = _stream(streams, "latlng")
    distance = _stream(streams, "distance")
    altitude = _stream(streams, "altitude")
    samples = []
    for index, offset in enumerate(times):
        lat, lon = latlng[index] if index < len(latlng) else (None, None)
        samples.append(
            (
                start + offset,
                lat,
                lon,
                altitude[index] if index < len(altitude) else None,
                distance[index] if index < len(distance) else None,
            )
        )
    raw = RawActivity(
        format="strava",
        sport_label="running",
        samples=samples,
        point_count=len(samples),
        start_hint=start,
        device_distance_m=distance_m or None,
        device_duration_s=moving_s or None,
        device_ascent_m=elevation,
    )
    return build_activity(raw, now)
