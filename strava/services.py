"""Strava's side of the programme: connections, webhook events, and the work they cause.

Everything the app must do with Strava is a ``StravaJob`` row first; ``jobs_run`` works
through due rows within the rate limits. A job is leased (its ``due_at`` moved ahead) before
its requests are sent, so a worker that dies mid-job only delays it, and finishing a job
twice changes nothing: activities are keyed by Strava's id.
"""

import datetime as dt
import logging

from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from imports.activity_files import ActivityFileError
from imports.models import RunTrack
from imports.services import run_from_activity
from programme.errors import ProgrammeError
from programme.selectors import participant_for
from programme.services import run_delete, run_update

from . import client
from .mapping import RUN_SPORTS, WALK_SPORTS, parsed_activity, sport_refusal
from .models import ActivityState, JobKind, StravaActivity, StravaJob, StravaLink
from .quota import next_opening, quota_exhausted, quota_record, requests_available
from .tokens import NoToken, access_token

logger = logging.getLogger(__name__)

#: A claimed job is due again after this, should its worker die.
LEASE = dt.timedelta(minutes=5)
#: Requests one job may need (activity + streams, or a token refresh and a page).
REQUESTS_PER_JOB = 3
#: After this many failed attempts a job gives up and says why.
MAX_ATTEMPTS = 8
BACKFILL_PAGE_SIZE = 100


# Connections ------------------------------------------------------------------------------


def link_connected(*, user, athlete_id, scope, now):
    """allauth stored the tokens; remember the athlete and what the person allowed."""
    link, _ = StravaLink.objects.update_or_create(
        user=user, defaults={"athlete_id": athlete_id, "scope": scope[:200], "connected_at": now}
    )
    return link


def backfill_request(*, user, now):
    """Queue the import of runs already on Strava from the programme's open weeks."""
    link = StravaLink.objects.filter(user=user).first()
    if link is None or participant_for(user) is None:
        return None
    with transaction.atomic():
        link.backfill_requested_at, link.backfill_done_at = now, None
        link.save(update_fields=["backfill_requested_at", "backfill_done_at"])
        job = _job_add(JobKind.BACKFILL, athlete_id=link.athlete_id, object_id=1, now=now)
    return job


def disconnect(*, user, now):
    """Revoke the token at Strava (as far as Strava answers) and forget the connection."""
    link = StravaLink.objects.filter(user=user).first()
    if link is None:
        return False
    try:
        response = client.deauthorize(access_token(link.athlete_id, now=now))
        quota_record(response.limits, now)
    except (client.StravaError, NoToken) as error:
        # The token is deleted here whatever Strava said; it cannot be used again by us.
        logger.warning("Strava deauthorize for athlete %s failed: %s", link.athlete_id, error)
    athlete_forget(athlete_id=link.athlete_id)
    return True


def athlete_forget(*, athlete_id):
    """Delete what the app holds of a Strava athlete except the runs the person kept.

    Strava's API Agreement: when a person revokes access, their Strava personal data is
    deleted unless they agreed to keep it. People agree, when connecting, that imported runs
    stay in the programme as their entries (distance, time, week); the athlete profile, the
    tokens, the routes and splits go. Activity ids of runs deleted here stay, ids only, so
    those runs are never imported again.
    """
    with transaction.atomic():
        RunTrack.objects.filter(run__strava_activity__athlete_id=athlete_id).delete()
        StravaActivity.objects.filter(athlete_id=athlete_id, run__isnull=False).delete()
        StravaActivity.objects.filter(athlete_id=athlete_id).exclude(
            state=ActivityState.IMPORTED
        ).delete()
        StravaJob.objects.filter(athlete_id=athlete_id, done_at__isnull=True).delete()
        StravaLink.objects.filter(athlete_id=athlete_id).delete()
        # Deleting the account deletes its tokens (SocialToken cascades).
        SocialAccount.objects.filter(provider="strava", uid=str(athlete_id)).delete()


# Webhook ----------------------------------------------------------------------------------


class EventRefused(Exception):
    """The webhook body is not a Strava event this app understands."""


def webhook_event_receive(*, event, now):
    """Turn one webhook event into a job (or none); returns the job or None.

    Strava retries an event it got no 200 for; a pending job for the same object absorbs
    the retry. Events for athletes who are not connected are ignored.
    """
    try:
        object_type = event["object_type"]
        aspect = event["aspect_type"]
        object_id = int(event["object_id"])
        owner_id = int(event["owner_id"])
        updates = event.get("updates") or {}
    except (KeyError, TypeError, ValueError) as error:
        raise EventRefused("Not a Strava event.") from error
    if not isinstance(updates, dict):
        raise EventRefused("Not a Strava event.")
    if not StravaLink.objects.filter(athlete_id=owner_id).exists():
        return None
    if object_type == "athlete":
        if str(updates.get("authorized", "")).lower() == "false":
            return _job_add(JobKind.DEAUTHORIZE, athlete_id=owner_id, object_id=0, now=now)
        return None
    if object_type != "activity":
        return None
    if aspect == "delete":
        return _job_add(JobKind.DELETE, athlete_id=owner_id, object_id=object_id, now=now)
    if aspect in ("create", "update"):
        return _job_add(JobKind.ACTIVITY, athlete_id=owner_id, object_id=object_id, now=now)
    return None


def _job_add(kind, *, athlete_id, object_id, now):
    try:
        with transaction.atomic():
            return StravaJob.objects.create(
                kind=kind, athlete_id=athlete_id, object_id=object_id, due_at=now
            )
    except IntegrityError:
        # One pending job per object: make it due now (an update after a create, say).
        StravaJob.objects.filter(
            kind=kind, athlete_id=athlete_id, object_id=object_id, done_at__isnull=True
        ).update(due_at=now)
        return None


# The work queue ---------------------------------------------------------------------------


def _claim(job_id, now):
    """Lease one due job; False if another worker has it."""
    return bool(
        StravaJob.objects.filter(pk=job_id, done_at__isnull=True, due_at__lte=now).update(
            due_at=now + LEASE, attempts=F("attempts") + 1
        )
    )


def _finish(job, now, error=""):
    StravaJob.objects.filter(pk=job.pk).update(done_at=now, last_error=str(error)[:300])


def _retry_later(job, now, error):
    attempts = job.attempts + 1
    if attempts >= MAX_ATTEMPTS:
        _finish(job, now, error)
        return
    delay = dt.timedelta(minutes=min(360, 2**attempts))
    StravaJob.objects.filter(pk=job.pk).update(due_at=now + delay, last_error=str(error)[:300])


def jobs_due(now, limit):
    return list(
        StravaJob.objects.filter(done_at__isnull=True, due_at__lte=now).order_by("due_at", "pk")[
            :limit
        ]
    )


def jobs_run(*, now=None, limit=100):
    """Run due jobs while the quota allows; returns {"done": n, "waiting": reason or ""}.

    Jobs that need no request (deletes) always run; the others stop at
    the quota and wait, due, for the next window: a backfill of ten thousand athletes is
    spread over as many windows as it needs.
    """
    now = now or timezone.now()
    done = 0
    # Batches, until nothing is due: a backfill page adds jobs that are due at once.
    while done < limit and (batch := jobs_due(now, min(20, limit - done))):
        for job in batch:
            needs_requests = job.kind != JobKind.DELETE
            if needs_requests and requests_available(now) < REQUESTS_PER_JOB:
                return {"done": done, "waiting": "quota", "resume_at": next_opening(now)}
            if not _claim(job.pk, now):
                continue
            try:
                _JOB_RUNNERS[job.kind](job, now)
            except client.RateLimited as limited:
                paused_until = quota_exhausted(limited.limits, now)
                StravaJob.objects.filter(pk=job.pk).update(
                    due_at=paused_until, attempts=job.attempts
                )
                return {"done": done, "waiting": "rate limited", "resume_at": paused_until}
            except (client.StravaError, NoToken) as error:
                logger.info("Strava job %s will be retried: %s", job.pk, error)
                _retry_later(job, now, error)
                continue
            _finish(job, now)
            done += 1
    return {"done": done, "waiting": "", "resume_at": None}


