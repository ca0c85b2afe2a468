"""Importing runs from activity files: the services, called as the task calls them.

Real device exports are years old, so each test builds the programme around the file's own
start and passes ``now`` in. The view and the real worker have their own test modules.
"""

import datetime as dt
import hashlib

import pytest
from django.db import OperationalError

from accounts.services import account_data_export, account_delete
from core.units import pace_seconds
from imports import selectors, services, tasks
from imports.activity_files import parse_activity_file
from imports.models import ActivityUpload, RunTrack, UploadState
from programme import services as programme_services
from programme.models import LevelCompletion, ReviewStatus, Run, WeeklyTally
from tests.factories import ParticipantFactory, RunFactory
from tests.imports.imports_helpers import as_upload, file_exists, fixture, programme_around
from tests.imports.synthetic import empty_tracks_gpx, outing_gpx, synthetic_gpx
from tests.imports.test_activity_files_hostile import gpx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("upload_root")]


def start_of(name):
    return parse_activity_file(fixture(name), now=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))[
        0
    ].started_at


def runner_for(name, **programme_fields):
    """A participant of a programme whose week 1 holds the file's first run."""
    programme = programme_around(start_of(name), **programme_fields)
    return ParticipantFactory(programme=programme, time_zone="UTC")


def upload(participant, data, name="run.gpx"):
    outcome = services.activity_uploads_create(
        participant=participant, files=[as_upload(data, name)]
    )
    assert not outcome.refused, outcome.refused
    [made] = outcome.created
    return made


def process(made, now):
    return services.activity_upload_process(upload_id=made.pk, now=now)


def import_fixture(name, **programme_fields):
    participant = runner_for(name, **programme_fields)
    made = upload(participant, fixture(name), name)
    result = process(made, start_of(name) + dt.timedelta(days=1))
    return participant, result


# Each format, real files ---------------------------------------------------------------------


# Each file's own summary: FIT sessions and TCX laps record the device's distance and timer
# time, which we take as they are (exact). The GPX has no summary: gpxpy's 2-D length of the
# raw track (6.94 km) and its time span (3,041 s) are the reference; our distance drops GPS
# teleports (1% covers that noise) and our duration is moving time, without pauses (2%).
@pytest.mark.parametrize(
    ("name", "source", "distance_m", "duration_s", "distance_tolerance", "duration_tolerance"),
    [
        ("slither-running.fit", "fit", 7864, 3087, 0, 0),
        ("slither-running.tcx", "tcx", 2200, 750, 0, 0),
        ("tcxparser-test.tcx", "tcx", 4689, 1993, 0, 0),
        ("slither-running.gpx", "gpx", 6940, 3041, 0.01, 0.02),
    ],
)
def test_each_format_becomes_a_run_with_the_files_own_numbers(
    name, source, distance_m, duration_s, distance_tolerance, duration_tolerance
):
    participant, result = import_fixture(name)

    assert result.state == UploadState.DONE
    assert result.message == "1 run imported."
    [run] = Run.objects.filter(participant=participant)
    assert run.track.upload == result
    assert run.source == source
    assert run.distance_m == pytest.approx(distance_m, rel=distance_tolerance)
    assert run.duration_s == pytest.approx(duration_s, rel=duration_tolerance)
    assert run.started_at == start_of(name)
    assert run.status == ReviewStatus.COUNTED
    assert run.level.number == 1
    assert run.elevation_gain_m is not None
    track = RunTrack.objects.get(run=run)
    assert 2 <= len(track.points) <= 500
    assert len(track.splits_s) == run.distance_m // 1000
    assert WeeklyTally.objects.get(participant=participant, level=run.level).distance_m == (
        run.distance_m
    )


def test_a_file_with_two_runs_makes_two_runs_and_completes_the_week_in_one_go():
    # A multisport day from a Garmin fēnix 2: two running sessions among other sports.
    participant, result = import_fixture("fitparse-activity-large-fenxi2-multisport.fit")

    assert result.state == UploadState.DONE
    assert result.message == "2 runs imported. 2 activities were left out; see why below."
    assert [(row["sport"], row["reason"]) for row in result.skipped] == [
        ("activity", "The file names no sport for this activity, and it holds other runs."),
        ("cycling", "This is a cycling activity, not a run."),
    ]
    runs = Run.objects.filter(participant=participant).order_by("started_at")
    assert [(r.distance_m, r.duration_s) for r in runs] == [(2245, 2295), (12740, 6764)]
    assert {r.track.upload_id for r in runs} == {result.pk}
    # week 1 asks for two runs and 5 km: met by this file alone
    assert LevelCompletion.objects.filter(participant=participant, level__number=1).exists()


