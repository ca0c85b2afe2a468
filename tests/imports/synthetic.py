"""Synthetic activity files for tests and benchmarks (never used when parsing uploads).

``FitWriter`` writes valid FIT bytes by hand, following the FIT protocol (file header with its
CRC, definition and data messages, little-endian, file CRC); fitdecode reads them like a
watch's. ``synthetic_fit`` and ``synthetic_gpx`` produce a steady run around a loop.
``empty_tracks_gpx``, ``empty_activities_tcx`` and ``sessions_fit`` produce hostile files: a
great many activities that are each nearly free to write.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta

from fitdecode.utils import compute_crc

__all__ = [
    "FitWriter",
    "empty_activities_tcx",
    "empty_tracks_gpx",
    "loop_positions",
    "outing_gpx",
    "sessions_fit",
    "synthetic_fit",
    "synthetic_gpx",
    "synthetic_tcx",
]

FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)

# FIT base types: code -> (struct format, invalid value)
ENUM, SINT8, UINT8, SINT16, UINT16, SINT32, UINT32 = 0x00, 0x01, 0x02, 0x83, 0x84, 0x85, 0x86
_BASE = {
    ENUM: ("B", 0xFF),
    SINT8: ("b", 0x7F),
    UINT8: ("B", 0xFF),
    SINT16: ("h", 0x7FFF),
    UINT16: ("H", 0xFFFF),
    SINT32: ("i", 0x7FFFFFFF),
    UINT32: ("I", 0xFFFFFFFF),
}

# Global message numbers and enum values from the FIT profile.
MESG_FILE_ID, MESG_SESSION, MESG_RECORD, MESG_EVENT, MESG_ACTIVITY = 0, 18, 20, 21, 34
FILE_ACTIVITY, FILE_SETTINGS = 4, 2
SPORTS = {"generic": 0, "running": 1, "cycling": 2, "transition": 3, "swimming": 5, "walking": 11}


def fit_time(moment: datetime) -> int:
    """Seconds since the FIT epoch (1989-12-31 UTC)."""
    return int((moment - FIT_EPOCH).total_seconds())


def semicircles(degrees: float) -> int:
    return int(round(degrees * 2**31 / 180.0))


class FitWriter:
    """Accumulates FIT messages; ``to_bytes()`` returns a complete FIT file."""

    def __init__(self) -> None:
        self._body = bytearray()
        self._definitions: dict[int, tuple] = {}

    def message(
        self, local: int, global_num: int, fields: Sequence[tuple[int, int, object]]
    ) -> None:
        """Write one data message; ``fields`` is ``(field number, base type, value or None)``.

        A definition message is written first whenever the layout of ``local`` changes.
        """
        layout = (global_num, tuple((num, base) for num, base, _ in fields))
        if self._definitions.get(local) != layout:
            self._body += struct.pack("<BBBHB", 0x40 | local, 0, 0, global_num, len(fields))
            for num, base, _ in fields:
                self._body += struct.pack("<BBB", num, struct.calcsize(_BASE[base][0]), base)
            self._definitions[local] = layout
        self._body.append(local)
        for _num, base, value in fields:
            fmt, invalid = _BASE[base]
            self._body += struct.pack("<" + fmt, invalid if value is None else value)

    def file_id(self, file_type: int = FILE_ACTIVITY, created: datetime | None = None) -> None:
        created = created or datetime(2024, 5, 1, tzinfo=UTC)
        self.message(
            0,
            MESG_FILE_ID,
            [
                (0, ENUM, file_type),
                (1, UINT16, 255),
                (2, UINT16, 1),
                (4, UINT32, fit_time(created)),
            ],
        )

    def record(
        self,
        moment: datetime,
        lat: float | None,
        lon: float | None,
        distance_m: float | None = None,
        altitude_m: float | None = None,
        heart_rate: int | None = None,
        speed_mps: float | None = None,
        rich: bool = False,
    ) -> None:
        """One ``record``; ``rich`` adds the running-dynamics fields a modern watch writes
        (cadence, temperature, enhanced speed/altitude, vertical oscillation, stance time,
        power...), which is what makes real FIT files slow to decode."""
        fields = [
            (253, UINT32, fit_time(moment)),
            (0, SINT32, None if lat is None else semicircles(lat)),
            (1, SINT32, None if lon is None else semicircles(lon)),
            (2, UINT16, None if altitude_m is None else int(round((altitude_m + 500) * 5))),
            (3, UINT8, heart_rate),
            (5, UINT32, None if distance_m is None else int(round(distance_m * 100))),
            (6, UINT16, None if speed_mps is None else int(round(speed_mps * 1000))),
        ]
        if rich:
            fields += [
                (4, UINT8, 85),  # cadence
                (13, SINT8, 18),  # temperature
                (7, UINT16, 250),  # power
                (9, SINT16, 120),  # grade
                (39, UINT16, 850),  # vertical oscillation
                (40, UINT16, 3500),  # stance time percent
                (41, UINT16, 2450),  # stance time
                (53, UINT8, 64),  # fractional cadence
                (73, UINT32, None if speed_mps is None else int(round(speed_mps * 1000))),
                (78, UINT32, None if altitude_m is None else int(round((altitude_m + 500) * 5))),
            ]
        self.message(1, MESG_RECORD, fields)

    def event(self, moment: datetime, event_type: int) -> None:
        """A timer event: ``event_type`` 0 = start, 4 = stop_all."""
        self.message(
            2, MESG_EVENT, [(253, UINT32, fit_time(moment)), (0, ENUM, 0), (1, ENUM, event_type)]
        )

    def session(
        self,
        start: datetime,
        elapsed_s: float,
        timer_s: float,
        distance_m: float | None,
        sport: str = "running",
        ascent_m: int | None = None,
    ) -> None:
        self.message(
            3,
            MESG_SESSION,
            [
                (253, UINT32, fit_time(start + timedelta(seconds=elapsed_s))),
                (2, UINT32, fit_time(start)),
                (7, UINT32, int(round(elapsed_s * 1000))),
                (8, UINT32, int(round(timer_s * 1000))),
                (9, UINT32, None if distance_m is None else int(round(distance_m * 100))),
                (5, ENUM, SPORTS[sport]),
                (6, ENUM, 0),
                (22, UINT16, ascent_m),
                (0, ENUM, 8),
                (1, ENUM, 1),
            ],
        )

    def activity(self, end: datetime, timer_s: float, sessions: int = 1) -> None:
        self.message(
            4,
            MESG_ACTIVITY,
            [
                (253, UINT32, fit_time(end)),
                (0, UINT32, int(round(timer_s * 1000))),
                (1, UINT16, sessions),
                (2, ENUM, 0),
                (3, ENUM, 26),
                (4, ENUM, 1),
            ],
        )

    def to_bytes(self) -> bytes:
        header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(self._body), b".FIT")
        header += struct.pack("<H", compute_crc(header))
        content = header + bytes(self._body)
        return content + struct.pack("<H", compute_crc(content))


def loop_positions(
    seconds: int,
    speed_mps: float = 3.0,
    lap_m: float = 2000.0,
    centre: tuple[float, float] = (52.52, 13.40),
    step_s: int = 1,
) -> Iterator[tuple[int, float, float, float, float]]:
    """(second, lat, lon, cumulative metres, altitude) along a circular loop at a steady speed."""
    radius = lap_m / (2 * math.pi)
    lat0, lon0 = centre
    metres_per_degree_lat = 111_195.0
    metres_per_degree_lon = metres_per_degree_lat * math.cos(math.radians(lat0))
    for second in range(0, seconds + 1, step_s):
        distance = speed_mps * second
        angle = distance / radius
        lat = lat0 + radius * math.sin(angle) / metres_per_degree_lat
        lon = lon0 + radius * math.cos(angle) / metres_per_degree_lon
        altitude = 40.0 + 8.0 * math.sin(angle)
        yield second, lat, lon, distance, altitude


def synthetic_fit(
    seconds: int = 3 * 3600,
    start: datetime | None = None,
    sport: str = "running",
    speed_mps: float = 3.0,
    rich: bool = False,
) -> bytes:
    """A one-session FIT activity recorded every second (a 3-hour run: 10,801 records)."""
    start = start or datetime(2024, 5, 1, 6, 0, tzinfo=UTC)
    writer = FitWriter()
    writer.file_id(created=start)
    writer.event(start, 0)
    distance = 0.0
    for second, lat, lon, distance, altitude in loop_positions(seconds, speed_mps):
        writer.record(
            start + timedelta(seconds=second), lat, lon, distance, altitude, 150, speed_mps, rich
        )
    end = start + timedelta(seconds=seconds)
    writer.event(end, 4)
    writer.session(start, seconds, seconds, distance, sport=sport, ascent_m=None)
    writer.activity(end, seconds)
    return writer.to_bytes()


def synthetic_gpx(
    points: int = 50_000, start: datetime | None = None, kind: str = "running"
) -> bytes:
    """A GPX 1.1 track of ``points`` points one second apart, with elevation and heart rate."""
    start = start or datetime(2024, 5, 1, 6, 0, tzinfo=UTC)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="virtualrun synthetic" '
        'xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">\n'
        f"<trk><name>Synthetic run</name><type>{kind}</type><trkseg>\n"
    ]
    for second, lat, lon, _distance, altitude in loop_positions(points - 1):
        moment = (start + timedelta(seconds=second)).strftime("%Y-%m-%dT%H:%M:%SZ")
        parts.append(
            f'<trkpt lat="{lat:.7f}" lon="{lon:.7f}"><ele>{altitude:.1f}</ele>'
            f"<time>{moment}</time><extensions><gpxtpx:TrackPointExtension>"
            "<gpxtpx:hr>150</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions></trkpt>\n"
        )
    parts.append("</trkseg></trk>\n</gpx>\n")
    return "".join(parts).encode()


def outing_gpx(
    tracks: Sequence[tuple[datetime, int, float, bool]], kind: str = "", step_s: int = 5
) -> bytes:
    """A GPX of one ``<trk>`` per (start, seconds, speed m/s, timed) — a day's outing split at
    each stop, as handheld GPS units write it. ``timed=False`` drops the track's <time>s;
    ``kind`` is the <type> of every track, none when empty."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="virtualrun synthetic" '
        'xmlns="http://www.topografix.com/GPX/1/1">\n'
    ]
    for start, seconds, speed_mps, timed in tracks:
        parts.append("<trk>" + (f"<type>{kind}</type>" if kind else "") + "<trkseg>\n")
        for second, lat, lon, _distance, altitude in loop_positions(
            seconds, speed_mps, step_s=step_s
        ):
            moment = (start + timedelta(seconds=second)).strftime("%Y-%m-%dT%H:%M:%SZ")
            when = f"<time>{moment}</time>" if timed else ""
            parts.append(
                f'<trkpt lat="{lat:.7f}" lon="{lon:.7f}"><ele>{altitude:.1f}</ele>{when}</trkpt>\n'
            )
        parts.append("</trkseg></trk>\n")
    parts.append("</gpx>\n")
    return "".join(parts).encode()


