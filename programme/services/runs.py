"""Runs: log, change, delete and review, each through the one activity lifecycle."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.units import format_distance, format_duration, pace_seconds
from notifications.models import EmailPolicy, Notice

from ..activities import run_hold_checks
from ..errors import ProgrammeError
from ..models import ReviewStatus, Run, Source
from ..selectors import run_describe
from .activity import activity_change
from .progress import level_progress_refresh, participant_lock

MAX_DISTANCE_M = 200_000
MAX_DURATION_S = 24 * 3600
IMPOSSIBLE_PACE_S_PER_KM = 120  # faster than 2:00/km beats every world record
REVIEW_PACE_S_PER_KM = 180  # faster than 3:00/km is possible, but rare enough to check
REVIEW_DISTANCE_M = 60_000
DUPLICATE_WINDOW = timedelta(minutes=5)


def _review_status(distance_m, duration_s):
    """(status, reason): refuse the impossible, hold the implausible, count the rest."""
    if not 0 < distance_m <= MAX_DISTANCE_M:
        raise ProgrammeError(
            _("Distance must be more than 0 and at most %(km)s km.")
            % {"km": MAX_DISTANCE_M // 1000},
            field="distance",
        )
    if not 0 < duration_s <= MAX_DURATION_S:
        raise ProgrammeError(
            _("Duration must be more than 0 and at most %(hours)s hours.")
            % {"hours": MAX_DURATION_S // 3600},
            field="duration",
        )
    pace = pace_seconds(duration_s, distance_m)
    if pace < IMPOSSIBLE_PACE_S_PER_KM:
        raise ProgrammeError(
            _(
                "A pace of %(pace)s per km is faster than any world record. "
                "Check the distance and the duration."
            )
            % {"pace": format_duration(pace)},
            field="duration",
        )
    if pace < REVIEW_PACE_S_PER_KM:
        return ReviewStatus.HELD, _("Pace faster than %(pace)s per km.") % {
            "pace": format_duration(REVIEW_PACE_S_PER_KM)
        }
    if distance_m > REVIEW_DISTANCE_M:
        return ReviewStatus.HELD, _("Distance over %(km)s km.") % {"km": REVIEW_DISTANCE_M // 1000}
    return ReviewStatus.COUNTED, ""


def run_too_short_reason(*, programme, distance_m, duration_s, units="km"):
    """Why a run is under ``programme``'s minimum distance or duration, or "".

    The one rule for typed runs and imported activities alike: a 2 m, 1 s recording is a
    watch started by accident, not a run.
    """
    if distance_m < programme.run_min_distance_m:
        return _("It is shorter than %(minimum)s, the shortest run that counts.") % {
            "minimum": format_distance(programme.run_min_distance_m, units)
        }
    if duration_s < programme.run_min_duration_s:
        return _("It took less than %(minimum)s, the shortest run that counts.") % {
            "minimum": format_duration(programme.run_min_duration_s)
        }
    return ""


def _refuse_too_short(participant, distance_m, duration_s):
    reason = run_too_short_reason(
        programme=participant.programme,
        distance_m=distance_m,
        duration_s=duration_s,
        units=participant.units,
    )
    if reason:
        field = "distance" if distance_m < participant.programme.run_min_distance_m else "duration"
        raise ProgrammeError(reason, field=field)


def _is_duplicate(other_started_at, other_duration_s, started_at, ends_at):
    """A run starting within five minutes of another, or overlapping it, is a duplicate."""
    other_ends_at = other_started_at + timedelta(seconds=other_duration_s)
    close_start = abs(other_started_at - started_at) < DUPLICATE_WINDOW
    return close_start or (other_started_at < ends_at and started_at < other_ends_at)


def _runs_near(*, participant, started_at, duration_s, submission_token=None, exclude_pk=None):
    """(the run an earlier submission with this token made, or None; the first run a run at
    ``started_at`` lasting ``duration_s`` would duplicate, or None).

    One query of three columns for the day before the run's end (no run is longer) and the
    token; a run is only loaded whole when it is found, which is rare.
    """
    ends_at = started_at + timedelta(seconds=duration_s)
    near = Q(started_at__gt=started_at - timedelta(seconds=MAX_DURATION_S), started_at__lt=ends_at)
    wanted = near | Q(submission_token=submission_token) if submission_token else near
    rows = (
        Run.objects.filter(wanted, participant=participant)
        .exclude(pk=exclude_pk)
        .order_by("started_at")
        .values_list("pk", "started_at", "duration_s", "submission_token")
    )
    submitted_pk, duplicate_pk = None, None
    for pk, other_started_at, other_duration_s, token in rows:
        if submission_token and token == submission_token:
            submitted_pk = pk
        elif duplicate_pk is None and _is_duplicate(
            other_started_at, other_duration_s, started_at, ends_at
        ):
            duplicate_pk = pk
    return (
        Run.objects.get(pk=submitted_pk) if submitted_pk else None,
        Run.objects.get(pk=duplicate_pk) if duplicate_pk and not submitted_pk else None,
    )


def _refuse_duplicate(duplicate, participant):
    if duplicate is not None:
        raise ProgrammeError(
            _("This looks like a duplicate of %(run)s.")
            % {"run": run_describe(duplicate, participant)},
            field="started_at",
        )


def _source_hold(run):
    """(HELD, reason) when an app's registered check holds ``run``, else None."""
    for check in run_hold_checks():
        if reason := check(run):
            return ReviewStatus.HELD, reason
    return None