# Refusals --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("fitparse-garmin-fenix-5-bike.fit", "This is a cycling activity, not a run."),
        ("fitparse-garmin-fenix-5-walk.fit", "This is a walking activity, not a run."),
        ("fitparse-event_timestamp.fit", "This is a swimming activity, not a run."),
        ("tcxparser-sup_activity_1.tcx", "This activity's sport is “other”, not a run."),
        ("fitparse-Settings.fit", "This FIT file holds no activity."),
        ("fitparse-activity-filecrc.fit", "The FIT file is damaged: its checksum does not match"),
        ("fitparse-activity-unexpected-eof.fit", "The FIT file is incomplete"),
        ("fitparse-activity-settings-corruptheader.fit", "The FIT file is damaged"),
    ],
)
def test_a_file_that_is_not_a_run_or_is_broken_is_refused_with_the_reason(name, message):
    programme = programme_around(dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    participant = ParticipantFactory(programme=programme)
    made = upload(participant, fixture(name), name)

    result = process(made, dt.datetime(2020, 1, 2, tzinfo=dt.UTC))

    assert result.state == UploadState.REFUSED
    assert result.message.startswith(message)
    assert not Run.objects.exists()


def test_a_file_of_too_many_activities_is_refused_naming_the_limit():
    programme = programme_around(dt.datetime(2024, 5, 1, tzinfo=dt.UTC))
    participant = ParticipantFactory(programme=programme)
    made = upload(participant, empty_tracks_gpx(services.MAX_ACTIVITIES_PER_FILE + 1))

    result = process(made, dt.datetime(2024, 5, 2, tzinfo=dt.UTC))

    assert result.state == UploadState.REFUSED
    assert result.message == (
        "The file holds more than 20 activities; at most 20 can be imported from one file."
    )
    assert not Run.objects.exists()


def test_a_run_the_parser_accepts_but_the_programme_does_not_is_refused():
    # The file is fine, but it was recorded before the programme started.
    participant = runner_for("slither-running.fit")
    participant.programme.levels.update(
        unlocks_at=start_of("slither-running.fit") + dt.timedelta(days=1)
    )
    made = upload(participant, fixture("slither-running.fit"))

    result = process(made, start_of("slither-running.fit") + dt.timedelta(days=2))

    assert result.state == UploadState.REFUSED
    assert result.message.startswith("The programme starts on")
    assert not Run.objects.exists()


def test_a_run_overlapping_one_logged_by_hand_is_refused_naming_it():
    participant = runner_for("slither-running.fit")
    start = start_of("slither-running.fit")
    RunFactory(
        participant=participant, started_at=start + dt.timedelta(minutes=20), distance_m=5000
    )
    made = upload(participant, fixture("slither-running.fit"))

    result = process(made, start + dt.timedelta(days=1))

    assert result.state == UploadState.REFUSED
    assert result.message == (
        "This looks like a duplicate of the run of 5.00 km at 13 Mar 2021, 11:17."
    )
    assert Run.objects.filter(participant=participant).count() == 1


def test_one_refused_run_refuses_the_whole_file_naming_which():
    # All or nothing: the file's second run overlaps a run logged by hand, so its first
    # (fine) run is not imported either — the file can be uploaded again once that is fixed.
    name = "fitparse-activity-large-fenxi2-multisport.fit"
    participant = runner_for(name)
    second = dt.datetime(2015, 8, 29, 11, 14, 21, tzinfo=dt.UTC)
    manual = RunFactory(participant=participant, started_at=second + dt.timedelta(minutes=30))
    made = upload(participant, fixture(name), name)

    result = process(made, second + dt.timedelta(days=1))

    assert result.state == UploadState.REFUSED
    assert result.message == (
        "Run 2 of 2 in this file (started 29 Aug 2015, 11:14): This looks like a duplicate of "
        "the run of 5.00 km at 29 Aug 2015, 11:44. Nothing from this file was imported."
    )
    assert list(Run.objects.filter(participant=participant)) == [manual]
    assert not RunTrack.objects.exists()

    # Fixed: the manual run goes, the very same file is accepted this time.
    programme_services.run_delete(run=manual, now=second + dt.timedelta(days=1))
    again = upload(participant, fixture(name), name)
    assert process(again, second + dt.timedelta(days=1)).state == UploadState.DONE
    assert Run.objects.filter(participant=participant).count() == 2


def test_the_same_file_twice_is_refused_as_already_imported():
    participant = runner_for("slither-running.fit")
    made = upload(participant, fixture("slither-running.fit"))
    process(made, start_of("slither-running.fit") + dt.timedelta(days=1))

    outcome = services.activity_uploads_create(
        participant=participant, files=[as_upload(fixture("slither-running.fit"), "copy.fit")]
    )

    assert outcome.created == []
    [refusal] = outcome.refused
    assert (refusal.name, refusal.message) == ("copy.fit", "This file was already imported.")
    assert refusal.existing == made
    assert ActivityUpload.objects.count() == 1
    # Another participant may upload the same file (a shared run, a club's export).
    other = ParticipantFactory(programme=participant.programme)
    assert upload(other, fixture("slither-running.fit"))


def test_the_same_file_twice_in_one_request_is_stored_once():
    participant = runner_for("slither-running.fit")
    data = fixture("slither-running.fit")
    outcome = services.activity_uploads_create(
        participant=participant, files=[as_upload(data, "a.fit"), as_upload(data, "b.fit")]
    )
    assert [u.original_name for u in outcome.created] == ["a.fit"]
    assert [r.name for r in outcome.refused] == ["b.fit"]


# Plausibility of the track -----------------------------------------------------------------


def track_with_a_fast_stretch(start, fast_mps, fast_seconds):
    """A 20-minute run at 3 m/s (5:33/km) with a stretch at ``fast_mps`` in the middle."""
    points, lat = [], 52.5
    for second in range(0, 1200, 5):
        speed = fast_mps if 600 <= second < 600 + fast_seconds else 3.0
        lat += speed * 5 / 111_195
        points.append(
            (lat, 13.4, (start + dt.timedelta(seconds=second)).strftime("%Y-%m-%dT%H:%M:%SZ"))
        )
    return gpx(points)


def test_a_sustained_pace_faster_than_3_per_km_is_held_for_review():
    start = dt.datetime(2024, 5, 1, 6, tzinfo=dt.UTC)
    participant = ParticipantFactory(programme=programme_around(start))
    made = upload(participant, track_with_a_fast_stretch(start, fast_mps=6.5, fast_seconds=180))

    result = process(made, start + dt.timedelta(days=1))

    assert result.state == UploadState.DONE
    assert result.message == "1 run imported. 1 is held for review."
    run = Run.objects.get()
    assert (
        pace_seconds(run.duration_s, run.distance_m) > 180
    )  # the average alone would have counted
    assert run.status == ReviewStatus.HELD
    assert run.review_reason == "The track holds a stretch faster than 3:00 per km (2:34 per km)."
    assert WeeklyTally.objects.get(participant=participant).distance_m == 0


def test_editing_a_run_held_for_its_track_keeps_it_held_until_a_reviewer_approves(staff_user):
    start = dt.datetime(2024, 5, 1, 6, tzinfo=dt.UTC)
    participant = ParticipantFactory(programme=programme_around(start))
    made = upload(participant, track_with_a_fast_stretch(start, fast_mps=6.5, fast_seconds=180))
    now = start + dt.timedelta(days=1)
    run = Run.objects.get(track__upload=process(made, now))

    def edit(run):
        return programme_services.run_update(
            run=run,
            started_at=run.started_at,
            distance_m=run.distance_m,
            duration_s=run.duration_s,
            notes="felt fast",
            now=now,
        )

    assert edit(run).status == ReviewStatus.HELD
    programme_services.run_review(run=run, approve=True, reviewer=staff_user, now=now)
    assert edit(Run.objects.get()).status == ReviewStatus.COUNTED


def test_a_sustained_pace_faster_than_2_per_km_is_refused_as_impossible():
    start = dt.datetime(2024, 5, 1, 6, tzinfo=dt.UTC)
    participant = ParticipantFactory(programme=programme_around(start))
    made = upload(participant, track_with_a_fast_stretch(start, fast_mps=10.0, fast_seconds=120))

    result = process(made, start + dt.timedelta(days=1))

    assert result.state == UploadState.REFUSED
    assert result.message == (
        "The track holds a stretch at 1:40 per km, faster than any runner can keep up: "
        "was it recorded on a bike or in a car?"
    )
    assert not Run.objects.exists()


def test_a_real_file_with_a_drive_in_it_is_refused():
    # gpxpy's Cerknica lake walk has no sport; one of its tracks moves at car speed.
    participant, result = import_fixture("gpxpy-cerknicko-jezero.gpx")
    assert result.state == UploadState.REFUSED
    assert "faster than any runner can keep up" in result.message
    assert not Run.objects.exists()


# Exactly once, crashes and retries ---------------------------------------------------------


def test_processing_twice_changes_nothing():
    participant = runner_for("slither-running.fit")
    made = upload(participant, fixture("slither-running.fit"))
    now = start_of("slither-running.fit") + dt.timedelta(days=1)

    first = process(made, now)
    second = process(made, now)

    assert first.state == second.state == UploadState.DONE
    assert second.attempts == 1
    assert Run.objects.count() == 1


def test_a_refused_upload_stays_refused_when_processed_again():
    participant = runner_for("slither-running.fit")
    made = upload(participant, fixture("fitparse-garmin-fenix-5-bike.fit"))
    now = start_of("slither-running.fit") + dt.timedelta(days=1)
    process(made, now)
    assert process(made, now).state == UploadState.REFUSED
    assert ActivityUpload.objects.get().attempts == 1


def test_an_upload_left_reading_by_a_dead_worker_is_finished_by_the_retry():
    participant = runner_for("slither-running.fit")
    made = upload(participant, fixture("slither-running.fit"))
    ActivityUpload.objects.filter(pk=made.pk).update(state=UploadState.PARSING, attempts=1)

    result = process(made, start_of("slither-running.fit") + dt.timedelta(days=1))

    assert (result.state, result.attempts) == (UploadState.DONE, 2)
    assert Run.objects.count() == 1


def test_a_file_that_keeps_killing_the_worker_is_marked_failed():
    participant = runner_for("slither-running.fit")
    made = upload(participant, fixture("slither-running.fit"))
    ActivityUpload.objects.filter(pk=made.pk).update(
        state=UploadState.PARSING, attempts=services.IMPORT_MAX_ATTEMPTS
    )

    result = process(made, start_of("slither-running.fit") + dt.timedelta(days=1))

    assert result.state == UploadState.FAILED
    assert (
        result.message
        == "This file could not be read after several attempts; nothing was imported."
    )
    assert not Run.objects.exists()


def test_a_crash_after_the_first_run_leaves_failed_and_no_run(monkeypatch):
    name = "fitparse-activity-large-fenxi2-multisport.fit"
    participant = runner_for(name)
    made = upload(participant, fixture(name), name)
    real_run_log = services.run_log
    calls = []

    def run_log_that_crashes_the_second_time(**kwargs):
        calls.append(kwargs["started_at"])
        if len(calls) == 2:
            raise RuntimeError("the disk is on fire")
        return real_run_log(**kwargs)

    monkeypatch.setattr(services, "run_log", run_log_that_crashes_the_second_time)

    result = process(made, start_of(name) + dt.timedelta(days=1))

    assert len(calls) == 2
    assert result.state == UploadState.FAILED
    assert result.message == (
        "Something went wrong while importing this file; nothing was saved. Try again later."
    )
    assert not Run.objects.exists()
    assert not RunTrack.objects.exists()
    assert not LevelCompletion.objects.exists()
    assert not WeeklyTally.objects.filter(distance_m__gt=0).exists()


def test_a_database_outage_is_left_to_the_task_to_retry(monkeypatch):
    participant = runner_for("slither-running.fit")
    made = upload(participant, fixture("slither-running.fit"))
    now = start_of("slither-running.fit") + dt.timedelta(days=1)
    real_parse = services.read_activity_file
    outage = [True]

    def parse_during_an_outage(stream, **kwargs):
        if outage.pop() if outage else False:
            raise OperationalError("server closed the connection unexpectedly")
        return real_parse(stream, **kwargs)

    monkeypatch.setattr(services, "read_activity_file", parse_during_an_outage)

    with pytest.raises(OperationalError):
        process(made, now)
    assert ActivityUpload.objects.get().state == UploadState.PARSING
    assert process(made, now).state == UploadState.DONE  # the retry
    assert Run.objects.count() == 1


def test_a_missing_file_is_a_failure_not_a_crash():
    participant = runner_for("slither-running.fit")
    made = upload(participant, fixture("slither-running.fit"))
    made.file.storage.delete(made.file.name)

    result = process(made, start_of("slither-running.fit") + dt.timedelta(days=1))

    assert result.state == UploadState.FAILED
    assert not Run.objects.exists()


def test_lost_tasks_are_found_for_requeueing():
    participant = runner_for("slither-running.fit")
    now = dt.datetime.now(dt.UTC)
    rows = {}
    for label, state, seconds in [
        ("fresh-queued", UploadState.QUEUED, 3 * 60),
        ("lost-queued", UploadState.QUEUED, 3 * 60 + 1),
        ("busy", UploadState.PARSING, 5 * 60),
        ("dead", UploadState.PARSING, 5 * 60 + 1),
        ("done", UploadState.DONE, 60 * 60),
    ]:
        made = upload(participant, label.encode(), label)
        ActivityUpload.objects.filter(pk=made.pk).update(
            state=state, updated_at=now - dt.timedelta(seconds=seconds)
        )
        rows[label] = made.pk
    assert selectors.activity_uploads_stalled(now=now) == [rows["lost-queued"], rows["dead"]]


# Storage, limits and retention ------------------------------------------------------------


def test_the_file_is_stored_under_a_random_name_in_the_participants_folder():
    participant = runner_for("slither-running.fit")
    data = fixture("slither-running.fit")
    made = upload(participant, data, "../../etc/Morning Run.fit")

    assert made.original_name == "Morning Run.fit"
    assert made.file.name.startswith(f"activity-files/{participant.pk}/")
    assert "Morning" not in made.file.name
    assert made.sha256 == hashlib.sha256(data).hexdigest()
    assert made.size_bytes == len(data)
    with made.file.open("rb") as stored:
        assert stored.read() == data


def test_uploads_per_day_and_in_all_are_limited(monkeypatch):
    participant = runner_for("slither-running.fit")
    monkeypatch.setattr(services, "UPLOADS_PER_DAY", 3)
    outcome = services.activity_uploads_create(
        participant=participant,
        files=[as_upload(f"file {n}".encode(), f"{n}.gpx") for n in range(5)],
    )
    assert len(outcome.created) == 3
    assert [r.message for r in outcome.refused] == [
        "You have uploaded 3 files in the last 24 hours; try again later."
    ] * 2

    # A day later there is room again, up to the overall limit.
    monkeypatch.setattr(services, "UPLOADS_MAX", 4)
    tomorrow = dt.datetime.now(dt.UTC) + dt.timedelta(days=1, minutes=1)
    outcome = services.activity_uploads_create(
        participant=participant,
        files=[as_upload(f"more {n}".encode(), f"more{n}.gpx") for n in range(2)],
        now=tomorrow,
    )
    assert len(outcome.created) == 1
    assert [r.message for r in outcome.refused] == ["You have reached the limit of 4 uploads."]


def test_raw_files_are_deleted_after_the_retention_and_the_runs_stay(settings):
    participant = runner_for("slither-running.fit")
    made = upload(participant, fixture("slither-running.fit"))
    process(made, start_of("slither-running.fit") + dt.timedelta(days=1))
    queued = upload(participant, fixture("slither-running.tcx"))
    now = dt.datetime.now(dt.UTC)
    ActivityUpload.objects.update(created_at=now - dt.timedelta(days=31))

    settings.ACTIVITY_FILE_RETENTION_DAYS = 32
    assert services.activity_files_delete_expired(now=now) == 0
    settings.ACTIVITY_FILE_RETENTION_DAYS = 30
    assert services.activity_files_delete_expired(now=now) == 1
    assert services.activity_files_delete_expired(now=now) == 0  # twice changes nothing

    made.refresh_from_db()
    assert made.file.name == "" and made.file_deleted_at == now
    assert file_exists(queued)  # still waiting to be read: kept
    assert Run.objects.get().track.upload == made
    assert RunTrack.objects.count() == 1


def test_deleting_the_account_deletes_routes_and_raw_files(django_capture_on_commit_callbacks):
    participant = runner_for("slither-running.fit")
    made = upload(participant, fixture("slither-running.fit"))
    process(made, start_of("slither-running.fit") + dt.timedelta(days=1))
    storage, name = made.file.storage, made.file.name
    export = account_data_export(user=participant.user)
    [participation] = export["participations"]
    assert participation["uploaded_files"][0]["original_name"] == "run.gpx"
    assert len(participation["runs"][0]["track__points"]) == 500

    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=participant.user)

    assert not ActivityUpload.objects.exists()
    assert not RunTrack.objects.exists()
    assert not storage.exists(name)
    assert Run.objects.get().distance_m == 7864  # the anonymous aggregate stays


