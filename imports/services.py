"""Activity files: store an upload, read it into runs through programme's rules, tidy up."""

import hashlib
import logging
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.units import format_duration
from programme.errors import ProgrammeError
from programme.models import Programme, ReviewStatus, Source
from programme.selectors import moment_text
from programme.services import participant_lock, run_log, run_too_short_reason
from programme.services.runs import IMPOSSIBLE_PACE_S_PER_KM, REVIEW_PACE_S_PER_KM

from .activity_files import (
    MAX_ACTIVITIES_PER_FILE,
    ActivityFileError,
    SkippedActivity,
    read_activity_file,
)
from .models import (
    UPLOAD_FINAL_STATES,
    UPLOAD_HOLDING_STATES,
    ActivityUpload,
    RunTrack,
    UploadState,
)
from .selectors import upload_counts
from .uploads import UPLOADS_MAX, UPLOADS_PER_DAY

# A track that holds a pace faster than the manual-run rules allow, for a minute or more.
SUSTAINED_IMPOSSIBLE_MPS = 1000 / IMPOSSIBLE_PACE_S_PER_KM
SUSTAINED_REVIEW_MPS = 1000 / REVIEW_PACE_S_PER_KM
# A file whose processing crashed the worker this many times is marked failed, not retried.
IMPORT_MAX_ATTEMPTS = 3

logger = logging.getLogger(__name__)


@dataclass
class UploadRefusal:
    """A file not even queued: ``existing`` is the upload that already holds the same file."""

    name: str
    message: str
    existing: ActivityUpload | None = None


@dataclass
class UploadOutcome:
    created: list = field(default_factory=list)
    refused: list = field(default_factory=list)


