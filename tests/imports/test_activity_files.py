"""The activity-file parser against real device exports (see tests/fixtures/activities/README.md).

Plain pytest, no database, no Django settings: ``imports.activity_files`` is pure Python.

Tolerances, and why:

* FIT and TCX: distance, duration and climb are the device's own session/lap totals, so they
  must match the file's summary to the metre/second (only rounding to int differs).
* GPX has no device totals. Distance is our haversine length of the track after dropping GPS
  teleports; the reference is gpxpy's 2-D length of the same file, which uses a flat-earth
  approximation and keeps every fix: they agree within 2 %.
* GPX duration is *moving* time (elapsed minus long pauses), while the README gives the time
  span. The reference is gpxpy's own moving time, whose stop detection differs in detail from
  ours (speed threshold per leg vs. pauses of >= 10 s below 0.5 m/s): within 2 % or 5 s, and
  never more than the span.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

import gpxpy
import pytest

from imports.activity_files import (
    MAX_FILE_BYTES,
    ActivityFileError,
    ParsedActivity,
    detect_format,
    parse_activity_file,
)
from imports.activity_files.xmlsafe import parse_time

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "activities"
NOW = datetime(2025, 1, 1, tzinfo=UTC)


def parse(name: str) -> list[ParsedActivity]:
    return parse_activity_file((FIXTURES / name).read_bytes(), now=NOW)


def refusal(name: str) -> ActivityFileError:
    with pytest.raises(ActivityFileError) as info:
        parse(name)
    return info.value


def within(value: float, expected: float, percent: float = 0.0, absolute: float = 0.0) -> bool:
    return abs(value - expected) <= max(abs(expected) * percent / 100, absolute)


def check_common(activity: ParsedActivity) -> None:
    """Invariants every parsed run satisfies."""
    assert activity.started_at.tzinfo is not None
    assert activity.started_at.utcoffset().total_seconds() == 0
    assert activity.distance_m >= 0
    assert activity.duration_s > 0
    assert activity.elevation_gain_m >= 0
    assert len(activity.track) <= 500
    for lat, lon in activity.track:
        assert -90 <= lat <= 90 and -180 <= lon <= 180
    assert all(split > 0 for split in activity.splits_s)
    assert sum(activity.splits_s) <= activity.duration_s + 5
    assert activity.max_sustained_speed_mps >= 0


def test_public_api_constants():
    assert MAX_FILE_BYTES == 20 * 1024 * 1024
    assert issubclass(ActivityFileError, Exception)
    error = ActivityFileError("Something is wrong.")
    assert error.message == "Something is wrong." == str(error)


# --- FIT ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "distance_m", "duration_s", "points", "day", "ascent_m"),
    [
        ("fitparse-2013-02-06-12-11-14.fit", 4835, 2625, 590, date(2013, 2, 6), 168),
        ("fitparse-activity-small-fenix2-run.fit", 9008, 2832, 2809, date(2015, 8, 15), 64),
        ("fitparse-developer-types-sample.fit", 6754, 3424, 3424, date(2017, 1, 17), None),
        ("slither-running.fit", 7864, 3087, 718, date(2021, 3, 13), 282),
    ],
)
def test_fit_run_matches_session_summary(name, distance_m, duration_s, points, day, ascent_m):
    [run] = parse(name)
    check_common(run)
    assert run.format == "fit"
    assert run.sport == "running"
    # the device's session totals, exactly (to the rounding of the int fields)
    assert run.distance_m == distance_m
    assert run.duration_s == duration_s
    assert run.point_count == points
    assert run.started_at.date() == day
    if ascent_m is not None:
        assert run.elevation_gain_m == ascent_m
    # one split per whole kilometre of the cleaned track (which agrees with the device's
    # distance to within a kilometre boundary)
    assert len(run.splits_s) in (distance_m // 1000, distance_m // 1000 - 1)
    assert len(run.track) == 500
    # a runner's best sustained pace, nowhere near a bicycle's or a car's
    assert 2.0 < run.max_sustained_speed_mps < 6.5


def test_fit_start_time_is_the_session_start():
    [run] = parse("fitparse-2013-02-06-12-11-14.fit")
    assert run.started_at == datetime(2013, 2, 6, 12, 11, 14, tzinfo=UTC)


def test_fit_multisport_day_gives_its_two_runs():
    runs = parse("fitparse-activity-large-fenxi2-multisport.fit")
    assert [(r.distance_m, r.duration_s) for r in runs] == [(2245, 2295), (12740, 6764)]
    assert [r.started_at for r in runs] == [
        datetime(2015, 8, 29, 10, 36, 0, tzinfo=UTC),
        datetime(2015, 8, 29, 11, 14, 21, tzinfo=UTC),
    ]
    for run in runs:
        check_common(run)
        assert run.sport == "running"
        assert run.point_count > 1000
    # the generic, transition and cycling sessions are skipped; the two runs do not share points
    assert runs[0].track[-1] != runs[1].track[-1]
    assert len(runs[1].splits_s) == 12


def test_fit_triathlon_gives_only_its_run():
    [run] = parse("fitparse-sample_mulitple_header.fit")
    check_common(run)
    assert (run.distance_m, run.duration_s) == (9806, 2851)
    assert run.started_at == datetime(2018, 5, 27, 9, 23, 41, tzinfo=UTC)
    assert len(run.splits_s) == 9


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("fitparse-garmin-fenix-5-bike.fit", "This is a cycling activity, not a run."),
        ("fitparse-garmin-fenix-5-walk.fit", "This is a walking activity, not a run."),
        ("fitparse-event_timestamp.fit", "This is a swimming activity, not a run."),
    ],
)
def test_fit_other_sports_are_refused_by_name(name, message):
    error = refusal(name)
    assert error.message == message
    assert error.code == "not_a_run"


def test_fit_settings_file_holds_no_activity():
    assert refusal("fitparse-Settings.fit").message == "This FIT file holds no activity."


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("fitparse-activity-filecrc.fit", "checksum does not match"),
        ("fitparse-activity-unexpected-eof.fit", "ends too early"),
        ("fitparse-activity-settings-corruptheader.fit", "header is not valid"),
    ],
)
def test_fit_broken_files_are_refused_clearly(name, words):
    error = refusal(name)
    assert words in error.message
    assert error.code == "damaged"


# --- GPX ----------------------------------------------------------------------------------


def gpxpy_reference(name: str):
    # our own fixture, so gpxpy's unsafe parser is fine here
    return gpxpy.parse((FIXTURES / name).read_text(encoding="utf-8"))


def test_gpx_slither_run():
    [run] = parse("slither-running.gpx")
    check_common(run)
    reference = gpxpy_reference("slither-running.gpx")
    moving = reference.get_moving_data()
    assert run.format == "gpx"
    assert run.sport == ""  # no <type>: unknown, accepted as a run
    assert run.point_count == 3032
    assert run.started_at == datetime(2020, 10, 26, 17, 7, 30, tzinfo=UTC)
    assert within(run.distance_m, reference.length_2d(), percent=2)  # README: 6.94 km
    assert within(run.duration_s, moving.moving_time, percent=2, absolute=5)
    assert run.duration_s <= reference.get_duration()  # README: 3,041 s span
    assert len(run.splits_s) == 6
    assert 2.0 < run.max_sustained_speed_mps < 6.5


def test_gpx_short_run_with_type():
    [run] = parse("heartandsole-testdata.gpx")
    check_common(run)
    reference = gpxpy_reference("heartandsole-testdata.gpx")
    assert run.sport == "running"
    assert run.point_count == 46
    assert within(run.distance_m, reference.length_2d(), percent=2)  # README: 0.19 km
    assert within(run.duration_s, reference.get_moving_data().moving_time, percent=2, absolute=5)
    assert run.duration_s <= 222  # README: 222 s span, of which ~64 s standing
    assert run.splits_s == ()  # not even one kilometre


def test_gpx_each_track_is_an_activity():
    # Eight <trk>: one empty (skipped), one whose only leg is a 200 s stand-still (no moving
    # time: skipped), six usable ones. No <type>, so sport unknown and accepted.
    runs = parse("gpxpy-cerknicko-jezero.gpx")
    assert len(runs) == 6
    for run in runs:
        check_common(run)
        assert run.sport == ""
    assert runs == sorted(runs, key=lambda r: r.started_at)
    assert runs[0].started_at == datetime(2010, 8, 5, 14, 23, 59, tzinfo=UTC)
    assert sum(r.point_count for r in runs) == 296 - 2
    # README: 4.69 km (3-D). gpxpy's 2-D length is 4.58 km, of which 32 m lie in the dropped
    # track and some in fixes our teleport filter drops: 3 %.
    reference = gpxpy_reference("gpxpy-cerknicko-jezero.gpx")
    assert within(sum(r.distance_m for r in runs), reference.length_2d(), percent=3)


# --- TCX ----------------------------------------------------------------------------------


def test_tcx_slither_run():
    [run] = parse("slither-running.tcx")
    check_common(run)
    assert run.format == "tcx"
    assert run.sport == "running"
    assert (run.distance_m, run.duration_s, run.point_count) == (2200, 750, 750)
    assert run.started_at == datetime(2016, 12, 11, 10, 54, 30, tzinfo=UTC)  # the lap's start


def test_tcx_laps_make_one_run():
    [run] = parse("tcxparser-test.tcx")
    check_common(run)
    assert run.sport == "running"
    assert run.point_count == 384
    # laps summed: 1,609.344 + 1,609.344 + 1,470.555 m and 608.47 + 714.80 + 669.51 s
    assert run.distance_m == 4689
    assert run.duration_s == 1993
    assert run.started_at == datetime(2012, 12, 26, 21, 29, 53, tzinfo=UTC)
    assert len(run.splits_s) == 4


def test_tcx_four_laps_make_one_run():
    [run] = parse("heartandsole-testdata.tcx")
    check_common(run)
    assert run.point_count == 49
    assert run.distance_m == 159  # 52.8 + 36.27 + 27.42 + 42.22
    assert run.duration_s == 190  # 44.526 + 50.356 + 66.625 + 28.848


def test_tcx_sport_other_is_not_a_run():
    error = refusal("tcxparser-sup_activity_1.tcx")
    assert error.code == "not_a_run"
    assert "other" in error.message and "not a run" in error.message


@pytest.mark.parametrize(
    "name",
    [
        "fitparse-2013-02-06-12-11-14.fit",
        "fitparse-activity-small-fenix2-run.fit",
        "fitparse-developer-types-sample.fit",
        "slither-running.fit",
        "fitparse-sample_mulitple_header.fit",
        "fitparse-activity-large-fenxi2-multisport.fit",
        "slither-running.tcx",
        "tcxparser-test.tcx",
    ],
)
def test_cleaned_gps_track_agrees_with_the_device(name):
    # An independent check of the GPS cleaning: for every real run over 1 km, our haversine
    # length of the cleaned track is within 2 % of the distance the device recorded (measured:
    # 0.1 % to 1.8 %). Too aggressive a teleport filter would come out short, too lax long.
    from imports.activity_files import geo
    from imports.activity_files.fit import extract_fit
    from imports.activity_files.tcx import extract_tcx

    data = (FIXTURES / name).read_bytes()
    raws = (extract_fit if name.endswith(".fit") else extract_tcx)(data)
    runs = [raw for raw in raws if raw.sport == "running"]
    assert runs
    for raw in runs:
        fixes = sorted(
            (s[0], s[1], s[2]) for s in raw.samples if s[0] is not None and s[1] is not None
        )
        _kept, legs = geo.clean_fixes(fixes)
        assert within(sum(legs), raw.device_distance_m, percent=2)


# --- input forms and detection --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("slither-running.fit", "fit"),
        ("fitparse-Settings.fit", "fit"),
        ("slither-running.gpx", "gpx"),
        ("gpxpy-cerknicko-jezero.gpx", "gpx"),
        ("slither-running.tcx", "tcx"),
        ("tcxparser-test.tcx", "tcx"),
    ],
)
def test_detect_format_from_content(name, kind):
    assert detect_format((FIXTURES / name).read_bytes()[:4096]) == kind


def test_a_stream_gives_the_same_result_as_bytes():
    data = (FIXTURES / "slither-running.fit").read_bytes()
    assert parse_activity_file(io.BytesIO(data), now=NOW) == parse_activity_file(data, now=NOW)
    with (FIXTURES / "slither-running.tcx").open("rb") as stream:
        assert parse_activity_file(stream, now=NOW) == parse("slither-running.tcx")


def test_results_are_frozen_and_hashable():
    [run] = parse("slither-running.fit")
    with pytest.raises(AttributeError):
        run.distance_m = 1  # type: ignore[misc]
    assert hash(run) == hash(parse("slither-running.fit")[0])
    assert isinstance(run.track, tuple) and isinstance(run.track[0], tuple)
    assert isinstance(run.splits_s, tuple)


def test_now_defaults_to_the_clock():
    [run] = parse_activity_file((FIXTURES / "heartandsole-testdata.gpx").read_bytes())
    assert run.started_at.year == 2021


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-04-16T09:57:29Z", datetime(2021, 4, 16, 9, 57, 29, tzinfo=UTC)),
        ("2021-04-16T09:57:29.250Z", datetime(2021, 4, 16, 9, 57, 29, 250_000, tzinfo=UTC)),
        ("2021-04-16T11:57:29+02:00", datetime(2021, 4, 16, 9, 57, 29, tzinfo=UTC)),
        ("2021-04-16T11:57:29+0200", datetime(2021, 4, 16, 9, 57, 29, tzinfo=UTC)),
        ("2021-04-16T09:57:29", datetime(2021, 4, 16, 9, 57, 29, tzinfo=UTC)),  # naive: UTC
        ("2021-04-16T09:57:29,5Z", datetime(2021, 4, 16, 9, 57, 29, 500_000, tzinfo=UTC)),
        (" 2021-04-16T09:57:29.1234567Z\n", datetime(2021, 4, 16, 9, 57, 29, 123_456, tzinfo=UTC)),
        ("16/04/2021 09:57", None),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_times_are_read_as_iso_8601_with_the_standard_library(text, expected):
    value = parse_time(text)
    assert value == (expected.timestamp() if expected else None)
