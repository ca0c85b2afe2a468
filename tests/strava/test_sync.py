"""Strava activities into runs: the webhook, the work queue, and every rule a file import has."""

import datetime as dt
import json

import pytest
from allauth.socialaccount.models import SocialAccount, SocialToken
from django.utils import timezone

from imports.models import RunTrack
from programme.models import Run, Source
from programme.services import run_delete, run_log
from strava import services
from strava.models import ActivityState, JobKind, StravaActivity, StravaJob, StravaLink, StravaQuota
from strava.quota import next_window, requests_available

from .fixtures import ATHLETE_ID, connect
from .fixtures import strava_event as event

pytestmark = pytest.mark.django_db


def arrive(strava, activity_id, aspect="create"):
    """Strava posts the event; the queue is drained as the worker would."""
    services.webhook_event_receive(event=event(activity_id, aspect), now=timezone.now())
    return services.jobs_run(now=timezone.now())


def record(activity_id):
    return StravaActivity.objects.get(activity_id=activity_id)


def test_a_new_run_on_strava_becomes_a_counted_run_with_route_and_splits(connected, fake_strava):
    activity_id = fake_strava.activity_add(ATHLETE_ID, metres=5000, seconds=1800)

    assert arrive(fake_strava, activity_id)["done"] == 1

    run = Run.objects.get(participant=connected)
    assert (run.source, run.distance_m, run.duration_s) == (Source.STRAVA, 5000, 1800)
    assert run.level.number == 1
    track = RunTrack.objects.get(run=run)
    assert len(track.points) > 10 and len(track.splits_s) == 5
    assert record(activity_id).state == ActivityState.IMPORTED


def test_strava_retrying_an_event_adds_no_second_job_or_run(connected, fake_strava):
    activity_id = fake_strava.activity_add(ATHLETE_ID)
    for _ in range(3):
        services.webhook_event_receive(event=event(activity_id), now=timezone.now())
    assert StravaJob.objects.filter(done_at__isnull=True).count() == 1
    services.jobs_run(now=timezone.now())
    arrive(fake_strava, activity_id)  # and once more after it was done
    assert Run.objects.filter(participant=connected).count() == 1


def test_events_of_athletes_not_connected_are_ignored(connected, fake_strava):
    assert services.webhook_event_receive(event=event(1, owner=999), now=timezone.now()) is None
    assert not StravaJob.objects.exists()


@pytest.mark.parametrize("sport", ["Ride", "Swim", "Walk", "Hike"])
def test_other_sports_are_skipped_with_the_reason(connected, fake_strava, sport):
    activity_id = fake_strava.activity_add(ATHLETE_ID, sport_type=sport)
    arrive(fake_strava, activity_id)
    assert not Run.objects.exists()
    assert record(activity_id).state == ActivityState.SKIPPED
    assert sport.lower() in record(activity_id).reason.lower()


@pytest.mark.parametrize("sport", ["TrailRun", "VirtualRun"])
def test_trail_and_virtual_runs_count(connected, fake_strava, sport):
    arrive(fake_strava, fake_strava.activity_add(ATHLETE_ID, sport_type=sport))
    assert Run.objects.filter(participant=connected).count() == 1


def test_a_private_activity_without_the_scope_is_skipped_and_with_it_imported(runner, fake_strava):
    link = connect(runner, fake_strava)
    private = fake_strava.activity_add(ATHLETE_ID, visibility="only_me")
    arrive(fake_strava, private)
    assert record(private).state == ActivityState.SKIPPED
    assert "Private" in record(private).reason

    # Reconnected with private activities allowed: a new private run imports.
    SocialAccount.objects.filter(user=runner.user).delete()
    link.delete()
    connect(runner, fake_strava, scope="read,activity:read,activity:read_all")
    arrive(fake_strava, fake_strava.activity_add(ATHLETE_ID, visibility="only_me"))
    assert Run.objects.filter(participant=runner).count() == 1


def test_an_edit_on_strava_updates_the_run_and_a_change_of_sport_withdraws_it(
    connected, fake_strava
):
    activity_id = fake_strava.activity_add(ATHLETE_ID, metres=5000)
    arrive(fake_strava, activity_id)
    detail = fake_strava.activities[activity_id]["detail"]

    detail["distance"] = 6200.0
    arrive(fake_strava, activity_id, aspect="update")
    assert Run.objects.get(participant=connected).distance_m == 6200

    detail["sport_type"] = "Ride"
    arrive(fake_strava, activity_id, aspect="update")
    assert not Run.objects.filter(participant=connected).exists()
    assert record(activity_id).state == ActivityState.WITHDRAWN


