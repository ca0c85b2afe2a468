"""Everything that changes programme state. Views and tasks call these; rules live here."""

import hashlib
import logging
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import mailers
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Count, F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.units import format_distance, format_duration

from . import weeks
from .activity_files import MAX_ACTIVITIES_PER_FILE, ActivityFileError, parse_activity_file
from .errors import ProgrammeError
from .models import (
    UPLOAD_FINAL_STATES,
    UPLOAD_HOLDING_STATES,
    ActivityUpload,
    Level,
    LevelCompletion,
    Notice,
    Participant,
    ReviewStatus,
    Run,
    RunTrack,
    Source,
    UploadState,
    WeeklyTally,
)
from .uploads import UPLOADS_MAX, UPLOADS_PER_DAY


def participant_join(
    *,
    user,
    programme,
    display_name,
    time_zone,
    units,
    country,
    confirmed_age,
    confirmed_residence,
    accepted_rules,
    leaderboard_opt_in=False,
    now=None,
):
    """Make ``user`` a participant of ``programme``; joining twice returns the first one."""
    now = now or timezone.now()
    if not user.emailaddress_set.filter(email__iexact=user.email, verified=True).exists():
        raise ProgrammeError(_("Please confirm your email address before joining."))
    if now >= programme.logging_closes_at:
        raise ProgrammeError(_("This programme has ended and is no longer open for joining."))
    if not (confirmed_age and confirmed_residence and accepted_rules):
        raise ProgrammeError(_("Please confirm your eligibility and accept the rules to join."))
    existing = Participant.objects.filter(user=user, programme=programme).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Participant.objects.create(
                user=user,
                programme=programme,
                display_name=display_name,
                time_zone=time_zone,
                units=units,
                country=country,
                confirmed_age_at=now,
                confirmed_residence_at=now,
                consented_rules_at=now,
                leaderboard_opt_in=leaderboard_opt_in,
            )
    except IntegrityError:
        # Two tabs submitted at once: the other request made the row.
        return Participant.objects.get(user=user, programme=programme)


def programme_levels_ensure(*, programme, levels):
    """Create or update the programme's levels from ``levels`` (dicts keyed by number).

    Unlock moments default to the start of each week at the programme's unlock time.
    """
    for number, fields in sorted(levels.items()):
        Level.objects.update_or_create(
            programme=programme,
            number=number,
            defaults={"unlocks_at": programme.week_start(number), **fields},
        )


# Weekly unlock --------------------------------------------------------------------

EMAIL_BATCH_SIZE = 500


def level_unlock_notice_key(level):
    return f"level-unlocked:{level.pk}"


