"""Imports through a real Celery worker and a real Redis broker, as in production."""

import datetime as dt

import pytest
from django.db import transaction

from imports import services, tasks
from imports.models import ActivityUpload, UploadState
from programme.models import Run
from tests.celery_worker import queued_messages, wait_for
from tests.factories import ParticipantFactory, ProgrammeFactory
from tests.imports.imports_helpers import (
    as_upload,
    fixture,
    hostile_files,
    programme_around,
    recent_fit,
    recent_gpx,
)

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("upload_root"),
]


def all_finished():
    return not ActivityUpload.objects.exclude(
        state__in=[UploadState.DONE, UploadState.REFUSED, UploadState.FAILED]
    ).exists()


def upload(participant, *files):
    """What the import page does: store the files, then queue them after commit."""
    created = services.activity_uploads_create(participant=participant, files=list(files)).created
    tasks.activity_uploads_queue([made.pk for made in created])
    return created


def test_the_worker_reads_hostile_files_safely_and_keeps_working(worker):
    participant = ParticipantFactory(programme=ProgrammeFactory())
    hostile = hostile_files()
    made = upload(
        participant,
        *[as_upload(data, f"{name}.gpx") for name, data, _message in hostile],
        as_upload(recent_gpx(hours_ago=8), "good.gpx"),
        as_upload(recent_fit(hours_ago=4), "good.fit"),
    )
    assert len(made) == len(hostile) + 2

    assert wait_for(all_finished, timeout=60)

    states = dict(ActivityUpload.objects.values_list("original_name", "state"))
    messages = dict(ActivityUpload.objects.values_list("original_name", "message"))
    for name, _data, message in hostile:
        assert states[f"{name}.gpx"] == UploadState.REFUSED, name
        assert message in messages[f"{name}.gpx"], name
    assert states["good.gpx"] == states["good.fit"] == UploadState.DONE
    assert Run.objects.filter(participant=participant).count() == 2


@pytest.mark.parametrize(
    ("name", "distance_m", "duration_s"),
    [
        ("slither-running.fit", 7864, 3087),
        ("slither-running.tcx", 2200, 750),
        ("slither-running.gpx", 6914, 2986),
    ],
)
def test_a_real_device_export_becomes_a_run_through_the_worker(
    worker,
    name,
    distance_m,
    duration_s,
):
    # The file is years old: its programme ran then, and logging stays open until today.
    data = fixture(name)
    start = services.read_activity_file(data).activities[0].started_at
    programme = programme_around(start, open_until=dt.datetime.now(dt.UTC))
    participant = ParticipantFactory(programme=programme)

    [made] = upload(participant, as_upload(data, name))

    assert wait_for(lambda: ActivityUpload.objects.get(pk=made.pk).state == UploadState.DONE)
    run = Run.objects.get(participant=participant)
    assert (run.distance_m, run.duration_s, run.started_at) == (distance_m, duration_s, start)
    assert run.track.upload_id == made.pk


def test_a_crash_in_the_worker_leaves_the_upload_failed_and_no_run(
    worker,
    monkeypatch,
):
    participant = ParticipantFactory(programme=ProgrammeFactory())

    def broken_run_log(**kwargs):
        raise RuntimeError("simulated crash while writing the run")

    monkeypatch.setattr(services, "run_log", broken_run_log)
    [made] = upload(participant, as_upload(recent_gpx(), "crash.gpx"))
    assert wait_for(lambda: ActivityUpload.objects.get(pk=made.pk).state == UploadState.FAILED)
    assert not Run.objects.exists()

    monkeypatch.undo()
    [fine] = upload(participant, as_upload(recent_fit(), "fine.fit"))
    assert wait_for(lambda: ActivityUpload.objects.get(pk=fine.pk).state == UploadState.DONE)
    assert Run.objects.count() == 1


def test_an_upload_rolled_back_is_never_queued():
    participant = ParticipantFactory(programme=ProgrammeFactory())
    before = queued_messages()
    with pytest.raises(RuntimeError), transaction.atomic():
        upload(participant, as_upload(recent_gpx(), "a.gpx"))
        raise RuntimeError("the request failed after the upload")
    assert queued_messages() == before
    assert not ActivityUpload.objects.exists()
    upload(participant, as_upload(recent_gpx(), "a.gpx"))
    assert queued_messages() == before + 1
