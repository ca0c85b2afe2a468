"""Fuzzing: whatever bytes arrive, only ActivityFileError may escape parse_activity_file.

Random bytes, random bytes behind a real format's magic, and random mutations (flipped,
overwritten, inserted, deleted bytes; truncation; splicing) of the real device files.
"""

from __future__ import annotations

import struct
from datetime import UTC, datetime
from pathlib import Path

from fitdecode.utils import compute_crc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imports.activity_files import ActivityFileError, ParsedActivity, parse_activity_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "activities"
NOW = datetime(2025, 1, 1, tzinfo=UTC)

# Small and medium files keep each example fast; together they cover the three formats,
# multi-lap TCX, and FIT with and without developer fields.
SEEDS = {
    name: (FIXTURES / name).read_bytes()
    for name in (
        "fitparse-2013-02-06-12-11-14.fit",
        "fitparse-garmin-fenix-5-walk.fit",
        "fitparse-Settings.fit",
        "fitparse-activity-filecrc.fit",
        "slither-running.fit",
        "heartandsole-testdata.gpx",
        "gpxpy-cerknicko-jezero.gpx",
        "heartandsole-testdata.tcx",
    )
}
SEED_NAMES = sorted(SEEDS)

FUZZ_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)


def parse_or_refuse(data: bytes) -> None:
    try:
        result = parse_activity_file(data, now=NOW)
    except ActivityFileError as exc:
        assert isinstance(exc.message, str) and exc.message.endswith(".")
        # "unexpected" is the last-resort wrapper around a bug in our own code: a clear
        # refusal is expected for every input, not a bug that happens to be caught.
        assert exc.code != "unexpected", repr(exc.__cause__)
        return
    assert isinstance(result, list) and result
    for activity in result:
        assert isinstance(activity, ParsedActivity)
        assert activity.started_at.tzinfo is not None
        assert len(activity.track) <= 500


@FUZZ_SETTINGS
@given(st.binary(max_size=4096))
def test_random_bytes(data):
    parse_or_refuse(data)


@FUZZ_SETTINGS
@given(
    st.sampled_from(
        [
            b"\x0e\x10\x00\x00\x00\x00\x00\x00.FIT",
            b"\x0c\x10\x47\x00\x20\x00\x00\x00.FIT",
            b"<?xml version='1.0'?><gpx>",
            b"<TrainingCenterDatabase><Activities><Activity Sport='Running'>",
            b"<gpx><trk><trkseg><trkpt lat='1' lon='2'><time>",
        ]
    ),
    st.binary(max_size=2048),
)
def test_random_bytes_behind_a_real_magic(prefix, tail):
    parse_or_refuse(prefix + tail)


@st.composite
def mutated_files(draw):
    data = bytearray(SEEDS[draw(st.sampled_from(SEED_NAMES))])
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        kind = draw(
            st.sampled_from(["flip", "overwrite", "insert", "delete", "truncate", "splice"])
        )
        position = draw(st.integers(min_value=0, max_value=max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[position] ^= 1 << draw(st.integers(min_value=0, max_value=7))
        elif kind == "overwrite" and data:
            chunk = draw(st.binary(min_size=1, max_size=16))
            data[position : position + len(chunk)] = chunk
        elif kind == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=64))
        elif kind == "delete":
            del data[position : position + draw(st.integers(min_value=1, max_value=64))]
        elif kind == "truncate":
            del data[position:]
        elif kind == "splice":
            other = SEEDS[draw(st.sampled_from(SEED_NAMES))]
            start = draw(st.integers(min_value=0, max_value=len(other) - 1))
            data[position:position] = other[start : start + 256]
    if draw(st.booleans()):
        data = repair_fit_checksums(data)
    return bytes(data)


def repair_fit_checksums(data: bytearray) -> bytearray:
    """Make a mutated FIT pass its size and CRC checks, so that the decoder goes deeper."""
    if len(data) < 16 or data[8:12] != b".FIT" or data[0] not in (12, 14):
        return data
    header_size = data[0]
    if len(data) < header_size + 2:
        return data
    data[4:8] = struct.pack("<I", len(data) - header_size - 2)
    if header_size == 14:
        data[12:14] = struct.pack("<H", compute_crc(data[:12]))
    data[-2:] = struct.pack("<H", compute_crc(data[:-2]))
    return data


@FUZZ_SETTINGS
@given(st.data())
def test_mutated_real_files(data):
    # drawn inside the test so that a failure report shows the mutation steps, not 100 kB
    parse_or_refuse(data.draw(mutated_files(), label="mutated file"))


@FUZZ_SETTINGS
@given(st.sampled_from(SEED_NAMES), st.data())
def test_truncated_real_files(name, data):
    seed = SEEDS[name]
    cut = data.draw(st.integers(min_value=0, max_value=len(seed)), label="cut at")
    parse_or_refuse(seed[:cut])