def upload_display_name(name):
    """The person's file name, for display only: no path, no control characters, bounded."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable()).strip()
    return name[:255] or _("(no name)")


def _sha256(uploaded):
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


def _over_upload_limits(today, total):
    """Why one more upload is refused, or ''."""
    if total >= UPLOADS_MAX:
        return _("You have reached the limit of %(limit)s uploads.") % {"limit": UPLOADS_MAX}
    if today >= UPLOADS_PER_DAY:
        return _("You have uploaded %(limit)s files in the last 24 hours; try again later.") % {
            "limit": UPLOADS_PER_DAY
        }
    return ""


def activity_uploads_create(*, participant, files, now=None):
    """Store each uploaded file under a random name and record it, queued for reading.

    Files over the participant's limits, and files already imported (same content, by
    SHA-256), are refused with the reason. Returns an ``UploadOutcome``; the caller queues
    the created uploads (the row is the queue: a sweep reads any whose task was lost). If
    the transaction fails, the files stored so far are deleted.
    """
    now = now or timezone.now()
    hashed = [(uploaded, _sha256(uploaded)) for uploaded in files]  # streamed, outside the lock
    outcome = UploadOutcome()
    batch = uuid.uuid4()
    stored = []
    try:
        with transaction.atomic():
            participant = participant_lock(participant)
            today, total = upload_counts(participant=participant, now=now)
            for uploaded, digest in hashed:
                name = upload_display_name(uploaded.name)
                if reason := _over_upload_limits(today, total):
                    outcome.refused.append(UploadRefusal(name, reason))
                    continue
                existing = ActivityUpload.objects.filter(
                    participant=participant, sha256=digest, state__in=UPLOAD_HOLDING_STATES
                ).first()
                if existing is not None or digest in {u.sha256 for u in outcome.created}:
                    outcome.refused.append(
                        UploadRefusal(name, _("This file was already imported."), existing)
                    )
                    continue
                upload = ActivityUpload(
                    participant=participant,
                    original_name=name,
                    size_bytes=uploaded.size,
                    sha256=digest,
                    batch=batch,
                )
                upload.file.save("upload", uploaded, save=False)
                stored.append(upload.file)
                upload.save()
                outcome.created.append(upload)
                today, total = today + 1, total + 1
    except BaseException:
        for stored_file in stored:
            stored_file.storage.delete(stored_file.name)
        raise
    return outcome


def _finish_upload(upload_id, state, message, now, skipped=()):
    """Record how an upload ended, unless another attempt already did."""
    return ActivityUpload.objects.filter(pk=upload_id, state=UploadState.PARSING).update(
        state=state,
        message=str(message)[:500],
        skipped=_skipped_rows(skipped),
        updated_at=now,
    )


def _skipped_rows(skipped):
    """The activities left out, as the upload stores them (at most one file's worth)."""
    return [
        {
            "sport": item.sport,
            "started_at": item.started_at.isoformat() if item.started_at else None,
            "distance_m": item.distance_m,
            "reason": str(item.reason)[:300],
        }
        for item in list(skipped)[:MAX_ACTIVITIES_PER_FILE]
    ]


def _too_short(activities, programme, units):
    """(activities long enough to count, [SkippedActivity] for the others): the same
    minimum distance and duration as a typed run, from the programme."""
    kept, skipped = [], []
    for activity in activities:
        reason = run_too_short_reason(
            programme=programme,
            distance_m=activity.distance_m,
            duration_s=activity.duration_s,
            units=units,
        )
        if reason:
            sport = activity.sport or "activity"
            skipped.append(SkippedActivity(sport, activity.started_at, activity.distance_m, reason))
        else:
            kept.append(activity)
    return kept, skipped


def track_hold_reason(speed_mps):
    """Why a track's best sustained speed holds its run for review, or ''."""
    if speed_mps <= SUSTAINED_REVIEW_MPS:
        return ""
    return _("The track holds a stretch faster than %(limit)s per km (%(pace)s per km).") % {
        "limit": format_duration(REVIEW_PACE_S_PER_KM),
        "pace": format_duration(1000 / speed_mps),
    }


def run_track_hold_reason(run):
    """Registered with programme: an edited run keeps the hold its track earned."""
    track = RunTrack.objects.filter(run=run).only("max_sustained_speed_mps").first()
    return track_hold_reason(track.max_sustained_speed_mps) if track else ""


def _sustained_speed_check(activity):
    """Refuse a track no runner could have made; else the hold reason ('' if none)."""
    speed = activity.max_sustained_speed_mps
    if speed > SUSTAINED_IMPOSSIBLE_MPS:
        raise ProgrammeError(
            _(
                "The track holds a stretch at %(pace)s per km, faster than any runner can keep "
                "up: was it recorded on a bike or in a car?"
            )
            % {"pace": format_duration(1000 / speed)}
        )
    return track_hold_reason(speed)


def run_from_activity(*, participant, activity, now, upload=None):
    """One parsed activity (from a file, or from Strava) as a run with its track.

    The same rules as a typed run (pace, duplicates, the week it counts for), plus the
    track's sustained-speed check; raises ``ProgrammeError`` with the reason it was refused.
    """
    run = run_log(
        participant=participant,
        started_at=activity.started_at,
        distance_m=activity.distance_m,
        duration_s=activity.duration_s,
        source=Source(activity.format),
        elevation_gain_m=activity.elevation_gain_m,
        held_reason=_sustained_speed_check(activity),
        now=now,
    )
    RunTrack.objects.create(
        run=run,
        upload=upload,
        points=[[round(lat, 6), round(lon, 6)] for lat, lon in activity.track],
        splits_s=list(activity.splits_s),
        max_sustained_speed_mps=activity.max_sustained_speed_mps,
        point_count=activity.point_count,
    )
    return run


def _done_message(runs, skipped):
    held = sum(1 for run in runs if run.status == ReviewStatus.HELD)
    message = ngettext("%(count)s run imported.", "%(count)s runs imported.", len(runs)) % {
        "count": len(runs)
    }
    if held:
        message += " " + ngettext(
            "%(count)s is held for review.", "%(count)s are held for review.", held
        ) % {"count": held}
    if skipped:
        message += " " + ngettext(
            "%(count)s activity was left out; see why below.",
            "%(count)s activities were left out; see why below.",
            len(skipped),
        ) % {"count": len(skipped)}
    return message


def _nothing_counted(skipped):
    """The refusal of a file none of whose activities counts, with each one's reason."""
    if len(skipped) == 1:
        return ProgrammeError(skipped[0].reason)
    return ProgrammeError(
        _("None of the %(count)s activities in this file counts as a run.")
        % {"count": len(skipped)}
    )


def _write_runs(*, upload_id, activities, skipped=(), now):
    """All the file's runs and the upload's "done", in one transaction — or nothing at all.

    One refused activity refuses the whole file, naming the activity: a partly imported file
    could not simply be uploaded again once the problem is fixed.
    """
    # The parser already refuses a file of more activities, as it reads; this keeps the
    # transaction bounded whatever hands it a list.
    if len(activities) > MAX_ACTIVITIES_PER_FILE:
        raise ProgrammeError(
            _("The file holds %(count)s runs; at most %(limit)s can be imported from one file.")
            % {"count": len(activities), "limit": MAX_ACTIVITIES_PER_FILE}
        )
    with transaction.atomic():
        upload = ActivityUpload.objects.select_related("participant").get(pk=upload_id)
        participant = participant_lock(upload.participant)
        upload = ActivityUpload.objects.select_for_update().get(pk=upload_id)
        if upload.state != UploadState.PARSING:
            return upload  # another attempt finished it first
        activities, too_short = _too_short(activities, participant.programme, participant.units)
        skipped = sorted(
            [*skipped, *too_short],
            key=lambda item: (item.started_at is None, item.started_at or now),
        )
        if not activities:
            raise _NothingCounted(_nothing_counted(skipped).message, skipped)
        runs = []
        for number, activity in enumerate(activities, start=1):
            try:
                runs.append(
                    run_from_activity(
                        upload=upload, participant=participant, activity=activity, now=now
                    )
                )
            except ProgrammeError as error:
                if len(activities) == 1:
                    raise
                raise ProgrammeError(
                    _(
                        "Run %(number)s of %(count)s in this file (started %(moment)s): "
                        "%(reason)s Nothing from this file was imported."
                    )
                    % {
                        "number": number,
                        "count": len(activities),
                        "moment": moment_text(activity.started_at, participant),
                        "reason": error.message,
                    }
                ) from error
        upload.state = UploadState.DONE
        upload.message = _done_message(runs, skipped)
        upload.skipped = _skipped_rows(skipped)
        upload.save(update_fields=["state", "message", "skipped", "updated_at"])
    return upload


def activity_upload_process(*, upload_id, now=None):
    """Read an uploaded file and turn it into runs; safe to call any number of times.

    The upload is claimed with a conditional update (queued → reading); one left "reading"
    by a worker that died is claimed again, at most IMPORT_MAX_ATTEMPTS times. A finished
    upload is left alone. A refused file (not a run, broken, hostile, against the run rules)
    ends "refused" with the reason; anything unexpected ends "failed" — with no run made.
    Database outages are raised for the task to retry.
    """
    now = now or timezone.now()
    claimed = ActivityUpload.objects.filter(
        pk=upload_id,
        state__in=[UploadState.QUEUED, UploadState.PARSING],
        attempts__lt=IMPORT_MAX_ATTEMPTS,
    ).update(state=UploadState.PARSING, attempts=F("attempts") + 1, updated_at=now)
    if not claimed:
        ActivityUpload.objects.filter(
            pk=upload_id, state__in=[UploadState.QUEUED, UploadState.PARSING]
        ).update(
            state=UploadState.FAILED,
            message=_("This file could not be read after several attempts; nothing was imported."),
            updated_at=now,
        )
        return ActivityUpload.objects.filter(pk=upload_id).first()
    try:
        upload = ActivityUpload.objects.get(pk=upload_id)
        walks_count = (
            Programme.objects.filter(participants=upload.participant_id)
            .values_list("walks_count", flat=True)
            .get()
        )
        with upload.file.open("rb") as stream:
            reading = read_activity_file(stream, now=now, walks_count=walks_count)
        return _write_runs(
            upload_id=upload_id,
            activities=reading.activities,
            skipped=reading.skipped,
            now=now,
        )
    except ActivityFileError as error:
        if isinstance(error.__cause__, SoftTimeLimitExceeded):
            _finish_upload(upload_id, UploadState.FAILED, _too_slow_message(), now)
        else:
            _finish_upload(upload_id, UploadState.REFUSED, error.message, now, error.skipped)
    except _NothingCounted as error:
        _finish_upload(upload_id, UploadState.REFUSED, error.message, now, error.skipped)
    except ProgrammeError as error:
        _finish_upload(upload_id, UploadState.REFUSED, error.message, now)
    except SoftTimeLimitExceeded:
        _finish_upload(upload_id, UploadState.FAILED, _too_slow_message(), now)
    except (OperationalError, InterfaceError):
        raise  # temporary: the task retries, and the retry claims the upload again
    except Exception:
        logger.exception("Importing activity upload %s failed", upload_id)
        _finish_upload(
            upload_id,
            UploadState.FAILED,
            _(
                "Something went wrong while importing this file; nothing was saved. Try again later."
            ),
            now,
        )
    return ActivityUpload.objects.filter(pk=upload_id).first()


class _NothingCounted(ProgrammeError):
    """No activity of the file counts: the upload is refused, listing each with its reason."""

    def __init__(self, message, skipped):
        super().__init__(message)
        self.skipped = skipped


def _too_slow_message():
    return _("Reading this file took too long; nothing was imported.")


def activity_files_delete_expired(*, now=None, days=None):
    """Delete the raw files of finished uploads older than the retention; the runs stay."""
    now = now or timezone.now()
    days = settings.ACTIVITY_FILE_RETENTION_DAYS if days is None else days
    expired = (
        ActivityUpload.objects.filter(
            state__in=UPLOAD_FINAL_STATES, created_at__lt=now - timedelta(days=days)
        )
        .exclude(file="")
        .only("pk", "file")
    )
    deleted = 0
    for upload in expired.iterator():
        # File first: if the update then fails, the next run deletes nothing and updates.
        upload.file.storage.delete(upload.file.name)
        deleted += ActivityUpload.objects.filter(pk=upload.pk).update(file="", file_deleted_at=now)
    return deleted
