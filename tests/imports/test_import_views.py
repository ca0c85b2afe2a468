"""The import page, its status JSON and the upload limits, through Django's request handling.

The files' reading runs inline here: ``queue`` records what the view enqueues after commit
and ``work_through`` runs the task on it as a worker would. ``test_import_tasks`` does the
same with a real worker and Redis.
"""

import datetime as dt
import io
import re
import tracemalloc
import uuid

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from kombu.exceptions import OperationalError as BrokerError

from imports import tasks, uploads
from imports.models import ActivityUpload, RunTrack, UploadState
from programme.models import Run
from tests.factories import ParticipantFactory, RunFactory
from tests.imports.imports_helpers import (
    as_upload,
    hostile_files,
    recent_fit,
    recent_gpx,
    recent_start,
    recent_tcx,
)
from tests.imports.synthetic import outing_gpx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("upload_root")]
MB = 1024 * 1024


@pytest.fixture
def alice(participant):
    client = Client()
    client.force_login(participant.user)
    return client


@pytest.fixture
def queue(monkeypatch, django_capture_on_commit_callbacks):
    """Upload ids the views enqueue, recorded when their transaction commits."""
    queued = []
    monkeypatch.setattr(tasks.import_activity_file, "delay", queued.append)
    return queued


def post_files(client, *files):
    return client.post("/runs/import/", {"files": list(files)})