def test_a_deleted_activity_withdraws_its_run(connected, fake_strava):
    activity_id = fake_strava.activity_add(ATHLETE_ID)
    arrive(fake_strava, activity_id)
    arrive(fake_strava, activity_id, aspect="delete")
    assert not Run.objects.exists()
    assert record(activity_id).state == ActivityState.WITHDRAWN


def test_a_run_deleted_here_is_not_imported_again(connected, fake_strava):
    activity_id = fake_strava.activity_add(ATHLETE_ID)
    arrive(fake_strava, activity_id)
    run_delete(run=Run.objects.get(), now=timezone.now())

    arrive(fake_strava, activity_id, aspect="update")
    assert not Run.objects.exists()


@pytest.mark.parametrize("source", [Source.MANUAL, Source.GPX])
def test_the_same_run_typed_or_uploaded_is_not_counted_twice(connected, fake_strava, source):
    start = timezone.now() - dt.timedelta(hours=2)
    run_log(
        participant=connected, started_at=start, distance_m=5000, duration_s=1800, source=source
    )
    activity_id = fake_strava.activity_add(ATHLETE_ID, start=start)

    arrive(fake_strava, activity_id)
    assert Run.objects.filter(participant=connected).count() == 1
    assert record(activity_id).state == ActivityState.SKIPPED
    assert record(activity_id).reason


def test_an_implausible_activity_is_refused_like_a_file(connected, fake_strava):
    # 20 km in 20 minutes: no runner, whatever Strava calls it.
    activity_id = fake_strava.activity_add(ATHLETE_ID, metres=20_000, seconds=1200)
    arrive(fake_strava, activity_id)
    assert not Run.objects.filter(status="counted").exists()


def test_an_expired_token_is_refreshed_and_stored(connected, fake_strava):
    old = SocialToken.objects.get().token
    fake_strava.expire_tokens()
    SocialToken.objects.update(expires_at=timezone.now() + dt.timedelta(minutes=1))

    arrive(fake_strava, fake_strava.activity_add(ATHLETE_ID))
    assert Run.objects.count() == 1
    assert SocialToken.objects.get().token != old


def test_a_429_storm_pauses_the_queue_until_the_next_window(connected, fake_strava):
    ids = [
        fake_strava.activity_add(ATHLETE_ID, start=timezone.now() - dt.timedelta(hours=h))
        for h in (2, 4, 6)
    ]
    fake_strava.refuse_next = 50
    now = timezone.now()
    for activity_id in ids:
        services.webhook_event_receive(event=event(activity_id), now=now)

    outcome = services.jobs_run(now=now)
    assert outcome["waiting"] == "rate limited"
    assert StravaQuota.objects.get().paused_until == next_window(now)
    assert requests_available(now) == 0
    assert len(fake_strava.requests) == 1  # it stopped at the first 429, no hammering

    fake_strava.refuse_next = 0
    later = next_window(now) + dt.timedelta(seconds=1)
    assert services.jobs_run(now=later)["done"] == 3
    assert Run.objects.count() == 3


def test_a_big_queue_is_spread_over_the_windows_not_refused(connected, fake_strava):
    fake_strava.short_limit = 20
    now = timezone.now()
    for hours in range(1, 41):
        activity_id = fake_strava.activity_add(
            ATHLETE_ID, start=now - dt.timedelta(hours=hours * 1.5), seconds=1500
        )
        services.webhook_event_receive(event=event(activity_id), now=now)

    first = services.jobs_run(now=now)
    assert first["waiting"] == "quota"
    assert 0 < first["done"] < 40
    assert fake_strava.short_usage <= 20  # never ran into the limit

    fake_strava.short_usage = 0  # Strava's next quarter hour
    windows = 1
    moment = now
    while StravaJob.objects.filter(done_at__isnull=True).exists() and windows < 10:
        moment = next_window(moment) + dt.timedelta(seconds=1)
        fake_strava.short_usage = 0
        services.jobs_run(now=moment)
        windows += 1
    assert not StravaJob.objects.filter(done_at__isnull=True).exists()
    assert windows > 2
    assert StravaActivity.objects.count() == 40


def test_backfill_imports_the_runs_recorded_since_the_programme_began(connected, fake_strava):
    now = timezone.now()
    for hours in (3, 30):
        fake_strava.activity_add(ATHLETE_ID, start=now - dt.timedelta(hours=hours))
    fake_strava.activity_add(ATHLETE_ID, sport_type="Ride", start=now - dt.timedelta(hours=5))
    fake_strava.activity_add(ATHLETE_ID, start=now - dt.timedelta(days=40))  # before it began

    services.backfill_request(user=connected.user, now=now)
    services.jobs_run(now=now)

    assert Run.objects.filter(participant=connected, source=Source.STRAVA).count() == 2
    assert StravaLink.objects.get().backfill_done_at is not None