def test_the_synthetic_run_round_trips_through_the_import():
    start = dt.datetime(2024, 5, 1, 6, tzinfo=dt.UTC)
    participant = ParticipantFactory(programme=programme_around(start), units="mi")
    made = upload(participant, synthetic_gpx(1801, start=start))
    assert process(made, start + dt.timedelta(hours=2)).state == UploadState.DONE
    run = Run.objects.get()
    assert (run.distance_m, run.duration_s) == (5400, 1800)
    splits = RunTrack.objects.get(run=run).splits_s
    assert len(splits) == 5 and all(333 <= split <= 334 for split in splits)  # 3 m/s


def test_a_failure_while_storing_leaves_no_row_no_file_and_queues_nothing(
    monkeypatch, upload_root, django_capture_on_commit_callbacks
):
    participant = runner_for("slither-running.fit")
    real_save = ActivityUpload.save
    saved = []

    def save_that_fails_the_second_time(self, *args, **kwargs):
        saved.append(self.original_name)
        if len(saved) == 2:
            raise OSError("disk full")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(ActivityUpload, "save", save_that_fails_the_second_time)

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(OSError):
        services.activity_uploads_create(
            participant=participant,
            files=[as_upload(b"one", "one.gpx"), as_upload(b"two", "two.gpx")],
        )

    assert saved == ["one.gpx", "two.gpx"]
    assert callbacks == []
    assert not ActivityUpload.objects.exists()
    assert not [path for path in upload_root.rglob("*") if path.is_file()]


