"""TCX (Garmin Training Center): every ``<Activity>`` is one activity, its laps are one run.

The device's own figures are the laps' ``TotalTimeSeconds`` and ``DistanceMeters``, summed. A
``<Course>`` (a planned route) is not an activity. Read with defusedxml's streaming SAX parser
(see ``xmlsafe``).
"""

from __future__ import annotations

from .activity import (
    MAX_ACTIVITIES_PER_FILE,
    MAX_TRACK_POINTS,
    RawActivity,
    check_position,
    too_many_activities,
    too_many_points,
)
from .errors import ActivityFileError
from .xmlsafe import StreamHandler, parse_float, parse_time, parse_xml

__all__ = ["extract_tcx"]

# Text-bearing children of a <Trackpoint> and the slot of the sample they fill.
_POINT_FIELDS = {"Time": 0, "AltitudeMeters": 3, "DistanceMeters": 4}
_POSITION_FIELDS = {"LatitudeDegrees": 1, "LongitudeDegrees": 2}


class _TcxHandler(StreamHandler):
    root_names = ("TrainingCenterDatabase",)

    def __init__(self) -> None:
        super().__init__()
        self.activities: list[RawActivity] = []
        self.activity: RawActivity | None = None
        self.activity_depth = 0
        self.lap_depth = 0
        self.lap_seconds = 0.0
        self.lap_metres = 0.0
        self.laps_with_time = 0
        self.laps_with_distance = 0
        self.point: list | None = None  # [t, lat, lon, ele, dist] of the <Trackpoint>
        self.point_depth = 0
        self.position_depth = 0
        self.field: str | int = ""
        self.courses = 0
        self.points = 0

    def start(self, name, attrs):
        depth = self.depth
        if self.activity is None:
            if name == "Activity":
                if len(self.activities) >= MAX_ACTIVITIES_PER_FILE:
                    raise too_many_activities()
                self.activity = RawActivity(format="tcx", sport_label=attrs.get("Sport"))
                self.activity_depth = depth
                self.lap_seconds = self.lap_metres = 0.0
                self.laps_with_time = self.laps_with_distance = 0
            elif name == "Course":
                self.courses += 1
            return
        if self.point is not None:
            if depth == self.point_depth + 1:
                if name in _POINT_FIELDS:
                    self.field = _POINT_FIELDS[name]
                    self.capture()
                elif name == "Position":
                    self.position_depth = depth
            elif (
                self.position_depth
                and depth == self.position_depth + 1
                and name in _POSITION_FIELDS
            ):
                self.field = _POSITION_FIELDS[name]
                self.capture()
            return
        if name == "Trackpoint":
            self.points += 1
            if self.points > MAX_TRACK_POINTS:
                raise too_many_points()
            self.point = [None, None, None, None, None]
            self.point_depth = depth
        elif name == "Lap" and not self.lap_depth:
            self.lap_depth = depth
            start = parse_time(attrs.get("StartTime"))
            if self.activity.start_hint is None and start is not None:
                self.activity.start_hint = start
        elif (
            self.lap_depth
            and depth == self.lap_depth + 1
            and name in ("TotalTimeSeconds", "DistanceMeters")
        ):
            self.field = name
            self.capture()
        elif name == "Id" and depth == self.activity_depth + 1:
            self.field = "Id"
            self.capture()

    def end(self, name):
        depth = self.depth
        activity = self.activity
        if activity is None:
            return
        if self.capture_depth == depth:
            text = self.captured()
            field, self.field = self.field, ""
            if isinstance(field, int):
                if self.point is not None:
                    self.point[field] = parse_time(text) if field == 0 else parse_float(text)
            elif field == "TotalTimeSeconds":
                seconds = parse_float(text)
                if seconds is not None and seconds > 0:
                    self.lap_seconds += seconds
                    self.laps_with_time += 1
            elif field == "DistanceMeters":
                metres = parse_float(text)
                if metres is not None and metres > 0:
                    self.lap_metres += metres
                    self.laps_with_distance += 1
            elif field == "Id" and activity.start_hint is None:
                activity.start_hint = parse_time(text)
        elif self.point is not None and depth == self.position_depth:
            self.position_depth = 0
        elif self.point is not None and depth == self.point_depth:
            t, lat, lon, ele, dist = self.point
            if lat is None or lon is None:
                lat = lon = None
            else:
                check_position(lat, lon)
            activity.samples.append((t, lat, lon, ele, dist))
            activity.point_count += 1
            self.point = None
        elif depth == self.lap_depth:
            self.lap_depth = 0
        elif depth == self.activity_depth:
            activity.device_duration_s = self.lap_seconds if self.laps_with_time else None
            activity.device_distance_m = self.lap_metres if self.laps_with_distance else None
            self.activities.append(activity)
            self.activity = None


def extract_tcx(data: bytes) -> list[RawActivity]:
    """One ``RawActivity`` per ``<Activity>`` (including those inside a multisport session)."""
    handler = _TcxHandler()
    parse_xml(data, handler)
    if not handler.activities:
        if handler.courses:
            raise ActivityFileError(
                "This TCX file holds a planned course, not a recorded activity.",
                code="no_activity",
            )
        raise ActivityFileError("The TCX file holds no activity.", code="no_activity")
    return handler.activities
