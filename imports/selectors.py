"""Reads for the import page, its status JSON, a run's track and the stalled-upload sweep."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.units import format_distance
from programme.models import Run

from . import uploads as limits
from .models import ActivityUpload, RunTrack, UploadState
from .sketch import route_sketch, splits_in_units

RECENT_UPLOADS = 20
# Queued this long without being picked up, or reading this long, means the task was lost
# (the sweep runs every minute). A file is picked up within seconds and read in a few; the
# task is killed at 90 s, and a retry after a database outage waits at most 160 s more
# (retry_backoff 10, five tries): "reading" for 5 minutes is past anything alive.
IMPORT_QUEUED_STALL = timedelta(minutes=3)
IMPORT_PARSING_STALL = timedelta(minutes=5)


def upload_counts(*, participant, now):
    """(uploads in the last 24 hours, uploads in all) for the limits."""
    counts = ActivityUpload.objects.filter(participant=participant).aggregate(
        today=Count("pk", filter=Q(created_at__gt=now - timedelta(days=1))),
        total=Count("pk"),
    )
    return counts["today"], counts["total"]


def upload_progress_step(state):
    """0 queued, 1 reading, 2 finished: each file's own <progress max="2">."""
    if state == UploadState.QUEUED:
        return 0
    if state == UploadState.PARSING:
        return 1
    return 2


def _with_runs(uploads):
    """Each upload's runs, oldest first, as ``upload.imported_runs`` (one more query)."""
    tracks = Prefetch(
        "tracks",
        queryset=RunTrack.objects.select_related("run").order_by("run__started_at"),
    )
    return uploads.prefetch_related(tracks)


def upload_runs(upload):
    return [track.run for track in upload.tracks.all()]


def recent_uploads_for(participant, limit=RECENT_UPLOADS):
    """The participant's latest uploads with the runs each made, in two queries."""
    return list(
        _with_runs(
            ActivityUpload.objects.filter(participant=participant).order_by("-created_at", "-pk")
        )[:limit]
    )


def first_run_of(upload):
    """The first run a (finished) upload made, or None: where "already imported" links."""
    return Run.objects.filter(track__upload=upload).order_by("started_at").first()


def batch_progress(uploads):
    """(finished, total) for the files of the latest batch among ``uploads``."""
    if not uploads:
        return 0, 0
    batch = [u for u in uploads if u.batch == uploads[0].batch]
    return sum(1 for u in batch if u.is_finished), len(batch)


def batch_summary(uploads):
    """One sentence on the latest batch as it stands: what is being read, what became of it.

    The page says this instead of a one-off "being imported" flash, so it never goes on
    promising an import after the files were refused.
    """
    if not uploads:
        return ""
    batch = [u for u in uploads if u.batch == uploads[0].batch]
    waiting = sum(1 for u in batch if not u.is_finished)
    if waiting:
        return ngettext(
            "%(count)s file is being read.", "%(count)s files are being read.", waiting
        ) % {"count": waiting}
    counts = {state: sum(1 for u in batch if u.state == state) for state in UploadState}
    parts = []
    if counts[UploadState.DONE]:
        parts.append(_("%(count)s imported") % {"count": counts[UploadState.DONE]})
    if counts[UploadState.REFUSED]:
        parts.append(_("%(count)s refused") % {"count": counts[UploadState.REFUSED]})
    if counts[UploadState.FAILED]:
        parts.append(_("%(count)s failed") % {"count": counts[UploadState.FAILED]})
    return ngettext(
        "Latest upload, %(count)s file: %(outcome)s.",
        "Latest upload, %(count)s files: %(outcome)s.",
        len(batch),
    ) % {"count": len(batch), "outcome": ", ".join(parts)}


def _skipped_label(row, participant):
    parts = [row["sport"]]
    if row.get("started_at"):
        moment = datetime.fromisoformat(row["started_at"]).astimezone(participant.tz)
        parts.append(date_format(moment, "D j M Y, H:i"))
    if row.get("distance_m"):
        parts.append(format_distance(row["distance_m"], participant.units))
    return " · ".join(parts)


def _upload_row(upload, participant):
    """One upload as the import page and its status JSON both show it."""
    return {
        "id": upload.pk,
        "name": upload.original_name,
        "state": upload.state,
        "state_label": str(upload.get_state_display()),
        "step": upload_progress_step(upload.state),
        "finished": upload.is_finished,
        "message": upload.message,
        "skipped": [
            {"label": _skipped_label(row, participant), "reason": row["reason"]}
            for row in upload.skipped
        ],
        "runs": [
            {
                "url": reverse("programme:run", args=[run.pk]),
                "label": "{} · {}".format(
                    format_distance(run.distance_m, participant.units),
                    date_format(run.started_at.astimezone(participant.tz), "D j M Y, H:i"),
                ),
                "status": run.status,
                "status_label": str(run.get_status_display()),
            }
            for run in upload_runs(upload)
        ],
    }


def import_page_for(participant, now):
    uploads = recent_uploads_for(participant)
    finished, total = batch_progress(uploads)
    today, all_time = upload_counts(participant=participant, now=now)
    return {
        "participant": participant,
        "uploads": [(upload, _upload_row(upload, participant)) for upload in uploads],
        "batch_finished": finished,
        "batch_total": total,
        "batch_summary": batch_summary(uploads),
        "pending": any(not u.is_finished for u in uploads),
        "uploads_today": today,
        "uploads_total": all_time,
        "limits": {
            "files": limits.MAX_FILES_PER_REQUEST,
            "file_mb": limits.MAX_FILE_BYTES // limits.MEGABYTE,
            "request_mb": limits.MAX_REQUEST_BYTES // limits.MEGABYTE,
            "per_day": limits.UPLOADS_PER_DAY,
            "max": limits.UPLOADS_MAX,
            "retention_days": settings.ACTIVITY_FILE_RETENTION_DAYS,
        },
    }


def import_status_for(participant):
    """The JSON the import page polls: its recent uploads' states, the participant's only."""
    uploads = recent_uploads_for(participant)
    finished, total = batch_progress(uploads)
    return {
        "pending": any(not u.is_finished for u in uploads),
        "batch": {"finished": finished, "total": total, "summary": batch_summary(uploads)},
        "uploads": [_upload_row(upload, participant) for upload in uploads],
    }


def run_track_part(run, participant):
    """The run page's route sketch and splits (registered with programme), or None for a
    run typed by hand."""
    track = RunTrack.objects.filter(run=run).select_related("upload").first()
    if track is None:
        return None
    return {
        "template": "imports/includes/run_track.html",
        "context": {
            "file_name": track.upload.original_name if track.upload else "",
            "track": {
                "sketch": route_sketch(track.points),
                "splits": splits_in_units(track.splits_s, participant.units),
                "point_count": track.point_count,
            },
        },
    }


def activity_uploads_stalled(*, now):
    """Ids of uploads whose task was lost: queued and never picked up, or left reading."""
    return list(
        ActivityUpload.objects.filter(
            Q(state=UploadState.QUEUED, updated_at__lt=now - IMPORT_QUEUED_STALL)
            | Q(state=UploadState.PARSING, updated_at__lt=now - IMPORT_PARSING_STALL)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )
