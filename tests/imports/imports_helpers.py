"""Shared by the import tests: real and hostile files, and programmes around a file's date."""

import datetime as dt
import io
import zipfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from imports.models import ActivityUpload
from tests.factories import ProgrammeFactory
from tests.imports.synthetic import synthetic_fit, synthetic_gpx, synthetic_tcx
from tests.imports.test_activity_files_hostile import (
    BILLION_LAUGHS,
    gpx,
    png_bytes,
    tcx,
    tcx_activity,
    timed_points,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "activities"


def fixture(name):
    return (FIXTURES / name).read_bytes()


def as_upload(data, name="run.gpx"):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def programme_around(moment, *, weeks=6, open_until=None, **fields):
    """The active programme whose week 1 opens two days before ``moment``.

    ``open_until`` keeps logging open until then (real files are years old; the view and
    worker tests run at the real time and freeze nothing).
    """
    starts_on = (moment - dt.timedelta(days=2)).date()
    programme = ProgrammeFactory.build(starts_on=starts_on, weeks=weeks)
    if open_until is not None:
        # Each week's logging closes that many days after the week ends: count from week 1.
        fields["logging_close_days"] = (open_until - programme.starts_at).days + 2
    return ProgrammeFactory(starts_on=starts_on, weeks=weeks, **fields)


def recent_start(hours_ago=3):
    """A start time inside the default test programme's week 1, whatever the clock says."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    return now - dt.timedelta(hours=hours_ago)


def recent_gpx(hours_ago=3, points=1200):
    return synthetic_gpx(points, start=recent_start(hours_ago))


def recent_tcx(hours_ago=3, points=1200):
    return synthetic_tcx(points, start=recent_start(hours_ago))


def recent_fit(hours_ago=3, seconds=1200):
    return synthetic_fit(seconds=seconds, start=recent_start(hours_ago))


def zip_of(data, inner="run.gpx"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(inner, data)
    return buffer.getvalue()


def hostile_files():
    """(id, bytes, what the refusal says) for each hostile or broken upload in the issue."""
    start = recent_start()
    real_fit = fixture("slither-running.fit")
    bad_crc = bytearray(real_fit)
    bad_crc[-1] ^= 0xFF
    out_of_range = timed_points(start)
    out_of_range[5] = (95.0, 13.4, out_of_range[5][2])
    dtd = "The file contains an XML document type declaration, which is not allowed."
    xxe = '<!DOCTYPE {root} [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    return [
        (
            "billion-laughs-gpx",
            gpx(
                timed_points(start), kind="running&lol9;", prolog=BILLION_LAUGHS.format(root="gpx")
            ),
            dtd,
        ),
        (
            "billion-laughs-tcx",
            tcx(
                tcx_activity("Running&lol9;", start),
                prolog=BILLION_LAUGHS.format(root="TrainingCenterDatabase"),
            ),
            dtd,
        ),
        (
            "external-entity-gpx",
            gpx(timed_points(start), kind="running&xxe;", prolog=xxe.format(root="gpx")),
            dtd,
        ),
        (
            "external-entity-tcx",
            tcx(
                tcx_activity("Running&xxe;", start),
                prolog=xxe.format(root="TrainingCenterDatabase"),
            ),
            dtd,
        ),
        ("zip-renamed-gpx", zip_of(fixture("heartandsole-testdata.gpx")), "This is a ZIP archive"),
        ("png-renamed-gpx", png_bytes(), "This is a PNG image"),
        ("truncated-fit", real_fit[: len(real_fit) // 2], "The FIT file is incomplete"),
        ("bad-crc-fit", bytes(bad_crc), "checksum does not match"),
        ("zero-bytes", b"", "The file is empty."),
        (
            "non-utf8",
            gpx(timed_points(start)).replace(b"running", b"course \xe0 pied"),
            "not UTF-8",
        ),
        ("coordinates-out-of-range", gpx(out_of_range), "outside the valid range"),
        (
            "year-1970",
            gpx(timed_points(dt.datetime(1970, 1, 1, tzinfo=dt.UTC))),
            "The activity's time (1970-01-01) is not plausible.",
        ),
        (
            "year-2100",
            synthetic_fit(seconds=300, start=dt.datetime(2100, 1, 1, tzinfo=dt.UTC)),
            "The activity's time (2100-01-01) is not plausible.",
        ),
    ]


def file_exists(upload):
    upload = ActivityUpload.objects.get(pk=upload.pk)
    return bool(upload.file) and upload.file.storage.exists(upload.file.name)