def test_the_task_has_time_limits_for_parsing_and_beat_does_the_housekeeping(settings):
    assert tasks.import_activity_file.soft_time_limit == 60
    assert tasks.import_activity_file.time_limit == 90
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "imports.tasks.delete_expired_activity_files",
        "imports.tasks.requeue_stalled_imports",
    } <= scheduled
    assert settings.ACTIVITY_FILE_RETENTION_DAYS == 30


def test_the_housekeeping_tasks_call_their_services(
    monkeypatch, django_capture_on_commit_callbacks
):
    participant = runner_for("slither-running.fit")
    made = upload(participant, fixture("slither-running.fit"))
    ActivityUpload.objects.filter(pk=made.pk).update(
        updated_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    )
    requeued = []
    monkeypatch.setattr(tasks.import_activity_file, "delay", requeued.append)

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.requeue_stalled_imports() == 1
    assert requeued == [made.pk]
    assert tasks.delete_expired_activity_files() == 0  # queued, and not old: kept


# What counts as a run: the programme's minimum and walks ----------------------------------------

HIKE_START = dt.datetime(2024, 5, 1, 9, tzinfo=dt.UTC)
SIXTEEN_MINUTES_PER_KM = 1000 / 960


def untyped_hike():
    """Two timed stretches at 16:00 per km, and the longest stretch with no times at all."""
    return outing_gpx(
        [
            (HIKE_START, 2400, SIXTEEN_MINUTES_PER_KM, True),
            (HIKE_START + dt.timedelta(hours=1), 5400, SIXTEEN_MINUTES_PER_KM, False),
            (HIKE_START + dt.timedelta(hours=3), 2400, SIXTEEN_MINUTES_PER_KM, True),
        ]
    )