def synthetic_tcx(
    points: int = 600, start: datetime | None = None, sport: str = "Running"
) -> bytes:
    """A one-lap TCX activity of ``points`` trackpoints one second apart."""
    start = start or datetime(2024, 5, 1, 6, 0, tzinfo=UTC)
    stamp = start.strftime("%Y-%m-%dT%H:%M:%SZ")
    trackpoints = []
    distance = 0.0
    for second, lat, lon, distance, altitude in loop_positions(points - 1):
        moment = (start + timedelta(seconds=second)).strftime("%Y-%m-%dT%H:%M:%SZ")
        trackpoints.append(
            f"<Trackpoint><Time>{moment}</Time><Position><LatitudeDegrees>{lat:.7f}"
            f"</LatitudeDegrees><LongitudeDegrees>{lon:.7f}</LongitudeDegrees></Position>"
            f"<AltitudeMeters>{altitude:.1f}</AltitudeMeters>"
            f"<DistanceMeters>{distance:.1f}</DistanceMeters></Trackpoint>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        f'<Activities><Activity Sport="{sport}"><Id>{stamp}</Id><Lap StartTime="{stamp}">'
        f"<TotalTimeSeconds>{points - 1}</TotalTimeSeconds><DistanceMeters>{distance:.1f}"
        "</DistanceMeters><Track>" + "".join(trackpoints) + "</Track></Lap></Activity>"
        "</Activities></TrainingCenterDatabase>\n"
    ).encode()


