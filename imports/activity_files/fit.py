"""FIT (Garmin and most watches): every ``session`` message is one activity.

fitdecode streams the file frame by frame and checks the header and file CRCs. A multisport
recording (triathlon, brick) holds several sessions; records are attributed to the session
whose time span they fall in. The device's own figures come from the session: ``start_time``,
``total_distance``, ``total_timer_time``, ``total_ascent`` and ``sport``.
"""

from __future__ import annotations

import io
import math
from bisect import bisect_right
from collections.abc import Iterator
from datetime import datetime

import fitdecode
from fitdecode.exceptions import FitCRCError, FitEOFError, FitHeaderError

from .activity import (
    MAX_ACTIVITIES_PER_FILE,
    MAX_TRACK_POINTS,
    RawActivity,
    check_position,
    too_many_activities,
    too_many_points,
)
from .errors import ActivityFileError

__all__ = ["extract_fit"]

_SEMICIRCLE_TO_DEGREES = 180.0 / 2**31
#: Most data messages of any kind one file may hold (records, heart-rate variability, device
#: info...); decoding costs ~20-80 µs each, so this bounds the time a crafted file can take.
MAX_FIT_MESSAGES = 500_000
#: Records this long after a session's end still belong to it (devices write the last record
#: and the session message a moment apart).
_SESSION_END_SLACK_S = 60.0


#: FIT times count seconds from 1989-12-31T00:00:00Z; values below 0x10000000 count from the
#: moment the device was switched on, which says nothing about when the activity happened.
_FIT_EPOCH = 631_065_600
_FIT_MIN_ABSOLUTE_TIME = 0x10000000


def _ts(value) -> float | None:
    """A FIT ``date_time`` value (raw int, or datetime if a processor converted it) as POSIX."""
    if isinstance(value, int) and not isinstance(value, bool):
        return float(_FIT_EPOCH + value) if value >= _FIT_MIN_ABSOLUTE_TIME else None
    return value.timestamp() if isinstance(value, datetime) else None


def _number(value) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def _decoding_error(exc: Exception) -> ActivityFileError:
    """What went wrong inside fitdecode, in words."""
    if isinstance(exc, FitCRCError):
        message = "The FIT file is damaged: its checksum does not match its content."
    elif isinstance(exc, FitEOFError):
        message = (
            "The FIT file is incomplete: it ends too early, perhaps because the copy or upload "
            "was interrupted."
        )
    elif isinstance(exc, FitHeaderError):
        message = "The FIT file is damaged: its header is not valid."
    else:  # FitParseError, or anything fitdecode trips over in corrupt data
        message = "The FIT file is damaged and could not be read."
    return ActivityFileError(message, code="damaged")


def _frames(data: bytes) -> Iterator:
    """fitdecode's data messages, every decoding failure turned into ActivityFileError.

    Only fitdecode runs inside the ``try``: a mistake in our own handling of the messages must
    not pass for a damaged file.
    """
    # No data processor: fitdecode's default one only converts a few field types (date_time,
    # which _ts() handles) yet costs three method calls per field, a fifth of the decoding time.
    reader = fitdecode.FitReader(
        io.BytesIO(data),
        processor=None,
        check_crc=fitdecode.CrcCheck.RAISE,
        error_handling=fitdecode.ErrorHandling.IGNORE,
    )
    frames = iter(reader)
    messages = 0
    try:
        while True:
            try:
                frame = next(frames)
            except StopIteration:
                return
            except Exception as exc:  # fitdecode is not hardened against every corruption
                raise _decoding_error(exc) from exc
            if frame.frame_type != fitdecode.FIT_FRAME_DATA:
                continue
            messages += 1
            if messages > MAX_FIT_MESSAGES:
                raise ActivityFileError(
                    f"The FIT file holds more than {MAX_FIT_MESSAGES:,} messages, far more than "
                    "a run's recording.",
                    code="too_many_points",
                )
            yield frame
    finally:
        reader.close()