def import_bytes(data, start, **programme_fields):
    participant = ParticipantFactory(
        programme=programme_around(start, **programme_fields), time_zone="UTC"
    )
    result = process(upload(participant, data), start + dt.timedelta(days=1))
    return participant, result


def test_a_two_metre_one_second_recording_is_refused_like_a_typed_one():
    start = dt.datetime(2024, 5, 1, 6, tzinfo=dt.UTC)
    data = outing_gpx([(start, 1, 2.0, True)], step_s=1)
    [activity] = parse_activity_file(data, now=start + dt.timedelta(days=1))
    assert (activity.distance_m, activity.duration_s) == (2, 1)

    _participant, result = import_bytes(data, start)

    assert result.state == UploadState.REFUSED
    assert result.message == "It is shorter than 0.50 km, the shortest run that counts."
    assert not Run.objects.exists()


def test_the_programme_sets_the_shortest_run_and_a_file_keeps_its_longer_runs():
    start = dt.datetime(2024, 5, 1, 6, tzinfo=dt.UTC)
    data = outing_gpx(
        [(start, 600, 3.0, True), (start + dt.timedelta(hours=2), 1800, 3.0, True)], kind="run"
    )

    _participant, result = import_bytes(data, start, run_min_distance_m=3_000)

    assert result.state == UploadState.DONE
    assert result.message == "1 run imported. 1 activity was left out; see why below."
    assert [(row["distance_m"], row["reason"]) for row in result.skipped] == [
        (1800, "It is shorter than 3.00 km, the shortest run that counts.")
    ]
    [run] = Run.objects.all()
    assert run.distance_m == pytest.approx(5400, abs=5)


def test_an_untyped_hike_is_not_imported_and_every_stretch_says_why():
    _participant, result = import_bytes(untyped_hike(), HIKE_START)

    assert result.state == UploadState.REFUSED
    assert result.message == "None of the 3 activities in this file counts as a run."
    walk = "At 16:00 per km this looks like a walk, and walks do not count in this programme."
    no_times = (
        "The activity's track points have no timestamps, so its time and duration are unknown."
    )
    assert [row["reason"] for row in result.skipped] == [walk, walk, no_times]
    assert result.skipped[0]["started_at"] == HIKE_START.isoformat()
    assert not Run.objects.exists()


def test_where_walks_count_the_hike_imports_and_names_the_stretch_it_could_not_read():
    _participant, result = import_bytes(untyped_hike(), HIKE_START, walks_count=True)

    assert result.state == UploadState.DONE
    assert result.message == "2 runs imported. 1 activity was left out; see why below."
    [skipped] = result.skipped
    assert skipped["started_at"] is None and "no timestamps" in skipped["reason"]
    assert Run.objects.count() == 2


def test_an_explicit_walk_counts_only_where_walks_count():
    name = "fitparse-garmin-fenix-5-walk.fit"
    [walk] = parse_activity_file(
        fixture(name), now=dt.datetime(2030, 1, 1, tzinfo=dt.UTC), walks_count=True
    )
    participant, refused = import_bytes(fixture(name), walk.started_at)
    assert refused.state == UploadState.REFUSED
    assert refused.message == "This is a walking activity, not a run."

    programme = participant.programme
    programme.walks_count = True
    programme.run_min_distance_m, programme.run_min_duration_s = 1, 1  # a very short walk
    programme.save(update_fields=["walks_count", "run_min_distance_m", "run_min_duration_s"])
    ActivityUpload.objects.all().delete()
    result = process(
        upload(participant, fixture(name), name), walk.started_at + dt.timedelta(days=1)
    )
    assert result.state == UploadState.DONE, result.message
    assert Run.objects.get().distance_m == walk.distance_m
