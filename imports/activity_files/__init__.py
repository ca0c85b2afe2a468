"""Reading GPX, TCX and FIT activity files into runs. Pure Python: no Django, no database.

Usage::

    from imports.activity_files import ActivityFileError, parse_activity_file

    try:
        runs = parse_activity_file(upload)  # bytes, or a binary stream such as an UploadedFile
    except ActivityFileError as exc:
        show(exc.message)  # a plain English sentence

The format is told from the content, never from the file name. ``ActivityFileError`` is the
only exception that escapes ``parse_activity_file``, whatever the input.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import BinaryIO

from .activity import (
    MAX_ACTIVITIES_PER_FILE,
    FileReading,
    ParsedActivity,
    SkippedActivity,
    select_runs,
)
from .detect import HEAD_BYTES, MAX_FILE_BYTES, detect_format, read_limited
from .errors import ActivityFileError
from .fit import extract_fit
from .gpx import extract_gpx
from .tcx import extract_tcx

__all__ = [
    "MAX_ACTIVITIES_PER_FILE",
    "MAX_FILE_BYTES",
    "ActivityFileError",
    "FileReading",
    "ParsedActivity",
    "SkippedActivity",
    "detect_format",
    "parse_activity_file",
    "read_activity_file",
]

logger = logging.getLogger(__name__)

_EXTRACTORS = {"gpx": extract_gpx, "tcx": extract_tcx, "fit": extract_fit}


def parse_activity_file(
    data: bytes | BinaryIO, *, now: datetime | None = None, walks_count: bool = False
) -> list[ParsedActivity]:
    """The runs of ``read_activity_file``, without the activities it left out."""
    return read_activity_file(data, now=now, walks_count=walks_count).activities


def read_activity_file(
    data: bytes | BinaryIO, *, now: datetime | None = None, walks_count: bool = False
) -> FileReading:
    """Parse an uploaded activity file: one ``ParsedActivity`` per run it holds, and each
    activity left out (another sport, a walk, no usable times) with the reason.

    ``data`` is the file's bytes or a binary stream (read at most ``MAX_FILE_BYTES + 1`` bytes).
    ``now`` (aware) is the reference for refusing times in the future; defaults to the clock.
    Several activities (TCX ``<Activity>``, GPX ``<trk>``, FIT ``session``) give several runs;
    laps are part of their activity. Activities of another sport are skipped; if none is a
    run, ``ActivityFileError`` says which sport the file holds. Walks and hikes count only
    when ``walks_count``. A file of more than
    ``MAX_ACTIVITIES_PER_FILE`` activities is refused as soon as the parser meets one too many.
    """
    if now is None:
        now = datetime.now(UTC)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    try:
        content = read_limited(data)
        kind = detect_format(content[:HEAD_BYTES])
        raws = _EXTRACTORS[kind](content)
        return select_runs(raws, now, walks_count=walks_count)
    except ActivityFileError:
        raise
    except RecursionError as exc:
        raise ActivityFileError(
            "The file is nested too deeply to be read.", code="damaged"
        ) from exc
    except Exception as exc:  # the contract: nothing but ActivityFileError escapes
        logger.warning("Unexpected error while parsing an activity file", exc_info=True)
        raise ActivityFileError(
            "The file could not be read; it may be damaged.", code="unexpected"
        ) from exc