def empty_tracks_gpx(count: int) -> bytes:
    """A GPX of ``count`` empty ``<trk/>`` (6 bytes each: 3.49 million fit in 20 MB)."""
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<gpx version="1.1" creator="hostile" xmlns="http://www.topografix.com/GPX/1/1">'
        + b"<trk/>" * count
        + b"</gpx>"
    )


def empty_activities_tcx(count: int) -> bytes:
    """A TCX of ``count`` empty running ``<Activity>`` elements."""
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><TrainingCenterDatabase xmlns='
        b'"http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"><Activities>'
        + b'<Activity Sport="Running"/>' * count
        + b"</Activities></TrainingCenterDatabase>"
    )


def sessions_fit(count: int, start: datetime | None = None) -> bytes:
    """A FIT activity of ``count`` one-minute running sessions and no records (27 bytes each:
    500,000 make 13.5 MB)."""
    start = start or datetime(2024, 5, 1, 6, 0, tzinfo=UTC)
    writer = FitWriter()
    writer.file_id(created=start)
    if count >= 1:
        writer.session(start, 60, 60, 200.0)  # with its definition message
    if count >= 2:
        mark = len(writer._body)
        writer.session(start, 60, 60, 200.0)  # the data message alone, repeated below
        writer._body += writer._body[mark:] * (count - 2)
    return writer.to_bytes()