def test_a_forged_deauthorization_changes_nothing(connected, fake_strava):
    services.webhook_event_receive(
        event=event(ATHLETE_ID, "update", "athlete", updates={"authorized": "false"}),
        now=timezone.now(),
    )
    services.jobs_run(now=timezone.now())
    assert StravaLink.objects.exists() and SocialToken.objects.exists()


def test_deauthorizing_on_strava_forgets_the_athlete_but_keeps_the_runs(connected, fake_strava):
    arrive(fake_strava, fake_strava.activity_add(ATHLETE_ID))
    fake_strava.route(
        "POST", "/oauth/deauthorize", {}, {"access_token": SocialToken.objects.get().token}, {}
    )

    services.webhook_event_receive(
        event=event(ATHLETE_ID, "update", "athlete", updates={"authorized": "false"}),
        now=timezone.now(),
    )
    services.jobs_run(now=timezone.now())

    assert not StravaLink.objects.exists()
    assert not SocialAccount.objects.exists() and not SocialToken.objects.exists()
    assert not RunTrack.objects.exists()  # routes and splits are Strava's personal data
    assert Run.objects.filter(participant=connected, source=Source.STRAVA).count() == 1


def test_the_event_body_must_be_a_strava_event(connected):
    with pytest.raises(services.EventRefused):
        services.webhook_event_receive(event={"object_id": "x"}, now=timezone.now())
    with pytest.raises(services.EventRefused):
        services.webhook_event_receive(event=json.loads("[1]"), now=timezone.now())


def test_jobs_need_no_request_when_they_only_withdraw(connected, fake_strava):
    activity_id = fake_strava.activity_add(ATHLETE_ID)
    arrive(fake_strava, activity_id)
    StravaQuota.objects.update(paused_until=timezone.now() + dt.timedelta(minutes=10))
    services.webhook_event_receive(event=event(activity_id, "delete"), now=timezone.now())
    services.jobs_run(now=timezone.now())
    assert not Run.objects.exists()
    assert StravaJob.objects.filter(kind=JobKind.DELETE, done_at__isnull=False).exists()


def test_beat_drains_jobs_whose_enqueue_was_lost(connected, fake_strava, settings):
    from strava.tasks import run_strava_jobs

    entry = settings.CELERY_BEAT_SCHEDULE["run-strava-jobs"]
    assert (entry["task"], entry["schedule"]) == ("strava.tasks.run_strava_jobs", 60.0)
    # The event was received (a row) but its message never reached a worker.
    activity_id = fake_strava.activity_add(ATHLETE_ID)
    services.webhook_event_receive(event=event(activity_id), now=timezone.now())
    assert run_strava_jobs.run() == 1  # what beat's minute tick runs
    assert Run.objects.filter(participant=connected).count() == 1


@pytest.mark.parametrize("sport", ["Walk", "Hike"])
def test_walks_count_where_the_programme_counts_them(connected, fake_strava, sport):
    connected.programme.walks_count = True
    connected.programme.save()
    # 5 km in 55 minutes: a brisk walk.
    arrive(fake_strava, fake_strava.activity_add(ATHLETE_ID, sport_type=sport, seconds=3300))
    assert Run.objects.filter(participant=connected, source=Source.STRAVA).count() == 1


def test_a_run_under_the_programme_s_minimum_is_skipped_with_the_reason(connected, fake_strava):
    activity_id = fake_strava.activity_add(ATHLETE_ID, metres=2, seconds=61)
    arrive(fake_strava, activity_id)
    assert not Run.objects.exists()
    assert record(activity_id).state == ActivityState.SKIPPED and record(activity_id).reason


def test_an_edit_the_run_rules_refuse_keeps_the_run_and_says_why(connected, fake_strava):
    activity_id = fake_strava.activity_add(ATHLETE_ID, metres=5000)
    arrive(fake_strava, activity_id)
    # Edited on Strava down to 100 m: under the programme's shortest run.
    fake_strava.activities[activity_id]["detail"]["distance"] = 100.0
    arrive(fake_strava, activity_id, aspect="update")
    assert Run.objects.get(participant=connected).distance_m == 5000
    assert record(activity_id).state == ActivityState.IMPORTED
    assert "shortest run" in record(activity_id).reason