def _read(data: bytes) -> tuple[list[tuple], list[dict], object, set]:
    """Stream the file; return (record samples, session dicts, first sport label, file types).

    What is kept is bounded: records by MAX_TRACK_POINTS, sessions by MAX_ACTIVITIES_PER_FILE,
    file types by the FIT enum; of the ``sport`` messages only the first is used.
    """
    records: list[tuple] = []
    sessions: list[dict] = []
    sport = None
    file_types: set = set()
    for frame in _frames(data):
        name = frame.name
        if name == "record":
            if len(records) >= MAX_TRACK_POINTS:
                raise too_many_points()
            t = lat = lon = ele = alt = dist = None
            for fld in frame.fields:
                fname = fld.name
                if fname == "timestamp":
                    t = _ts(fld.value)
                elif fname == "position_lat":
                    lat = _number(fld.value)
                elif fname == "position_long":
                    lon = _number(fld.value)
                elif fname == "enhanced_altitude":
                    ele = _number(fld.value)
                elif fname == "altitude":
                    alt = _number(fld.value)
                elif fname == "distance":
                    dist = _number(fld.value)
            if lat is not None and lon is not None:
                lat *= _SEMICIRCLE_TO_DEGREES
                lon *= _SEMICIRCLE_TO_DEGREES
                check_position(lat, lon)
            else:
                lat = lon = None
            records.append((t, lat, lon, ele if ele is not None else alt, dist))
        elif name == "session":
            if len(sessions) >= MAX_ACTIVITIES_PER_FILE:
                raise too_many_activities()
            sessions.append({fld.name: fld.value for fld in frame.fields})
        elif name == "sport" and sport is None:
            sport = _field_value(frame, "sport")
        elif name == "file_id":
            file_types.add(_field_value(frame, "type"))
    return records, sessions, sport, file_types


def _field_value(frame, name: str):
    for fld in frame.fields:
        if fld.name == name:
            return fld.value
    return None


def extract_fit(data: bytes) -> list[RawActivity]:
    """One ``RawActivity`` per session (or one for the whole file if it has no session)."""
    records, sessions, sport, file_types = _read(data)

    if not sessions:
        if not any(r[0] is not None for r in records) or (
            file_types and "activity" not in file_types
        ):
            raise ActivityFileError("This FIT file holds no activity.", code="no_activity")
        # An activity file without a session summary (some apps, some crashed recordings):
        # the whole file is one activity, of the sport named by a ``sport`` message if any.
        raw = RawActivity(format="fit", sport_label=sport)
        raw.samples = records
        raw.point_count = len(records)
        return [raw]

    spans = []
    for values in sessions:
        start = _ts(values.get("start_time"))
        elapsed = _number(values.get("total_elapsed_time"))
        end = _ts(values.get("timestamp"))
        if start is None and end is not None and elapsed is not None:
            start = end - elapsed
        if end is None and start is not None and elapsed is not None:
            end = start + elapsed
        raw = RawActivity(format="fit", sport_label=values.get("sport"))
        raw.start_hint = start
        raw.device_distance_m = _number(values.get("total_distance"))
        raw.device_duration_s = _number(values.get("total_timer_time"))
        raw.device_ascent_m = _number(values.get("total_ascent"))
        spans.append((start, end, raw))

    # Attribute each record to the last session starting at or before it; records before the
    # first session go to the first one. A session without a start time takes no records.
    timed_spans = sorted((s for s in spans if s[0] is not None), key=lambda s: s[0])
    starts = [s[0] for s in timed_spans]
    single = len(spans) == 1
    for record in records:
        t = record[0]
        if single:
            raw = spans[0][2]
        elif t is None or not timed_spans:
            continue
        else:
            index = max(bisect_right(starts, t) - 1, 0)
            _start, end, raw = timed_spans[index]
            if end is not None and t > end + _SESSION_END_SLACK_S:
                continue
        raw.samples.append(record)
        raw.point_count += 1
    return [s[2] for s in spans]