def _deauthorize_job(job, now):
    """Forget the athlete once Strava confirms the token is revoked.

    Anyone can post to the webhook address; asking Strava keeps a forged event from
    disconnecting somebody.
    """
    try:
        response = client.athlete_get(access_token(job.athlete_id, now=now))
    except (client.Unauthorized, NoToken):
        athlete_forget(athlete_id=job.athlete_id)
        return
    quota_record(response.limits, now)
    logger.warning("Ignored a deauthorization of athlete %s: the token works", job.athlete_id)


def _delete_job(job, now):
    record = StravaActivity.objects.filter(activity_id=job.object_id).first()
    if record is not None:
        _withdraw(record, _("Deleted on Strava."), now)


def _withdraw(record, reason, now):
    """The activity no longer counts here: its run goes (through the one service)."""
    if record.run_id is not None:
        try:
            run_delete(run=record.run, now=now)
        except ProgrammeError as error:
            # A run the organisers rejected stays as their decision; say so.
            reason = f"{reason} {error.message}"
    record.refresh_from_db()
    record.state, record.reason, record.updated_at = ActivityState.WITHDRAWN, reason[:300], now
    record.save(update_fields=["state", "reason", "updated_at"])


def _skip(*, job, link, reason, sport_type, now):
    StravaActivity.objects.update_or_create(
        activity_id=job.object_id,
        defaults={
            "athlete_id": job.athlete_id,
            "user": link.user,
            "state": ActivityState.SKIPPED,
            "reason": str(reason)[:300],
            "sport_type": sport_type,
            "updated_at": now,
        },
    )


def _activity_job(job, now):
    link = StravaLink.objects.select_related("user").filter(athlete_id=job.athlete_id).first()
    if link is None:
        return
    record = StravaActivity.objects.select_related("run").filter(activity_id=job.object_id).first()
    if record and record.state == ActivityState.IMPORTED and record.run_id is None:
        return  # its run was deleted here: never imported again
    token = access_token(job.athlete_id, now=now)
    try:
        response = client.activity_get(token, job.object_id)
    except client.NotFound:
        if record is not None and record.run_id is not None:
            _withdraw(record, _("No longer visible on Strava (deleted or made private)."), now)
        else:
            _skip(
                job=job,
                link=link,
                reason=_("Private on Strava, and you did not allow private activities."),
                sport_type="",
                now=now,
            )
        return
    quota_record(response.limits, now)
    activity = response.data
    sport_type = activity.get("sport_type") or activity.get("type") or ""
    participant = participant_for(link.user)
    reason = ""
    if participant is None:
        reason = _("You had not joined the programme.")
    elif activity.get("visibility") == "only_me" and not link.reads_private:
        reason = _("Private on Strava, and you did not allow private activities.")
    else:
        reason = sport_refusal(activity, walks_count=participant.programme.walks_count)
    if reason:
        if record is not None and record.run_id is not None:
            _withdraw(record, reason, now)
        else:
            _skip(job=job, link=link, reason=reason, sport_type=sport_type, now=now)
        return
    streams = []
    if not activity.get("manual"):
        streams_response = client.activity_streams_get(token, job.object_id)
        quota_record(streams_response.limits, now)
        streams = streams_response.data
    try:
        parsed = parsed_activity(activity, streams, now=now)
    except ActivityFileError as error:
        _skip(job=job, link=link, reason=str(error), sport_type=sport_type, now=now)
        return
    if record is not None and record.run_id is not None:
        _run_replace(record, participant, parsed, sport_type, now)
        return
    try:
        with transaction.atomic():
            run = run_from_activity(participant=participant, activity=parsed, now=now)
            StravaActivity.objects.update_or_create(
                activity_id=job.object_id,
                defaults={
                    "athlete_id": job.athlete_id,
                    "user": link.user,
                    "run": run,
                    "state": ActivityState.IMPORTED,
                    "reason": "",
                    "sport_type": sport_type,
                    "updated_at": now,
                },
            )
    except ProgrammeError as error:
        _skip(job=job, link=link, reason=error.message, sport_type=sport_type, now=now)


