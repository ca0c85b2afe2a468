"""GPX: every ``<trk>`` is one activity; its ``<type>`` gives the sport.

The XML is read with defusedxml's streaming SAX parser (see ``xmlsafe``) rather than handed to
``gpxpy.parse``: gpxpy's own parser does not refuse DTDs or entities, and building its object
model for a 50,000-point file costs more than our whole time budget.
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

__all__ = ["extract_gpx"]


class _GpxHandler(StreamHandler):
    root_names = ("gpx",)

    def __init__(self) -> None:
        super().__init__()
        self.activities: list[RawActivity] = []
        self.track: RawActivity | None = None
        self.track_depth = 0
        self.point: list | None = None  # [t, lat, lon, ele] of the <trkpt> being read
        self.point_depth = 0
        self.field = ""
        self.routes = 0
        self.waypoints = 0
        self.points = 0

    def start(self, name, attrs):
        depth = self.depth
        if self.point is not None:
            if depth == self.point_depth + 1 and name in ("time", "ele"):
                self.field = name
                self.capture()
            return
        if self.track is not None:
            if name == "trkpt":
                self.points += 1
                if self.points > MAX_TRACK_POINTS:
                    raise too_many_points()
                lat = parse_float(attrs.get("lat"))
                lon = parse_float(attrs.get("lon"))
                if lat is None or lon is None:
                    raise ActivityFileError(
                        "A track point has no valid latitude and longitude.",
                        code="bad_coordinates",
                    )
                check_position(lat, lon)
                self.point = [None, lat, lon, None]
                self.point_depth = depth
            elif name == "type" and depth == self.track_depth + 1:
                self.field = "type"
                self.capture()
            return
        if name == "trk":
            if len(self.activities) >= MAX_ACTIVITIES_PER_FILE:
                raise too_many_activities()
            self.track = RawActivity(format="gpx", sport_label=None)
            self.track_depth = depth
        elif name == "rtept":
            self.routes += 1
        elif name == "wpt":
            self.waypoints += 1

    def end(self, name):
        depth = self.depth
        if self.capture_depth == depth:
            text = self.captured()
            if self.field == "time":
                self.point[0] = parse_time(text)  # type: ignore[index]
            elif self.field == "ele":
                self.point[3] = parse_float(text)  # type: ignore[index]
            elif self.field == "type" and self.track is not None:
                self.track.sport_label = (text or "").strip()
            self.field = ""
        elif self.point is not None and depth == self.point_depth:
            t, lat, lon, ele = self.point
            self.track.samples.append((t, lat, lon, ele, None))  # type: ignore[union-attr]
            self.track.point_count += 1  # type: ignore[union-attr]
            self.point = None
        elif self.track is not None and depth == self.track_depth:
            self.activities.append(self.track)
            self.track = None


def extract_gpx(data: bytes) -> list[RawActivity]:
    """One ``RawActivity`` per ``<trk>``, in file order."""
    handler = _GpxHandler()
    parse_xml(data, handler)
    if not handler.activities:
        if handler.routes or handler.waypoints:
            raise ActivityFileError(
                "This GPX file holds a planned route or waypoints, not a recorded activity.",
                code="no_activity",
            )
        raise ActivityFileError("The GPX file holds no track.", code="no_points")
    return handler.activities