def upload_and_queue(client, django_capture_on_commit_callbacks, *files):
    """Post the files, follow the redirect back to the page (which shows the messages)."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/runs/import/", {"files": list(files)}, follow=True)
    assert response.redirect_chain == [("/runs/import/", 302)], response.content.decode()[:500]
    return response


def work_through(queue):
    """What the worker does with each queued id; leaves the queue empty."""
    results = [tasks.import_activity_file(upload_id) for upload_id in queue]
    queue.clear()
    return results


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# The page ------------------------------------------------------------------------------------


def test_the_limits_are_shown_before_uploading_and_the_list_starts_empty(alice):
    body = alice.get("/runs/import/").content.decode()
    assert "Up to 10 files at once: 20 MB each, 60 MB together." in body
    assert "30 uploads a day and 200 in all (you have used 0 today, 0 in all)." in body
    assert "We keep each file for 30 days, then delete it; your runs stay." in body
    assert 'enctype="multipart/form-data"' in body
    assert 'data-max-file-bytes="20971520"' in body
    assert "Nothing uploaded yet." in body
    assert '<script src="/static/js/imports.js" defer></script>' in body
    assert "<progress" not in body


def test_the_runs_page_offers_the_upload(alice):
    assert 'href="/runs/import/"' in alice.get("/runs/").content.decode()


def test_three_formats_uploaded_at_once_become_three_runs(
    alice, participant, queue, django_capture_on_commit_callbacks
):
    response = upload_and_queue(
        alice,
        django_capture_on_commit_callbacks,
        as_upload(recent_gpx(hours_ago=9), "morning.gpx"),
        as_upload(recent_tcx(hours_ago=6), "lunch.tcx"),
        as_upload(recent_fit(hours_ago=3), "evening.fit"),
    )
    assert messages_of(response) == []  # the page's own summary follows the files
    assert len(queue) == 3
    page = alice.get("/runs/import/").content.decode()
    assert "3 files are being read." in page
    assert page.count('data-state="queued"') == 3
    assert 'value="0"' in page and "0</span> of <span data-batch-total>3" in page
    assert "Refresh" in page  # without JavaScript, the way to see progress

    assert work_through(queue) == ["done", "done", "done"]

    page = alice.get("/runs/import/").content.decode()
    assert page.count('data-state="done"') == 3
    assert "3</span> of <span data-batch-total>3" in page
    assert page.count("1 run imported.") == 3
    assert "Latest upload, 3 files: 3 imported." in page
    assert "being read" not in page
    runs = Run.objects.filter(participant=participant).order_by("started_at")
    assert [r.source for r in runs] == ["gpx", "tcx", "fit"]
    for run in runs:
        assert f'href="/runs/{run.pk}/"' in page


def test_the_status_json_follows_each_upload(alice, queue, django_capture_on_commit_callbacks):
    upload_and_queue(alice, django_capture_on_commit_callbacks, as_upload(recent_gpx(), "a.gpx"))
    status = alice.get("/runs/import/status/")
    assert status["Content-Type"] == "application/json"
    assert "no-cache" in status["Cache-Control"]
    before = status.json()
    assert before["pending"] is True
    assert before["batch"] == {"finished": 0, "total": 1, "summary": "1 file is being read."}
    [row] = before["uploads"]
    assert (row["name"], row["state"], row["step"], row["runs"]) == ("a.gpx", "queued", 0, [])

    work_through(queue)

    after = alice.get("/runs/import/status/").json()
    assert after["pending"] is False
    assert after["batch"] == {
        "finished": 1,
        "total": 1,
        "summary": "Latest upload, 1 file: 1 imported.",
    }
    [row] = after["uploads"]
    run = Run.objects.get()
    assert (row["state"], row["state_label"], row["step"]) == ("done", "Imported", 2)
    [made] = row["runs"]
    assert made == {
        "url": f"/runs/{run.pk}/",
        "label": made["label"],
        "status": "counted",
        "status_label": "Counted",
    }
    assert row["runs"][0]["label"].startswith("3.60 km · ")


def test_another_participant_never_sees_my_uploads(
    alice, participant, other_participant, queue, django_capture_on_commit_callbacks
):
    upload_and_queue(
        alice, django_capture_on_commit_callbacks, as_upload(recent_gpx(), "alice-secret.gpx")
    )
    work_through(queue)
    bob = Client()
    bob.force_login(other_participant.user)

    assert bob.get("/runs/import/status/").json()["uploads"] == []
    assert "alice-secret" not in bob.get("/runs/import/").content.decode()
    run = Run.objects.get(participant=participant)
    assert bob.get(f"/runs/{run.pk}/").status_code == 404


def test_posting_needs_the_csrf_token(participant):
    client = Client(enforce_csrf_checks=True)
    client.force_login(participant.user)
    response = post_files(client, as_upload(recent_gpx()))
    assert response.status_code == 403
    assert not ActivityUpload.objects.exists()


def test_the_status_is_read_only(alice):
    assert alice.post("/runs/import/status/").status_code == 405


def test_posting_nothing_says_what_is_missing(alice):
    response = alice.post("/runs/import/", {})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


# Hostile and broken files, through the view and the task ------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [pytest.param(data, message, id=name) for name, data, message in hostile_files()],
)
def test_a_hostile_or_broken_file_is_refused_with_a_clear_message_and_the_next_one_works(
    alice, participant, queue, django_capture_on_commit_callbacks, data, message
):
    upload_and_queue(alice, django_capture_on_commit_callbacks, as_upload(data, "run.gpx"))
    assert work_through(queue) == ["refused"]

    upload = ActivityUpload.objects.get()
    assert message in upload.message
    assert not Run.objects.exists()
    page = alice.get("/runs/import/")
    assert page.status_code == 200
    assert 'data-state="refused"' in page.content.decode()

    # The same "worker" goes on to the next file.
    upload_and_queue(alice, django_capture_on_commit_callbacks, as_upload(recent_gpx(), "ok.gpx"))
    assert work_through(queue) == ["done"]
    assert Run.objects.filter(participant=participant).count() == 1


# Limits, enforced as the bytes arrive -----------------------------------------------------------


class GeneratedBody(io.RawIOBase):
    """A multipart/form-data body produced as it is read: nothing of it is held in memory."""

    def __init__(self, boundary, fields, files):
        self.pieces = self._pieces(boundary, fields, files)
        self.buffer = b""
        self.consumed = 0
        self.length = sum(
            len(p) if isinstance(p, bytes) else p for p in self._sizes(boundary, fields, files)
        )

    @staticmethod
    def _sizes(boundary, fields, files):
        for name, value in fields.items():
            yield (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            ).encode()
        for filename, size in files:
            yield (
                f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
                f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
            ).encode()
            yield size
            yield b"\r\n"
        yield f"--{boundary}--\r\n".encode()

    def _pieces(self, boundary, fields, files):
        for piece in self._sizes(boundary, fields, files):
            if isinstance(piece, bytes):
                yield piece
            else:
                chunk = b"x" * MB
                for _ in range(piece // MB):
                    yield chunk
                yield b"x" * (piece % MB)

    def readable(self):
        return True

    def read(self, size=-1):
        while size < 0 or len(self.buffer) < size:
            piece = next(self.pieces, None)
            if piece is None:
                break
            self.buffer += piece
        if size < 0:
            size = len(self.buffer)
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        self.consumed += len(data)
        return data

    def readline(self, size=-1):
        return self.read(size)


def post_generated(client, files):
    boundary = uuid.uuid4().hex
    body = GeneratedBody(boundary, {}, files)
    response = client.request(
        PATH_INFO="/runs/import/",
        REQUEST_METHOD="POST",
        CONTENT_TYPE=f"multipart/form-data; boundary={boundary}",
        CONTENT_LENGTH=str(body.length),
        **{"wsgi.input": body},
    )
    response.body = body
    return response


def test_a_100_mb_file_is_refused_as_it_streams_in_and_nothing_is_stored(alice, upload_root):
    tracemalloc.start()
    try:
        response = post_generated(alice, [("huge.gpx", 100 * MB)])
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert response.status_code == 302
    assert messages_of(response) == ["huge.gpx: not uploaded, it is larger than 20 MB."]
    assert response.body.consumed == response.body.length > 100 * MB  # all of it went by...
    assert peak < 10 * MB  # ...in chunks, thrown away, never held whole
    assert not ActivityUpload.objects.exists()
    assert not upload_root.exists() or not any(upload_root.rglob("*"))


def test_a_file_over_20_mb_is_dropped_and_the_others_are_kept(
    alice, queue, django_capture_on_commit_callbacks
):
    response = upload_and_queue(
        alice,
        django_capture_on_commit_callbacks,
        as_upload(recent_gpx(), "good.gpx"),
        as_upload(b"<" * (20 * MB + 1), "big.gpx"),
    )
    assert messages_of(response) == [
        "big.gpx: not uploaded, it is larger than 20 MB.",
    ]
    assert [u.original_name for u in ActivityUpload.objects.all()] == ["good.gpx"]


def test_files_past_the_request_total_are_dropped(alice, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_REQUEST_BYTES", 3 * MB)
    response = post_generated(
        alice, [("one.gpx", MB), ("two.gpx", MB + 1), ("three.gpx", MB + 10), ("four.gpx", 100)]
    )
    assert messages_of(response) == [
        "three.gpx: not uploaded, the files together went over 60 MB.",
    ]
    assert sorted(u.original_name for u in ActivityUpload.objects.all()) == [
        "four.gpx",
        "one.gpx",
        "two.gpx",
    ]


def test_more_than_10_files_are_refused_by_django_before_anything_is_stored(alice):
    response = post_files(alice, *[as_upload(f"{n}".encode(), f"{n}.gpx") for n in range(11)])
    assert response.status_code == 400
    assert "Too many files at once: send at most 10 files" in response.content.decode()
    assert not ActivityUpload.objects.exists()


def test_the_same_file_again_links_to_its_run(alice, queue, django_capture_on_commit_callbacks):
    data = recent_gpx()
    upload_and_queue(alice, django_capture_on_commit_callbacks, as_upload(data, "first.gpx"))
    pending = upload_and_queue(
        alice, django_capture_on_commit_callbacks, as_upload(data, "again.gpx")
    )
    assert messages_of(pending) == [
        "again.gpx: This file was already imported. It is being read; its state is shown below."
    ]
    work_through(queue)
    run = Run.objects.get()

    response = upload_and_queue(
        alice, django_capture_on_commit_callbacks, as_upload(data, "third.gpx")
    )

    assert messages_of(response) == [
        f'third.gpx: This file was already imported. <a href="/runs/{run.pk}/">See the run.</a>'
    ]
    assert ActivityUpload.objects.count() == 1
    assert queue == []


def test_a_file_name_cannot_inject_markup(alice, queue, django_capture_on_commit_callbacks):
    data = recent_gpx()
    upload_and_queue(alice, django_capture_on_commit_callbacks, as_upload(data, "a.gpx"))
    response = upload_and_queue(
        alice,
        django_capture_on_commit_callbacks,
        as_upload(data, "<img src=x onerror=alert(1)>.gpx"),
    )
    [message] = messages_of(response)
    assert message.startswith("&lt;img src=x onerror=alert(1)&gt;.gpx: ")
    page = alice.get("/runs/import/").content.decode()
    assert "<img src=x" not in page


def test_a_run_overlapping_a_manual_one_is_refused_naming_it(
    alice, participant, queue, django_capture_on_commit_callbacks
):
    RunFactory(
        participant=participant,
        level=participant.programme.levels.get(number=1),
        started_at=recent_start(3) + dt.timedelta(minutes=10),
    )
    upload_and_queue(alice, django_capture_on_commit_callbacks, as_upload(recent_gpx(3)))
    assert work_through(queue) == ["refused"]
    assert ActivityUpload.objects.get().message.startswith(
        "This looks like a duplicate of the run of 5.00 km at "
    )
    assert Run.objects.count() == 1


# The run page -----------------------------------------------------------------------------------


def test_an_imported_run_shows_its_route_sketch_and_splits(
    alice, participant, queue, django_capture_on_commit_callbacks
):
    upload_and_queue(alice, django_capture_on_commit_callbacks, as_upload(recent_fit(seconds=2400)))
    work_through(queue)
    run = Run.objects.get()

    body = alice.get(f"/runs/{run.pk}/").content.decode()

    assert '<svg viewBox="0 0 320 200"' in body
    assert 'role="img" aria-labelledby="route-title"' in body
    assert "Sketch of the 7.20 km route" in body
    assert body.count("<polyline") == 1
    assert "Splits per kilometre" in body
    splits = re.findall(r'<tr><td>(\d+)</td><td class="num">(5:3[34])</td></tr>', body)
    assert [int(km) for km, _time in splits] == [1, 2, 3, 4, 5, 6, 7]  # 5:33 a km at 3 m/s
    assert "FIT file" in body and "Imported from run.gpx." in body


def test_splits_are_per_mile_for_a_runner_in_miles(
    alice, participant, queue, django_capture_on_commit_callbacks
):
    participant.units = "mi"
    participant.save()
    upload_and_queue(alice, django_capture_on_commit_callbacks, as_upload(recent_fit(seconds=2400)))
    work_through(queue)
    body = alice.get(f"/runs/{Run.objects.get().pk}/").content.decode()
    assert "Splits per mile" in body
    splits = re.findall(r'<tr><td>(\d+)</td><td class="num">(8:5[67])</td></tr>', body)
    assert len(splits) == 4  # 8:56 a mile at 3 m/s, 4.47 miles


def test_a_run_typed_by_hand_has_no_route_section(alice, participant):
    run = RunFactory(participant=participant, level=participant.programme.levels.get(number=1))
    body = alice.get(f"/runs/{run.pk}/").content.decode()
    assert "<svg" not in body and "Splits" not in body
    assert not RunTrack.objects.exists()


# Query counts stay constant as uploads grow ------------------------------------------------------


def grow_uploads(participant, count):
    week1 = participant.programme.levels.get(number=1)
    made = ActivityUpload.objects.bulk_create(
        ActivityUpload(
            participant=participant,
            original_name=f"run{n}.fit",
            size_bytes=1000,
            sha256=f"{n:064x}",
            state=UploadState.DONE if n % 3 else UploadState.QUEUED,
        )
        for n in range(count)
    )
    done = [upload for upload in made if upload.state == UploadState.DONE]
    runs = Run.objects.bulk_create(
        Run(
            participant=participant,
            level=week1,
            started_at=week1.unlocks_at + dt.timedelta(hours=n),
            distance_m=5000,
            duration_s=1800,
        )
        for n in range(len(done))
    )
    RunTrack.objects.bulk_create(
        RunTrack(run=run, upload=upload) for run, upload in zip(runs, done, strict=True)
    )
    ParticipantFactory.create_batch(3, programme=participant.programme)


def test_three_refused_files_say_so_and_list_what_was_left_out(
    alice, queue, django_capture_on_commit_callbacks
):
    start = recent_start(hours_ago=30)
    hike = outing_gpx(
        [
            (start, 1200, 1000 / 960, True),
            (start + dt.timedelta(hours=1), 2400, 1000 / 960, False),
            (start + dt.timedelta(hours=2), 1200, 1000 / 960, True),
        ]
    )
    response = upload_and_queue(
        alice,
        django_capture_on_commit_callbacks,
        as_upload(hike, "hike.gpx"),
        as_upload(outing_gpx([(recent_start(2), 1, 2.0, True)], step_s=1), "blip.gpx"),
        as_upload(b"not an activity file", "notes.gpx"),
    )
    assert "3 files are being read." in response.content.decode()

    assert work_through(queue) == ["refused", "refused", "refused"]

    page = alice.get("/runs/import/").content.decode()
    assert "Latest upload, 3 files: 3 refused." in page
    assert "being read" not in page and "being imported" not in page
    assert "None of the 3 activities in this file counts as a run." in page
    assert page.count("looks like a walk") == 2
    assert "no timestamps" in page
    assert "shorter than 0.50 km, the shortest run that counts" in page
    status = alice.get("/runs/import/status/").json()
    assert status["batch"]["summary"] == "Latest upload, 3 files: 3 refused."
    hike_row = next(row for row in status["uploads"] if row["name"] == "hike.gpx")
    assert [item["label"].split(" · ")[0] for item in hike_row["skipped"]] == ["activity"] * 3


@pytest.mark.parametrize("url", ["/runs/import/", "/runs/import/status/"])
@pytest.mark.parametrize("count", [5, 150])
def test_the_import_pages_use_a_small_constant_number_of_queries(
    alice, participant, django_assert_max_num_queries, url, count
):
    grow_uploads(participant, count)
    with django_assert_max_num_queries(12):
        response = alice.get(url)
    assert response.status_code == 200


# The broker is down ------------------------------------------------------------------------------


def test_an_upload_made_while_the_broker_is_down_keeps_its_file_and_imports_later(
    alice, participant, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(upload_id):
        raise BrokerError("Connection refused")

    monkeypatch.setattr(tasks.import_activity_file, "delay", broker_down)
    response = upload_and_queue(alice, django_capture_on_commit_callbacks, as_upload(recent_fit()))

    assert "1 file is being read." in response.content.decode()
    made = ActivityUpload.objects.get()
    assert made.state == UploadState.QUEUED
    assert made.file and made.file.storage.exists(made.file.name)

    # Once the broker is back, the sweep queues it and it becomes a run.
    queued = []
    monkeypatch.setattr(tasks.import_activity_file, "delay", queued.append)
    ActivityUpload.objects.filter(pk=made.pk).update(
        updated_at=made.updated_at - dt.timedelta(minutes=10)
    )
    with django_capture_on_commit_callbacks(execute=True):
        tasks.requeue_stalled_imports()
    assert queued == [made.pk]
    assert tasks.import_activity_file(made.pk) == UploadState.DONE
    assert Run.objects.filter(participant=participant, track__upload=made).count() == 1