def _run_replace(record, participant, parsed, sport_type, now):
    """An activity edited on Strava: its run takes the new figures, through the services.

    An edit the run rules refuse changes nothing (track and run roll back together); the
    activity's record keeps the reason.
    """
    run = record.run
    try:
        with transaction.atomic():
            RunTrack.objects.update_or_create(
                run=run,
                defaults={
                    "points": [[round(lat, 6), round(lon, 6)] for lat, lon in parsed.track],
                    "splits_s": list(parsed.splits_s),
                    "max_sustained_speed_mps": parsed.max_sustained_speed_mps,
                    "point_count": parsed.point_count,
                },
            )
            run_update(
                run=run,
                started_at=parsed.started_at,
                distance_m=parsed.distance_m,
                duration_s=parsed.duration_s,
                notes=run.notes,
                effort=run.effort,
                now=now,
            )
    except ProgrammeError as error:
        StravaActivity.objects.filter(pk=record.pk).update(
            reason=error.message[:300], updated_at=now
        )
        return
    StravaActivity.objects.filter(pk=record.pk).update(
        sport_type=sport_type, reason="", updated_at=now
    )


def _backfill_job(job, now):
    """One page of the athlete's activities since the programme began; queues the runs."""
    link = StravaLink.objects.select_related("user").filter(athlete_id=job.athlete_id).first()
    participant = link and participant_for(link.user)
    if participant is None:
        return
    programme = participant.programme
    after = dt.datetime.combine(programme.starts_on, dt.time(), dt.UTC) - dt.timedelta(days=1)
    token = access_token(job.athlete_id, now=now)
    response = client.athlete_activities_list(
        token,
        after=int(after.timestamp()),
        before=int(now.timestamp()),
        page=job.object_id,
        per_page=BACKFILL_PAGE_SIZE,
    )
    quota_record(response.limits, now)
    activities = response.data or []
    sports = RUN_SPORTS | (WALK_SPORTS if programme.walks_count else set())
    seen = set(
        StravaActivity.objects.filter(activity_id__in=[a["id"] for a in activities]).values_list(
            "activity_id", flat=True
        )
    )
    wanted = [
        a["id"]
        for a in activities
        if (a.get("sport_type") or a.get("type")) in sports and a["id"] not in seen
    ]
    with transaction.atomic():
        StravaJob.objects.bulk_create(
            [
                StravaJob(kind=JobKind.ACTIVITY, athlete_id=job.athlete_id, object_id=i, due_at=now)
                for i in wanted
            ],
            ignore_conflicts=True,
        )
        if len(activities) >= BACKFILL_PAGE_SIZE:
            _job_add(
                JobKind.BACKFILL, athlete_id=job.athlete_id, object_id=job.object_id + 1, now=now
            )
        else:
            StravaLink.objects.filter(pk=link.pk).update(backfill_done_at=now)


_JOB_RUNNERS = {
    JobKind.ACTIVITY: _activity_job,
    JobKind.DELETE: _delete_job,
    JobKind.BACKFILL: _backfill_job,
    JobKind.DEAUTHORIZE: _deauthorize_job,
}


# The webhook subscription (one per application) -----------------------------------------


def strava_enabled():
    return settings.STRAVA_ENABLED


def webhook_address(path):
    return settings.SITE_URL.rstrip("/") + path


def subscriptions_show():
    return client.subscriptions_list().data or []


def subscription_create(callback_url):
    return client.subscription_create(callback_url).data["id"]


def subscriptions_delete():
    deleted = []
    for subscription in subscriptions_show():
        client.subscription_delete(subscription["id"])
        deleted.append(subscription["id"])
    return deleted