def _refuse_rejected(run):
    if run.status == ReviewStatus.REJECTED:
        raise ProgrammeError(
            _("This run was rejected by the organisers and can no longer be changed.")
        )


def run_log(
    *,
    participant,
    started_at,
    distance_m,
    duration_s,
    notes="",
    effort=None,
    source=Source.MANUAL,
    elevation_gain_m=None,
    submission_token=None,
    held_reason="",
    now=None,
):
    """Log a run and re-check its week's level, in one transaction.

    A repeated ``submission_token`` returns the run the first submission made.
    ``held_reason`` holds for review a run the pace and distance rules would count (an
    imported track's sustained speed, say). The run comes back with ``week_tally``, its
    week's WeeklyTally as this change left it (None for a repeated submission): what the
    saved message says, without reading it again.
    """
    now = now or timezone.now()
    with activity_change(participant, now=now) as change:
        submitted, duplicate = _runs_near(
            participant=change.participant,
            started_at=started_at,
            duration_s=duration_s,
            submission_token=submission_token,
        )
        if submitted is not None:
            submitted.week_tally = None
            return submitted
        status, reason = _review_status(distance_m, duration_s)
        _refuse_too_short(change.participant, distance_m, duration_s)
        if held_reason and status == ReviewStatus.COUNTED:
            status, reason = ReviewStatus.HELD, held_reason
        level = change.week_of(started_at, field="started_at")
        _refuse_duplicate(duplicate, change.participant)
        run = Run.objects.create(
            participant=change.participant,
            level=level,
            started_at=started_at,
            distance_m=distance_m,
            duration_s=duration_s,
            notes=notes,
            effort=effort,
            source=source,
            elevation_gain_m=elevation_gain_m,
            status=status,
            review_reason=reason,
            submission_token=submission_token,
        )
    run.week_tally = change.tallies.get(level.pk)
    return run


def run_update(*, run, started_at, distance_m, duration_s, notes="", effort=None, now=None):
    now = now or timezone.now()
    with activity_change(run.participant, now=now) as change:
        run = change.lock(run, moment_field="started_at", refuse=_refuse_rejected)
        status, reason = _review_status(distance_m, duration_s)
        _refuse_too_short(change.participant, distance_m, duration_s)
        # What the run's source holds it for (a track's fast stretch) survives an edit.
        if status == ReviewStatus.COUNTED and run.reviewed_by_id is None:
            status, reason = _source_hold(run) or (status, reason)
        level = change.week_of(started_at, field="started_at")
        _, duplicate = _runs_near(
            participant=change.participant,
            started_at=started_at,
            duration_s=duration_s,
            exclude_pk=run.pk,
        )
        _refuse_duplicate(duplicate, change.participant)
        numbers_changed = (distance_m, duration_s) != (run.distance_m, run.duration_s)
        run.started_at, run.distance_m, run.duration_s = started_at, distance_m, duration_s
        run.notes, run.effort, run.level = notes, effort, level
        # A run a reviewer approved stays approved unless its numbers change into
        # suspicious ones; a note or a corrected start time does not undo the review.
        if run.reviewed_by_id is None or (numbers_changed and status == ReviewStatus.HELD):
            run.status, run.review_reason = status, reason
        run.save()
    run.week_tally = change.tallies.get(level.pk)
    return run


def run_delete(*, run, now=None):
    now = now or timezone.now()
    with activity_change(run.participant, now=now) as change:
        run = change.lock(run, moment_field="started_at", refuse=_refuse_rejected)
        run.delete()


def run_review_notice_key(run):
    return f"run-reviewed:{run.pk}"


def run_review(*, run, approve, reviewer, reason="", now=None):
    """Staff approve (count) or reject a run; the level is re-checked either way.

    Staff may review a run of a closed week, so this skips the week check of the lifecycle.
    The runner is told, in the app and by email (owed in the outbox, queued by the caller
    after commit); a later review of the same run tells them again.
    """
    now = now or timezone.now()
    if not approve and not reason.strip():
        raise ProgrammeError(_("Give a reason for rejecting the run."))
    with transaction.atomic():
        participant = participant_lock(run.participant)
        run = Run.objects.select_for_update().get(pk=run.pk)
        run.status = ReviewStatus.COUNTED if approve else ReviewStatus.REJECTED
        run.review_reason = "" if approve else reason.strip()
        run.reviewed_by, run.reviewed_at = reviewer, now
        run.save(
            update_fields=["status", "review_reason", "reviewed_by", "reviewed_at", "updated_at"]
        )
        if run.level is not None:
            level_progress_refresh(participant=participant, level=run.level, now=now)
        _review_notice_write(run=run, participant=participant, now=now)
    return run


def _review_notice_write(*, run, participant, now):
    described = run_describe(run, participant)
    if run.status == ReviewStatus.COUNTED:
        title = _("Your run was approved")
        body = _("The organisers checked %(run)s: it counts.") % {"run": described}
    else:
        title = _("Your run was not accepted")
        body = _("The organisers checked %(run)s and rejected it: %(reason)s") % {
            "run": described,
            "reason": run.review_reason,
        }
    Notice.objects.update_or_create(
        participant=participant,
        key=run_review_notice_key(run),
        defaults={
            "title": title,
            "body": body,
            "url": reverse("programme:run", args=[run.pk]),
            "created_at": now,
            "read_at": None,
            "email": EmailPolicy.ALWAYS,
            "emailed_at": None,
        },
    )