def levels_announce_due(*, now):
    """Announce every level whose unlock moment has passed, each exactly once.

    Per level, in one transaction: a conditional update claims it (two beats or a retried
    task find nothing left to claim), then one INSERT … SELECT writes every participant's
    in-app notice. Returns the email batches to send after commit, as lists of notice ids.
    """
    batches = []
    due_ids = list(
        Level.objects.filter(announced_at__isnull=True, unlocks_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    for level_id in due_ids:
        with transaction.atomic():
            claimed = Level.objects.filter(pk=level_id, announced_at__isnull=True).update(
                announced_at=now
            )
            if not claimed:
                continue
            level = Level.objects.select_related("programme").get(pk=level_id)
            _unlock_notices_insert(level=level, now=now)
        batches.extend(level_unlock_email_batches(level=level))
    return batches


def _unlock_notices_insert(*, level, now):
    title = _("Week %(number)s is open: %(title)s") % {"number": level.number, "title": level.title}
    body = level.focus or level.description[:300]
    url = reverse("programme:level", args=[level.number])
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Notice._meta.db_table}
                (participant_id, key, title, body, url, created_at, read_at, emailed_at)
            SELECT id, %s, %s, %s, %s, %s, NULL, NULL
            FROM {Participant._meta.db_table}
            WHERE programme_id = %s
            ON CONFLICT (participant_id, key) DO NOTHING
            """,  # noqa: S608 - table names come from model metadata, values are parameters
            [level_unlock_notice_key(level), title, body, url, now, level.programme_id],
        )
        return cursor.rowcount


def level_unlock_email_batches(*, level):
    """The unsent unlock emails of ``level``, as lists of at most EMAIL_BATCH_SIZE notice ids."""
    notice_ids = list(
        Notice.objects.filter(
            key=level_unlock_notice_key(level),
            emailed_at__isnull=True,
            participant__reminder_emails=True,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return email_batches(notice_ids)


STRANDED_AFTER = timedelta(minutes=15)
STRANDED_UNTIL = timedelta(days=2)


def level_unlock_emails_stranded(*, now):
    """Unlock emails still unsent 15 minutes to 2 days after their level was announced.

    Their batch task was lost (a worker died between the announcement's commit and the
    enqueue). Sending them again is safe: each email is claimed one by one, so nobody gets
    one twice; after two days the news is stale and only the in-app notice remains.
    """
    levels = Level.objects.filter(
        announced_at__lte=now - STRANDED_AFTER, announced_at__gt=now - STRANDED_UNTIL
    )
    batches = []
    for level in levels:
        batches.extend(level_unlock_email_batches(level=level))
    return batches


def email_batches(notice_ids):
    """``notice_ids`` in lists of at most EMAIL_BATCH_SIZE: one email task each."""
    return [
        notice_ids[start : start + EMAIL_BATCH_SIZE]
        for start in range(0, len(notice_ids), EMAIL_BATCH_SIZE)
    ]


def notice_emails_send(*, notice_ids, now=None, essential=False):
    """Email each notice at most once: claim it with a conditional update, then send.

    A worker that dies mid-batch leaves the claimed ones claimed, so a retry sends only
    the rest; nobody gets the same email twice. Returns how many were sent. ``essential``
    notices (a prize won) go out even to those who turned reminder emails off.
    """
    from .emails import notice_email

    now = now or timezone.now()
    sent = 0
    notices = Notice.objects.filter(pk__in=notice_ids, emailed_at__isnull=True)
    if not essential:
        notices = notices.filter(participant__reminder_emails=True)
    notices = notices.select_related("participant__user", "participant__programme")
    with mailers.default as mailer:
        for notice in notices:
            if not Notice.objects.filter(pk=notice.pk, emailed_at__isnull=True).update(
                emailed_at=now
            ):
                continue
            try:
                mailer.send_messages([notice_email(notice)])
            except Exception:
                # Not sent after all: release the claim so a retry sends it.
                Notice.objects.filter(pk=notice.pk).update(emailed_at=None)
                raise
            sent += 1
    return sent


# Runs and level completion ----------------------------------------------------------

MAX_DISTANCE_M = 200_000
MAX_DURATION_S = 24 * 3600
IMPOSSIBLE_PACE_S_PER_KM = 120  # faster than 2:00/km beats every world record
REVIEW_PACE_S_PER_KM = 180  # faster than 3:00/km is possible, but rare enough to check
REVIEW_DISTANCE_M = 60_000
DUPLICATE_WINDOW = timedelta(minutes=5)


def moment_text(moment, participant):
    """A moment as the participant reads it: their own zone, e.g. "24 Mar 2026, 07:00"."""
    return date_format(moment.astimezone(participant.tz), "j M Y, H:i")


def run_describe(run, participant):
    return _("the run of %(distance)s at %(moment)s") % {
        "distance": format_distance(run.distance_m, participant.units),
        "moment": moment_text(run.started_at, participant),
    }


def activity_week(*, participant, moment, now, field="started_at"):
    """The level whose week ``moment`` falls in, or a ProgrammeError saying why there is none.

    Shared by every kind of activity (runs, foot-strength sessions): not in the future, not
    before the programme starts, not after it ends, not after the week's logging closed.
    ``field`` names the form field a refusal belongs to.
    """
    programme = participant.programme
    if moment > now:
        raise ProgrammeError(_("That time is in the future."), field=field)
    levels = list(programme.levels.all())
    window = weeks.window_for(programme, levels, moment)
    if window is None:
        if levels and moment < min(level.unlocks_at for level in levels):
            raise ProgrammeError(
                _("The programme starts on %(start)s; activity before then does not count.")
                % {"start": moment_text(programme.starts_at, participant)},
                field=field,
            )
        raise ProgrammeError(
            _("The programme ended on %(end)s.")
            % {"end": moment_text(programme.ends_at, participant)},
            field=field,
        )
    level, _starts, ends = window
    closes = weeks.logging_closes_at(programme, ends)
    if now >= closes:
        raise ProgrammeError(
            _("Logging for week %(number)s closed on %(closed)s.")
            % {"number": level.number, "closed": moment_text(closes, participant)},
            field=field,
        )
    return level


def _review_status(distance_m, duration_s):
    """(status, reason): refuse the impossible, hold the implausible, count the rest."""
    if not 0 < distance_m <= MAX_DISTANCE_M:
        raise ProgrammeError(
            _("Distance must be more than 0 and at most 200 km."), field="distance"
        )
    if not 0 < duration_s <= MAX_DURATION_S:
        raise ProgrammeError(
            _("Duration must be more than 0 and at most 24 hours."), field="duration"
        )
    pace = duration_s * 1000 / distance_m
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
        return ReviewStatus.HELD, _("Pace faster than 3:00 per km.")
    if distance_m > REVIEW_DISTANCE_M:
        return ReviewStatus.HELD, _("Distance over 60 km.")
    return ReviewStatus.COUNTED, ""


def _refuse_duplicates(*, participant, started_at, duration_s, exclude_pk=None):
    """A run starting within five minutes of another, or overlapping it, is a duplicate."""
    ends_at = started_at + timedelta(seconds=duration_s)
    nearby = (
        Run.objects.filter(
            participant=participant,
            started_at__gt=started_at - timedelta(days=1),
            started_at__lt=ends_at,
        )
        .exclude(pk=exclude_pk)
        .order_by("started_at")
    )
    for other in nearby:
        other_ends_at = other.started_at + timedelta(seconds=other.duration_s)
        close_start = abs(other.started_at - started_at) < DUPLICATE_WINDOW
        if close_start or (other.started_at < ends_at and started_at < other_ends_at):
            raise ProgrammeError(
                _("This looks like a duplicate of %(run)s.")
                % {"run": run_describe(other, participant)},
                field="started_at",
            )


def participant_lock(participant):
    """Serialise activity changes per participant, so two requests cannot race the tallies.

    Call inside ``transaction.atomic``; returns the locked row with its programme.
    """
    return (
        Participant.objects.select_for_update().select_related("programme").get(pk=participant.pk)
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
    upload=None,
    track=None,
    now=None,
):
    """Log a run and re-check its week's level, in one transaction.

    A repeated ``submission_token`` returns the run the first submission made.
    ``held_reason`` holds for review a run the pace and distance rules would count (an
    imported track's sustained speed, say). ``upload`` and ``track`` (the fields of a
    ``RunTrack``) come with runs imported from a file.
    """
    now = now or timezone.now()
    with transaction.atomic():
        participant = participant_lock(participant)
        if submission_token:
            existing = Run.objects.filter(
                participant=participant, submission_token=submission_token
            ).first()
            if existing:
                return existing
        status, reason = _review_status(distance_m, duration_s)
        if held_reason and status == ReviewStatus.COUNTED:
            status, reason = ReviewStatus.HELD, held_reason
        level = activity_week(participant=participant, moment=started_at, now=now)
        _refuse_duplicates(participant=participant, started_at=started_at, duration_s=duration_s)
        run = Run.objects.create(
            participant=participant,
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
            upload=upload,
        )
        if track is not None:
            RunTrack.objects.create(run=run, **track)
        level_progress_refresh(participant=participant, level=level, now=now)
    return run


def _refuse_closed_or_rejected(run, participant, now):
    if run.status == ReviewStatus.REJECTED:
        raise ProgrammeError(
            _("This run was rejected by the organisers and can no longer be changed.")
        )
    if run.level is not None:
        activity_week(participant=participant, moment=run.started_at, now=now)


def run_update(*, run, started_at, distance_m, duration_s, notes="", effort=None, now=None):
    now = now or timezone.now()
    with transaction.atomic():
        participant = participant_lock(run.participant)
        run = Run.objects.select_for_update().get(pk=run.pk)
        _refuse_closed_or_rejected(run, participant, now)
        status, reason = _review_status(distance_m, duration_s)
        if status == ReviewStatus.COUNTED and run.reviewed_by_id is None:
            # An imported track's fast stretch still holds the run after an edit.
            track = RunTrack.objects.filter(run=run).first()
            if track and (track_reason := _track_hold_reason(track.max_sustained_speed_mps)):
                status, reason = ReviewStatus.HELD, track_reason
        level = activity_week(participant=participant, moment=started_at, now=now)
        _refuse_duplicates(
            participant=participant, started_at=started_at, duration_s=duration_s, exclude_pk=run.pk
        )
        old_level = run.level
        numbers_changed = (distance_m, duration_s) != (run.distance_m, run.duration_s)
        run.started_at, run.distance_m, run.duration_s = started_at, distance_m, duration_s
        run.notes, run.effort, run.level = notes, effort, level
        # A run a reviewer approved stays approved unless its numbers change into
        # suspicious ones; a note or a corrected start time does not undo the review.
        if run.reviewed_by_id is None or (numbers_changed and status == ReviewStatus.HELD):
            run.status, run.review_reason = status, reason
        run.save()
        for changed in {old_level, level} - {None}:
            level_progress_refresh(participant=participant, level=changed, now=now)
    return run


def run_delete(*, run, now=None):
    now = now or timezone.now()
    with transaction.atomic():
        participant = participant_lock(run.participant)
        run = Run.objects.select_for_update().get(pk=run.pk)
        _refuse_closed_or_rejected(run, participant, now)
        level = run.level
        run.delete()
        if level is not None:
            level_progress_refresh(participant=participant, level=level, now=now)


def run_review(*, run, approve, reviewer, reason="", now=None):
    """Staff approve (count) or reject a run; the level is re-checked either way."""
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
    return run


def level_progress_refresh(*, participant, level, now):
    """The one place where a level is completed or taken back.

    Called inside the transaction of every activity change (runs, sessions, reviews):
    recounts the week's counted activity into its WeeklyTally, records or withdraws the
    completion, and refreshes the participant's maintained totals.
    """
    from exercises.models import StrengthSession

    runs = Run.objects.filter(participant=participant, level=level, status=ReviewStatus.COUNTED)
    totals = runs.aggregate(count=Count("pk"), distance=Sum("distance_m"))
    session_count = StrengthSession.objects.filter(participant=participant, level=level).count()
    WeeklyTally.objects.update_or_create(
        participant=participant,
        level=level,
        defaults={
            "run_count": totals["count"],
            "distance_m": totals["distance"] or 0,
            "session_count": session_count,
            "leaderboard_opt_in": participant.leaderboard_opt_in,
        },
    )
    met = goals_met(
        level, runs=totals["count"], distance_m=totals["distance"] or 0, sessions=session_count
    )
    completion = LevelCompletion.objects.filter(participant=participant, level=level).first()
    if met and completion is None:
        LevelCompletion.objects.create(
            participant=participant, level=level, completed_at=now, tickets=level.tickets
        )
        Notice.objects.get_or_create(
            participant=participant,
            key=f"level-completed:{level.pk}",
            defaults={
                "title": _("You completed week %(number)s!") % {"number": level.number},
                "body": ngettext(
                    "You earned %(tickets)s draw ticket.",
                    "You earned %(tickets)s draw tickets.",
                    level.tickets,
                )
                % {"tickets": level.tickets},
                "url": reverse("programme:level", args=[level.number]),
                "created_at": now,
            },
        )
    elif not met and completion is not None and not _completions_locked(level):
        completion.delete()
        Notice.objects.filter(participant=participant, key=f"level-completed:{level.pk}").delete()
    participant_totals_refresh(participant=participant)


def _completions_locked(level):
    """Whether a draw's entries have closed over ``level``, read under the level's row lock.

    A draw closing its entries right now holds that lock until its snapshot commits, so a
    completion it counted is never withdrawn behind its back. Only this rare path waits.
    """
    return (
        Level.objects.select_for_update()
        .filter(pk=level.pk)
        .values_list("completions_locked_at", flat=True)
        .get()
        is not None
    )


def goals_met(level, *, runs, distance_m, sessions):
    if not level.has_goals:
        return False
    return (
        runs >= (level.goal_runs or 0)
        and distance_m >= (level.goal_distance_m or 0)
        and sessions >= (level.goal_sessions or 0)
    )


def participant_totals_refresh(*, participant):
    """Keep the leaderboard's and the draw's numbers on the participant row."""
    distance = WeeklyTally.objects.filter(participant=participant).aggregate(
        total=Sum("distance_m")
    )
    tickets = LevelCompletion.objects.filter(participant=participant).aggregate(
        total=Sum("tickets")
    )
    Participant.objects.filter(pk=participant.pk).update(
        total_distance_m=distance["total"] or 0, tickets=tickets["total"] or 0
    )


# Participant settings and notices ---------------------------------------------------

PARTICIPANT_SETTINGS = {
    "display_name",
    "time_zone",
    "units",
    "leaderboard_opt_in",
    "reminder_emails",
}


def participant_update(*, participant, **changes):
    """Change a participant's own settings; the leaderboard opt-in reaches their tallies too."""
    unknown = set(changes) - PARTICIPANT_SETTINGS
    if unknown:
        raise ValueError(f"not participant settings: {sorted(unknown)}")
    with transaction.atomic():
        for name, value in changes.items():
            setattr(participant, name, value)
        participant.save(update_fields=[*changes, "updated_at"])
        if "leaderboard_opt_in" in changes:
            WeeklyTally.objects.filter(participant=participant).update(
                leaderboard_opt_in=participant.leaderboard_opt_in
            )
    return participant


def notices_mark_read(*, participant, now=None):
    return Notice.objects.filter(participant=participant, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )


# Importing runs from activity files -------------------------------------------------

# A track that holds a pace faster than the manual-run rules allow, for a minute or more.
SUSTAINED_IMPOSSIBLE_MPS = 1000 / IMPOSSIBLE_PACE_S_PER_KM
SUSTAINED_REVIEW_MPS = 1000 / REVIEW_PACE_S_PER_KM
# A file whose processing crashed the worker this many times is marked failed, not retried.
IMPORT_MAX_ATTEMPTS = 3
# Queued this long without being picked up, or reading this long, means the task was lost.
IMPORT_QUEUED_STALL = timedelta(minutes=5)
IMPORT_PARSING_STALL = timedelta(minutes=10)

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


def upload_counts(*, participant, now):
    """(uploads in the last 24 hours, uploads in all) for the limits."""
    counts = ActivityUpload.objects.filter(participant=participant).aggregate(
        today=Count("pk", filter=Q(created_at__gt=now - timedelta(days=1))),
        total=Count("pk"),
    )
    return counts["today"], counts["total"]


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
    """Store each uploaded file under a random name, record it, and queue it for reading.

    Files over the participant's limits, and files already imported (same content, by
    SHA-256), are refused with the reason. Returns an ``UploadOutcome``. The tasks are
    queued when the transaction commits; if it fails, the files stored so far are deleted.
    """
    from . import tasks

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
                existing = (
                    ActivityUpload.objects.filter(
                        participant=participant, sha256=digest, state__in=UPLOAD_HOLDING_STATES
                    )
                    .prefetch_related("runs")
                    .first()
                )
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
                tasks.import_activity_file.delay_on_commit(upload.pk)
                outcome.created.append(upload)
                today, total = today + 1, total + 1
    except BaseException:
        for stored_file in stored:
            stored_file.storage.delete(stored_file.name)
        raise
    return outcome


def _finish_upload(upload_id, state, message, now):
    """Record how an upload ended, unless another attempt already did."""
    return ActivityUpload.objects.filter(pk=upload_id, state=UploadState.PARSING).update(
        state=state, message=str(message)[:500], updated_at=now
    )


def _track_hold_reason(speed_mps):
    """Why a track's best sustained speed holds its run for review, or ''."""
    if speed_mps <= SUSTAINED_REVIEW_MPS:
        return ""
    return _("The track holds a stretch faster than 3:00 per km (%(pace)s per km).") % {
        "pace": format_duration(1000 / speed_mps)
    }


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
    return _track_hold_reason(speed)


def _import_activity(*, upload, participant, activity, now):
    held_reason = _sustained_speed_check(activity)
    return run_log(
        participant=participant,
        started_at=activity.started_at,
        distance_m=activity.distance_m,
        duration_s=activity.duration_s,
        source=Source(activity.format),
        elevation_gain_m=activity.elevation_gain_m,
        held_reason=held_reason,
        upload=upload,
        track={
            "points": [[round(lat, 6), round(lon, 6)] for lat, lon in activity.track],
            "splits_s": list(activity.splits_s),
            "max_sustained_speed_mps": activity.max_sustained_speed_mps,
            "point_count": activity.point_count,
        },
        now=now,
    )


def _done_message(runs):
    held = sum(1 for run in runs if run.status == ReviewStatus.HELD)
    message = ngettext("%(count)s run imported.", "%(count)s runs imported.", len(runs)) % {
        "count": len(runs)
    }
    if held:
        message += " " + ngettext(
            "%(count)s is held for review.", "%(count)s are held for review.", held
        ) % {"count": held}
    return message


def _write_runs(*, upload_id, activities, now):
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
        runs = []
        for number, activity in enumerate(activities, start=1):
            try:
                runs.append(
                    _import_activity(
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
        upload.message = _done_message(runs)
        upload.save(update_fields=["state", "message", "updated_at"])
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
        with upload.file.open("rb") as stream:
            activities = parse_activity_file(stream, now=now)
        return _write_runs(upload_id=upload_id, activities=activities, now=now)
    except ActivityFileError as error:
        if isinstance(error.__cause__, SoftTimeLimitExceeded):
            _finish_upload(upload_id, UploadState.FAILED, _too_slow_message(), now)
        else:
            _finish_upload(upload_id, UploadState.REFUSED, error.message, now)
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


def _too_slow_message():
    return _("Reading this file took too long; nothing was imported.")


def activity_uploads_stalled(*, now=None):
    """Ids of uploads whose task was lost: queued and never picked up, or left reading."""
    now = now or timezone.now()
    return list(
        ActivityUpload.objects.filter(
            Q(state=UploadState.QUEUED, updated_at__lt=now - IMPORT_QUEUED_STALL)
            | Q(state=UploadState.PARSING, updated_at__lt=now - IMPORT_PARSING_STALL)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )


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
