"""Hostile, broken and mistaken uploads: each is refused with a clear ActivityFileError.

Plain pytest, no database. Timing assertions here are generous safety nets (a billion-laughs
file that *expands* takes minutes and gigabytes); the performance budgets live in
``benchmarks/activity_files.py``.
"""

from __future__ import annotations

import io
import random
import socket
import struct
import time
import zipfile
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from imports.activity_files import (
    MAX_ACTIVITIES_PER_FILE,
    MAX_FILE_BYTES,
    ActivityFileError,
    detect_format,
    parse_activity_file,
)
from imports.activity_files.gpx import extract_gpx
from imports.activity_files.tcx import extract_tcx
from tests.imports.synthetic import (
    FitWriter,
    empty_activities_tcx,
    empty_tracks_gpx,
    sessions_fit,
    synthetic_fit,
    synthetic_gpx,
    synthetic_tcx,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "activities"
NOW = datetime(2025, 1, 1, tzinfo=UTC)
DTD_REFUSAL = "The file contains an XML document type declaration, which is not allowed."
NOT_OURS = "not a GPX, TCX or FIT file."


def refuse(data, **kwargs) -> ActivityFileError:
    with pytest.raises(ActivityFileError) as info:
        parse_activity_file(data, now=kwargs.pop("now", NOW), **kwargs)
    return info.value


@pytest.fixture
def no_network(monkeypatch):
    """Record any attempt to open a connection (and make it fail)."""
    attempts: list[object] = []

    def connect(self, address, *args, **kwargs):
        attempts.append(address)
        raise OSError("network access attempted in a test")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect)
    monkeypatch.setattr(
        socket, "create_connection", lambda address, *a, **k: connect(None, address)
    )
    return attempts


# --- small GPX/TCX builders ------------------------------------------------------------------

GPX_HEAD = '<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">'


def gpx(
    points: list[tuple[float, float, str | None]], kind: str | None = "running", prolog: str = ""
) -> bytes:
    type_element = f"<type>{kind}</type>" if kind is not None else ""
    body = "".join(
        f'<trkpt lat="{lat}" lon="{lon}">' + (f"<time>{t}</time>" if t else "") + "</trkpt>"
        for lat, lon, t in points
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}\n{GPX_HEAD}<trk>{type_element}'
        f"<trkseg>{body}</trkseg></trk></gpx>"
    ).encode()


def timed_points(start: datetime, count: int = 30, step_s: int = 10, step_deg: float = 0.0003):
    return [
        (
            52.5 + i * step_deg,
            13.4,
            (start + timedelta(seconds=i * step_s)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        for i in range(count)
    ]


TCX_NS = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"


def tcx_activity(sport: str, start: datetime, lat: float = 52.5, lon: float = 13.4) -> str:
    stamp = start.strftime("%Y-%m-%dT%H:%M:%SZ")
    points = "".join(
        "<Trackpoint><Time>{}</Time><Position><LatitudeDegrees>{}</LatitudeDegrees>"
        "<LongitudeDegrees>{}</LongitudeDegrees></Position></Trackpoint>".format(
            (start + timedelta(seconds=10 * i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            lat + i * 0.0003,
            lon,
        )
        for i in range(20)
    )
    return (
        f'<Activity Sport="{sport}"><Id>{stamp}</Id><Lap StartTime="{stamp}">'
        f"<TotalTimeSeconds>190</TotalTimeSeconds><DistanceMeters>630</DistanceMeters>"
        f"<Track>{points}</Track></Lap></Activity>"
    )


def tcx(*activities: str, prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}\n<TrainingCenterDatabase xmlns="{TCX_NS}">'
        f"<Activities>{''.join(activities)}</Activities></TrainingCenterDatabase>"
    ).encode()


# --- XML attacks ----------------------------------------------------------------------------

BILLION_LAUGHS = """
<!DOCTYPE {root} [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>"""


def quadratic_blowup(root: str) -> str:
    return f'<!DOCTYPE {root} [<!ENTITY a "{"x" * 50_000}">]>'


def xml_attacks():
    """(name, gpx bytes, tcx bytes) for each attack; entities are referenced in the body."""
    start = datetime(2024, 5, 1, 6, 0, tzinfo=UTC)
    cases = [
        ("billion-laughs", BILLION_LAUGHS, "&lol9;"),
        ("quadratic-blowup", None, "&a;" * 2000),
        ("external-file", '<!DOCTYPE {root} [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "&xxe;"),
        (
            "external-http",
            '<!DOCTYPE {root} [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/x">]>',
            "&xxe;",
        ),
        ("external-dtd", '<!DOCTYPE {root} SYSTEM "http://127.0.0.1:9/evil.dtd">', ""),
        (
            "parameter-entity",
            '<!DOCTYPE {root} [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/p.dtd"> %remote;]>',
            "",
        ),
    ]
    for name, prolog, reference in cases:
        gpx_prolog = quadratic_blowup("gpx") if prolog is None else prolog.format(root="gpx")
        tcx_prolog = (
            quadratic_blowup("TrainingCenterDatabase")
            if prolog is None
            else prolog.format(root="TrainingCenterDatabase")
        )
        gpx_bytes = gpx(timed_points(start), kind=f"running{reference}", prolog=gpx_prolog)
        tcx_bytes = tcx(tcx_activity(f"Running{reference}", start), prolog=tcx_prolog)
        yield pytest.param(gpx_bytes, tcx_bytes, id=name)


@pytest.mark.parametrize(("gpx_bytes", "tcx_bytes"), list(xml_attacks()))
def test_xml_attacks_are_refused_fast_without_network(gpx_bytes, tcx_bytes, no_network):
    for data in (gpx_bytes, tcx_bytes):
        started = time.perf_counter()
        error = refuse(data)
        assert time.perf_counter() - started < 1.0
        assert error.message == DTD_REFUSAL
        assert error.code == "xml_dtd"
    assert no_network == []


@pytest.mark.parametrize(("gpx_bytes", "tcx_bytes"), list(xml_attacks()))
def test_the_xml_parser_itself_refuses_dtds(gpx_bytes, tcx_bytes, no_network):
    # Defence in depth: the content sniffer refuses a DOCTYPE before parsing; the defusedxml
    # parsers underneath must refuse it too.
    for extract, data in ((extract_gpx, gpx_bytes), (extract_tcx, tcx_bytes)):
        started = time.perf_counter()
        with pytest.raises(ActivityFileError) as info:
            extract(data)
        assert time.perf_counter() - started < 1.0
        assert info.value.message == DTD_REFUSAL
    assert no_network == []


def test_doctype_hidden_after_comments_and_processing_instructions_is_refused():
    prolog = "<!-- a comment -->\n<?xml-stylesheet href='x.xsl'?>" + BILLION_LAUGHS.format(
        root="gpx"
    )
    data = gpx(timed_points(datetime(2024, 5, 1, tzinfo=UTC)), kind="&lol9;", prolog=prolog)
    assert refuse(data).message == DTD_REFUSAL


def test_undefined_entity_is_refused():
    data = gpx(timed_points(datetime(2024, 5, 1, tzinfo=UTC)), kind="&nope;")
    assert "entity" in refuse(data).message


def test_malformed_and_truncated_xml():
    good = gpx(timed_points(datetime(2024, 5, 1, tzinfo=UTC)))
    assert "ends too early" in refuse(good[: len(good) // 2]).message
    broken = good.replace(b"</trkseg>", b"</trksegment>")
    error = refuse(broken)
    assert error.code == "damaged" and "not well-formed" in error.message


def test_deeply_nested_xml_is_refused():
    data = b"<gpx>" + b"<a>" * 100_000 + b"</a>" * 100_000 + b"</gpx>"
    error = refuse(data)
    assert error.message == "The file's XML is nested too deeply to be an activity file."


def test_junk_elements_are_not_kept_in_memory():
    # 1,000,000 empty elements: a tree of them would take ~100 MB; streaming keeps none
    import tracemalloc

    data = f"<?xml version='1.0'?>{GPX_HEAD}".encode() + b"<x/>" * 1_000_000 + b"</gpx>"
    tracemalloc.start()
    try:
        error = refuse(data)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.message == "The GPX file holds no track."
    assert peak < 20 * 1024 * 1024


def test_a_tag_of_a_million_attributes_is_refused_before_expat_builds_them():
    # 200,000 attributes in one tag (2.6 MB); a whole upload's worth took 400 MB at once
    attributes = b"".join(b' a%07x=""' % i for i in range(200_000))
    data = f"<?xml version='1.0'?>{GPX_HEAD[:-1]}".encode() + attributes + b"/>"
    error = refuse(data)
    assert error.message == (
        "The file's XML holds a tag longer than 1 MB, far too long for an activity file."
    )


@pytest.mark.parametrize("where", ["elements", "attributes"])
def test_millions_of_distinct_names_are_refused_early(where):
    # expat keeps every distinct element and attribute name to the end: 3 million took 270 MB
    import tracemalloc

    names = range(300_000)
    body = (
        b"".join(b"<n%06d/>" % i for i in names)
        if where == "elements"
        else b"".join(b'<n a%06d=""/>' % i for i in names)
    )
    data = f"<?xml version='1.0'?>{GPX_HEAD}".encode() + body + b"</gpx>"
    tracemalloc.start()
    try:
        error = refuse(data)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * 1024 * 1024
    assert error.message == (
        "The file's XML uses more than 2,000 different element and attribute names, far too "
        "many for an activity file."
    )


@pytest.mark.parametrize("module", ["gpx", "tcx", "fit"])
def test_too_many_track_points(module, monkeypatch):
    import importlib

    monkeypatch.setattr(
        importlib.import_module(f"imports.activity_files.{module}"), "MAX_TRACK_POINTS", 50
    )
    data = {"gpx": synthetic_gpx(60), "tcx": synthetic_tcx(60), "fit": synthetic_fit(60)}[module]
    error = refuse(data)
    assert error.code == "too_many_points"
    assert "more than 100,000 track points" in error.message  # the message names the real limit


TOO_MANY_ACTIVITIES = (
    "The file holds more than 20 activities; at most 20 can be imported from one file."
)
MANY_ACTIVITIES = {"gpx": empty_tracks_gpx, "tcx": empty_activities_tcx, "fit": sessions_fit}


@pytest.mark.parametrize("count", [MAX_ACTIVITIES_PER_FILE + 1, 50_000])
@pytest.mark.parametrize("kind", MANY_ACTIVITIES)
def test_a_file_of_too_many_activities_is_refused(kind, count):
    error = refuse(MANY_ACTIVITIES[kind](count))
    assert error.code == "too_many_activities"
    assert error.message == TOO_MANY_ACTIVITIES


@pytest.mark.parametrize("kind", MANY_ACTIVITIES)
def test_activities_are_counted_while_reading_not_after(kind):
    # Damage after the 21st activity is never reached: the parser stopped there.
    data = MANY_ACTIVITIES[kind](MAX_ACTIVITIES_PER_FILE + 1)
    broken = data[:-1] + bytes([data[-1] ^ 1])  # "</gpx?": not well-formed; or a bad FIT CRC
    assert refuse(broken).message == TOO_MANY_ACTIVITIES


def test_a_file_of_exactly_the_most_activities_is_read():
    start = datetime(2024, 5, 1, 6, tzinfo=UTC)
    tracks = "".join(
        "<trk><type>running</type><trkseg>"
        + "".join(
            f'<trkpt lat="{a}" lon="{b}"><time>{t}</time></trkpt>'
            for a, b, t in timed_points(start + timedelta(hours=hour))
        )
        + "</trkseg></trk>"
        for hour in range(MAX_ACTIVITIES_PER_FILE)
    )
    data = f'<?xml version="1.0"?>{GPX_HEAD}{tracks}</gpx>'.encode()
    assert len(parse_activity_file(data, now=NOW)) == MAX_ACTIVITIES_PER_FILE


@pytest.mark.parametrize("kind", MANY_ACTIVITIES)
def test_many_empty_activities_are_not_kept_in_memory(kind):
    # 200,000 empty activities: holding them took ~250 bytes each (50 MB here, 800 MB for the
    # 3.5 million <trk/> that fit in an upload); counted while streaming, none is held.
    import tracemalloc

    data = MANY_ACTIVITIES[kind](200_000)
    tracemalloc.start()
    try:
        error = refuse(data)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * 1024 * 1024
    assert error.message == TOO_MANY_ACTIVITIES


# --- size -----------------------------------------------------------------------------------


class ZeroStream(io.RawIOBase):
    """100 MB of zeros, produced lazily; counts what was read."""

    def __init__(self, size: int) -> None:
        self.remaining = size
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            raise AssertionError("the parser must not read an unbounded stream in one go")
        n = min(n, self.remaining)
        self.remaining -= n
        self.consumed += n
        return b"\0" * n


def test_a_100_mb_stream_is_refused_without_reading_it_all():
    stream = ZeroStream(100 * 1024 * 1024)
    error = refuse(stream)
    assert "larger than 20 MB" in error.message
    assert error.code == "too_large"
    assert stream.consumed <= MAX_FILE_BYTES + 1


def test_too_large_bytes_are_refused():
    assert "larger than 20 MB" in refuse(b"<" * (MAX_FILE_BYTES + 1)).message


def test_a_file_of_exactly_the_limit_is_read():
    error = refuse(ZeroStream(MAX_FILE_BYTES))
    assert error.code == "wrong_format"  # read in full, then recognised as binary junk


def test_an_unreadable_stream():
    class Broken(io.RawIOBase):
        def readable(self):
            return True

        def read(self, n=-1):
            raise OSError("connection reset")

    assert refuse(Broken()).message == "The upload could not be read."


# --- not an activity file -------------------------------------------------------------------


def png_bytes() -> bytes:
    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (
            struct.pack(">I", len(payload))
            + kind
            + payload
            + struct.pack(">I", zlib.crc32(kind + payload))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("run.gpx", (FIXTURES / "heartandsole-testdata.gpx").read_bytes())
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"  \n\t\r\n ", "The file is empty."),
        (zip_bytes(), "This is a ZIP archive, not a GPX, TCX or FIT file."),
        (png_bytes(), "This is a PNG image, not a GPX, TCX or FIT file."),
        (
            b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(100),
            "This is a JPEG image, not a GPX, TCX or FIT file.",
        ),
        (
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
            "This is a PDF document, not a GPX, TCX or FIT file.",
        ),
        (
            zlib.compress(b"x") and b"\x1f\x8b\x08\x00" + bytes(20),
            "This is a gzip-compressed file, not a GPX, TCX or FIT file.",
        ),
        (
            "Caf\xe9 cr\xe8me, 10 km en 52 min.\n".encode("latin-1") * 5,
            "The file is text that is not UTF-8 encoded, not a GPX, TCX or FIT file.",
        ),
        (
            random.Random(7).randbytes(4096),
            "The file holds binary data of an unknown kind, not a GPX, TCX or FIT file.",
        ),
        (
            b"date,distance\n2024-05-01,10.0\n",
            "This is a plain text file, not a GPX, TCX or FIT file.",
        ),
        (b'{"type": "FeatureCollection"}', "This is a JSON file, not a GPX, TCX or FIT file."),
        (
            b"<!DOCTYPE html><html><body>Strava</body></html>",
            "This is a web page (HTML), not a GPX, TCX or FIT file.",
        ),
        (
            b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"/>',
            "This is a KML map file",
        ),
        (
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
            "This is an XML file of another kind (<svg>)",
        ),
    ],
    ids=[
        "zero-bytes",
        "blank",
        "zip",
        "png",
        "jpeg",
        "pdf",
        "gzip",
        "non-utf8-text",
        "random-binary",
        "csv",
        "json",
        "html",
        "kml",
        "svg",
    ],
)
def test_wrong_kinds_of_file_are_named(data, message):
    error = refuse(data)
    assert error.message.startswith(message)
    with pytest.raises(ActivityFileError):
        detect_format(data[:4096])


def test_empty_stream():
    assert refuse(io.BytesIO(b"")).message == "The file is empty."


def test_non_utf8_gpx_without_declared_encoding():
    data = gpx(timed_points(datetime(2024, 5, 1, tzinfo=UTC))).replace(
        b"running", b"course \xe0 pied"
    )
    error = refuse(data)
    assert error.code == "not_utf8"
    assert "not UTF-8" in error.message


def test_latin1_gpx_that_declares_its_encoding_is_fine():
    data = gpx(timed_points(datetime(2024, 5, 1, tzinfo=UTC)), kind="run")
    data = data.replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"').replace(
        b"<trk>", "<trk><name>Course \xe0 pied</name>".encode("latin-1")
    )
    [run] = parse_activity_file(data, now=NOW)
    assert run.sport == "running"


def test_utf16_gpx_is_read():
    data = gpx(timed_points(datetime(2024, 5, 1, tzinfo=UTC))).decode().replace("UTF-8", "UTF-16")
    [run] = parse_activity_file(data.encode("utf-16"), now=NOW)
    assert run.point_count == 30


def test_the_file_name_is_irrelevant():
    # Django hands over an UploadedFile with a name; the content decides.
    stream = io.BytesIO((FIXTURES / "slither-running.fit").read_bytes())
    stream.name = "holiday-photo.png"
    [run] = parse_activity_file(stream, now=NOW)
    assert run.format == "fit"


# --- broken FIT -----------------------------------------------------------------------------


def test_truncated_fit():
    data = (FIXTURES / "slither-running.fit").read_bytes()
    for cut in (len(data) - 1, len(data) // 2, 20, 13):
        error = refuse(data[:cut])
        assert error.code == "damaged", cut
        assert "FIT file" in error.message


def test_fit_with_a_bad_file_crc():
    data = bytearray((FIXTURES / "slither-running.fit").read_bytes())
    data[-1] ^= 0xFF
    assert "checksum does not match" in refuse(bytes(data)).message


def test_fit_with_a_corrupted_body_fails_its_crc():
    data = bytearray((FIXTURES / "fitparse-2013-02-06-12-11-14.fit").read_bytes())
    data[5000] ^= 0x55
    assert refuse(bytes(data)).code == "damaged"


def test_fit_with_a_bad_header_crc():
    data = bytearray((FIXTURES / "slither-running.fit").read_bytes())
    data[12] ^= 0xFF
    error = refuse(bytes(data))
    assert error.code == "damaged"
    assert error.message == "The FIT file is damaged: its checksum does not match its content."


def test_synthetic_settings_fit_holds_no_activity():
    writer = FitWriter()
    writer.file_id(file_type=2)
    assert refuse(writer.to_bytes()).message == "This FIT file holds no activity."


def test_fit_cycling_and_swimming_sessions_are_named():
    start = datetime(2024, 5, 1, 6, tzinfo=UTC)
    writer = FitWriter()
    writer.file_id()
    for i, sport in enumerate(("swimming", "transition", "cycling")):
        begin = start + timedelta(hours=i)
        for second in range(0, 600, 5):
            writer.record(begin + timedelta(seconds=second), 52.5 + second * 1e-5, 13.4)
        writer.session(begin, 600, 600, 1000, sport=sport)
    error = refuse(writer.to_bytes())
    assert error.message == "This file holds swimming and cycling activities, not a run."


def test_fit_with_a_generic_session_only_is_taken_as_a_run():
    data = synthetic_fit(seconds=600, sport="generic")
    [run] = parse_activity_file(data, now=NOW.replace(year=2030))
    assert run.sport == ""
    assert run.distance_m == 1800


# --- coordinates and times ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lat", "lon"), [(95.0, 13.4), (-90.5, 13.4), (52.5, 180.5), (52.5, -200.0)]
)
def test_gpx_coordinates_out_of_range(lat, lon):
    points = timed_points(datetime(2024, 5, 1, tzinfo=UTC))
    points[5] = (lat, lon, points[5][2])
    error = refuse(gpx(points))
    assert error.code == "bad_coordinates"
    assert "outside the valid range" in error.message


def test_gpx_coordinates_not_numbers():
    points = timed_points(datetime(2024, 5, 1, tzinfo=UTC))
    points[3] = ("nan", "13.4", points[3][2])
    assert refuse(gpx(points)).code == "bad_coordinates"
    points[3] = ("north", "13.4", points[3][2])
    assert refuse(gpx(points)).code == "bad_coordinates"


def test_tcx_coordinates_out_of_range():
    data = tcx(tcx_activity("Running", datetime(2024, 5, 1, tzinfo=UTC), lon=200.0))
    assert "outside the valid range" in refuse(data).message


def test_fit_coordinates_out_of_range():
    start = datetime(2024, 5, 1, 6, tzinfo=UTC)
    writer = FitWriter()
    writer.file_id()
    for second in range(0, 100, 5):
        writer.record(start + timedelta(seconds=second), 120.0, 13.4)
    writer.session(start, 100, 100, 300)
    assert "outside the valid range" in refuse(writer.to_bytes()).message


@pytest.mark.parametrize(
    ("start", "shown"),
    [
        (datetime(1970, 1, 1, tzinfo=UTC), "1970-01-01"),
        (datetime(1999, 12, 31, 22, tzinfo=UTC), "1999-12-31"),
        (datetime(2100, 1, 1, tzinfo=UTC), "2100-01-01"),
        (NOW + timedelta(days=2), "2025-01-03"),
    ],
)
def test_implausible_times_are_refused(start, shown):
    message = f"The activity's time ({shown}) is not plausible."
    assert refuse(gpx(timed_points(start))).message == message
    assert refuse(tcx(tcx_activity("Running", start))).message == message


def test_fit_in_2100_is_refused():
    data = synthetic_fit(seconds=300, start=datetime(2100, 1, 1, tzinfo=UTC))
    assert refuse(data).message == "The activity's time (2100-01-01) is not plausible."


def test_now_decides_what_the_future_is():
    start = datetime(2030, 6, 1, 7, tzinfo=UTC)
    data = gpx(timed_points(start))
    assert refuse(data).code == "implausible_time"
    [run] = parse_activity_file(data, now=start + timedelta(hours=2))
    assert run.started_at == start
    # a watch set a few hours ahead is tolerated
    [run] = parse_activity_file(data, now=start - timedelta(hours=5))
    assert run.started_at == start


def test_gpx_without_timestamps():
    points = [(lat, lon, None) for lat, lon, _ in timed_points(datetime(2024, 5, 1, tzinfo=UTC))]
    error = refuse(gpx(points))
    assert error.code == "no_timestamps"
    assert "no timestamps" in error.message


def test_gpx_without_points():
    error = refuse(gpx([]))
    assert error.code == "no_points"
    assert error.message == "The activity holds no track points."


def test_gpx_with_a_single_point():
    error = refuse(gpx(timed_points(datetime(2024, 5, 1, tzinfo=UTC), count=1)))
    assert error.code == "single_point"
    assert "single track point" in error.message


def test_gpx_whose_points_share_one_time():
    points = [
        (lat, lon, "2024-05-01T06:00:00Z")
        for lat, lon, _ in timed_points(datetime(2024, 5, 1, tzinfo=UTC))
    ]
    assert refuse(gpx(points)).code == "no_duration"


def test_gpx_without_tracks():
    route = (
        f'<?xml version="1.0"?>{GPX_HEAD}<rte><rtept lat="52.5" lon="13.4"/></rte></gpx>'.encode()
    )
    assert "planned route" in refuse(route).message
    assert (
        refuse(f"<?xml version='1.0'?>{GPX_HEAD}</gpx>".encode()).message
        == "The GPX file holds no track."
    )


def test_tcx_course_is_not_an_activity():
    data = (
        f'<?xml version="1.0"?><TrainingCenterDatabase xmlns="{TCX_NS}"><Courses><Course>'
        "<Name>Loop</Name><Track><Trackpoint><Time>2024-05-01T06:00:00Z</Time></Trackpoint>"
        "</Track></Course></Courses></TrainingCenterDatabase>"
    ).encode()
    assert "planned course" in refuse(data).message


# --- sports and several activities ----------------------------------------------------------


@pytest.mark.parametrize(
    "kind", ["running", "run", "Run", "9", "trail_running", "TrailRun", None, "", "generic"]
)
def test_gpx_types_taken_as_runs(kind):
    [run] = parse_activity_file(
        gpx(timed_points(datetime(2024, 5, 1, tzinfo=UTC)), kind=kind), now=NOW
    )
    assert run.sport in ("running", "")


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("cycling", "This is a cycling activity, not a run."),
        ("1", "This is a cycling activity, not a run."),
        ("Hiking", "This is a walking activity, not a run."),
        ("kayaking", "This is a kayaking activity, not a run."),
        ("elliptical", "This is an elliptical activity, not a run."),
        ("16", "This is a swimming activity, not a run."),
    ],
)
def test_gpx_other_types_are_refused(kind, message):
    assert refuse(gpx(timed_points(datetime(2024, 5, 1, tzinfo=UTC)), kind=kind)).message == message


def test_gpx_several_tracks_several_runs_and_other_sports_skipped():
    start = datetime(2024, 5, 1, 6, tzinfo=UTC)

    def track(kind, begin):
        body = "".join(
            f'<trkpt lat="{a}" lon="{b}"><time>{t}</time></trkpt>'
            for a, b, t in timed_points(begin)
        )
        return f"<trk><type>{kind}</type><trkseg>{body}</trkseg></trk>"

    data = (
        f'<?xml version="1.0"?>{GPX_HEAD}'
        + track("running", start)
        + track("cycling", start + timedelta(hours=2))
        + track("running", start + timedelta(hours=4))
        + "</gpx>"
    ).encode()
    runs = parse_activity_file(data, now=NOW)
    assert [r.started_at for r in runs] == [start, start + timedelta(hours=4)]


def test_tcx_several_activities_several_runs():
    start = datetime(2024, 5, 1, 6, tzinfo=UTC)
    data = tcx(
        tcx_activity("Running", start),
        tcx_activity("Biking", start + timedelta(hours=1)),
        tcx_activity("Running", start + timedelta(hours=2)),
    )
    runs = parse_activity_file(data, now=NOW)
    assert [(r.started_at, r.distance_m, r.duration_s) for r in runs] == [
        (start, 630, 190),
        (start + timedelta(hours=2), 630, 190),
    ]


def test_tcx_biking_only_is_refused():
    data = tcx(tcx_activity("Biking", datetime(2024, 5, 1, tzinfo=UTC)))
    assert refuse(data).message == "This is a cycling activity, not a run."


def test_tcx_without_sport_is_accepted():
    data = tcx(tcx_activity("", datetime(2024, 5, 1, tzinfo=UTC)).replace(' Sport=""', ""))
    [run] = parse_activity_file(data, now=NOW)
    assert run.sport == ""


# --- GPS noise ------------------------------------------------------------------------------


def test_gps_teleports_are_dropped_from_the_distance():
    start = datetime(2024, 5, 1, 6, tzinfo=UTC)
    points = timed_points(start, count=60, step_s=10, step_deg=0.0003)  # 33 m every 10 s
    clean = parse_activity_file(gpx(points), now=NOW)[0]
    noisy = list(points)
    noisy[20] = (53.5, 13.4, noisy[20][2])  # one fix 110 km away
    noisy[40] = (52.5, 14.9, noisy[40][2])  # another
    [run] = parse_activity_file(gpx(noisy), now=NOW)
    assert abs(run.distance_m - clean.distance_m) < 100
    assert run.max_sustained_speed_mps < 4
    assert all(lat < 53 and lon < 14 for lat, lon in run.track)


def test_a_bad_first_fix_is_dropped():
    points = timed_points(datetime(2024, 5, 1, 6, tzinfo=UTC), count=60)
    points[0] = (52.0, 13.4, points[0][2])  # 55 km south, then the real track
    [run] = parse_activity_file(gpx(points), now=NOW)
    assert run.distance_m < 2000
    assert run.track[0][0] > 52.4


def test_a_car_ride_shows_in_the_sustained_speed():
    start = datetime(2024, 5, 1, 6, tzinfo=UTC)
    points = timed_points(start, count=200, step_s=1, step_deg=0.00003)  # ~3.3 m/s
    data = gpx(points)
    [run] = parse_activity_file(data, now=NOW)
    assert run.max_sustained_speed_mps < 4
    bike = timed_points(start, count=200, step_s=1, step_deg=0.00008)  # ~8.9 m/s
    [ride] = parse_activity_file(gpx(bike), now=NOW)
    assert ride.max_sustained_speed_mps > 8


def test_a_drive_is_not_hidden_by_the_teleport_filter():
    # 20 m/s for 10 minutes: every fix is a "teleport", so the track keeps only its first point,
    # but the sustained speed is measured on the unfiltered track and gives the car away.
    points = timed_points(
        datetime(2024, 5, 1, 6, tzinfo=UTC), count=600, step_s=1, step_deg=0.00018
    )
    [drive] = parse_activity_file(gpx(points, kind=None), now=NOW)
    assert drive.distance_m == 0
    assert drive.max_sustained_speed_mps > 19


def test_device_distance_counts_for_sustained_speed():
    # the cycling session of the multisport file: GPS capped at 12 m/s by the filter, the
    # device's own distance shows 15 m/s
    start = datetime(2024, 5, 1, 6, tzinfo=UTC)
    writer = FitWriter()
    writer.file_id()
    for second in range(0, 301):
        # positions of a jog, distance of a fast bike
        writer.record(
            start + timedelta(seconds=second),
            52.5 + second * 3 / 111_195,
            13.4,
            distance_m=second * 15.0,
        )
    writer.session(start, 300, 300, 4500)
    [run] = parse_activity_file(writer.to_bytes(), now=NOW)
    assert run.max_sustained_speed_mps == pytest.approx(15.0, rel=0.01)


def test_treadmill_fit_without_positions():
    start = datetime(2024, 5, 1, 6, tzinfo=UTC)
    writer = FitWriter()
    writer.file_id()
    for second in range(0, 1201):
        writer.record(start + timedelta(seconds=second), None, None, distance_m=second * 2.5)
    writer.session(start, 1200, 1200, 3000)
    [run] = parse_activity_file(writer.to_bytes(), now=NOW)
    assert (run.distance_m, run.duration_s, run.point_count) == (3000, 1200, 1201)
    assert run.track == ()
    assert run.splits_s == (400, 400, 400)  # from the device's own distance
    assert run.max_sustained_speed_mps == pytest.approx(2.5)


def test_a_track_that_never_moves_has_no_moving_time():
    points = [(52.5, 13.4, t) for _lat, _lon, t in timed_points(datetime(2024, 5, 1, tzinfo=UTC))]
    error = refuse(gpx(points))
    assert error.code == "no_duration"
    assert error.message == "The activity has no moving time: its track never moves."


def test_synthetic_files_round_trip():
    for data in (synthetic_gpx(600), synthetic_tcx(600), synthetic_fit(600)):
        [run] = parse_activity_file(data, now=NOW.replace(year=2030))
        assert run.duration_s == 599 or run.duration_s == 600
        assert 1790 <= run.distance_m <= 1810
        assert run.splits_s == (333,)
